"""The command line as users run it: a real subprocess, exit codes, files written, no tracebacks."""
import os, re, shlex, subprocess, sys
from pathlib import Path
import pandas as pd
import pytest
from cloud_anomaly.data import generate_mock_data

ROOT = Path(__file__).resolve().parent.parent

def run(*args, env=None, cwd=None):
    e = {**os.environ, **(env or {})}
    e.pop('GEMINI_API_KEY', None)
    return subprocess.run([sys.executable, '-m', 'cloud_anomaly', *map(str, args)], capture_output=True, text=True,
                          env=e, cwd=cwd, timeout=600)

@pytest.mark.slow                   # a whole mock run in a subprocess; the same run is the CLI notebook's (in process), a real process is test_bad_input_in_a_real_process
def test_mock_run_writes_plot_table_and_prints_explanations(tmp_path, fast_config):
    r = run('--use-mock-data', '--customer-id', '900', '--config', fast_config,
            '--save-plot', tmp_path / 'plot.png', '--output', tmp_path / 'results.csv')
    assert r.returncode == 0, r.stderr
    assert 'customer 900: 724 days scored' in r.stdout
    assert (tmp_path / 'plot.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    res = pd.read_csv(tmp_path / 'results.csv')
    assert len(res) == 724 and {'expected_cost', 'anomaly_score', 'is_strong'} <= set(res.columns)
    n_strong = int(res.is_strong.sum())
    assert f'{n_strong} strong anomalies' in r.stdout
    if n_strong: assert 'explanation' in r.stdout and 'expected' in r.stdout
    assert 'Traceback' not in r.stderr and 'I0000' not in r.stderr   # TensorFlow's native chatter is silenced

@pytest.mark.slow                   # a whole run in a subprocess; reading a daily CSV is tested in the notebooks and test_billing
def test_data_file_run_for_one_customer(tmp_path, fast_config):
    generate_mock_data([7, 8], n_days=120).to_csv(tmp_path / 'costs.csv', index=False)
    r = run('--data-file', tmp_path / 'costs.csv', '--customer-id', '8', '--config', fast_config)
    assert r.returncode == 0, r.stderr
    assert 'customer 8: 114 days scored' in r.stdout

@pytest.mark.slow                   # a whole mock run in a subprocess for one message; the fallback itself is tested in test_gemini
def test_use_llm_api_without_key_falls_back(tmp_path, fast_config):
    r = run('--use-mock-data', '--config', fast_config, '--use-llm-api')
    assert r.returncode == 0, r.stderr
    assert 'GEMINI_API_KEY is not' in r.stderr

@pytest.mark.parametrize('content,args,message', [
    (None, ['--data-file', 'missing.csv'], 'does not exist'),
    ('', ['--data-file', 'f.csv'], 'is empty'),
    ('Day,CustomerID,TotalCost\n2024-01-01,1,2\n', ['--data-file', 'f.csv'], "missing column(s) ['Date']"),
    ('Date,CustomerID,TotalCost\n2024-01-01,1,abc\n', ['--data-file', 'f.csv'], "'abc'"),
    ('Date,CustomerID,TotalCost\nsoon,1,2\n', ['--data-file', 'f.csv'], 'cannot read date'),
    ('Date,CustomerID,TotalCost\n2024-01-01,1,2\n', ['--data-file', 'f.csv', '--customer-id', '5'], 'customer 5'),
    ('Date,CustomerID,TotalCost\n2024-01-01,1,2\n2024-01-02,1,3\n', ['--data-file', 'f.csv', '--customer-id', '1'], 'needs at least'),
    (None, ['--use-mock-data', '--config', 'missing.toml'], 'config file'),
    (None, [], 'no input'),
])
def test_bad_input_gets_one_clear_message(tmp_path, monkeypatch, capsys, content, args, message):
    "Each kind of bad input, through the command line's entry point in this process (a real process below: the same, once)."
    from cloud_anomaly.cli import run_cli
    if content is not None: (tmp_path / 'f.csv').write_text(content)
    monkeypatch.chdir(tmp_path)
    code = run_cli([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert message in err and err.startswith('error: ') and 'Traceback' not in err
    assert out == ''

def test_bad_input_in_a_real_process(tmp_path):
    (tmp_path / 'f.csv').write_text('Date,CustomerID,TotalCost\n2024-01-01,1,abc\n')
    r = run('--data-file', 'f.csv', cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == '', (r.returncode, r.stdout, r.stderr)
    assert r.stderr.startswith('error: ') and "'abc'" in r.stderr and 'Traceback' not in r.stderr and 'I0000' not in r.stderr

def test_console_script_help():
    import shutil
    exe = shutil.which('cloud-anomaly')
    if exe is None: pytest.skip('console script not on PATH (package not installed)')
    r = subprocess.run([exe, '--help'], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and '--use-mock-data' in r.stdout and '--customer-id' in r.stdout

@pytest.mark.slow                   # a portfolio run in a subprocess; FOCUS portfolios are tested quickly in test_billing
def test_all_customers_of_a_focus_export(tmp_path, fast_config):
    "A FOCUS export with several accounts: every account runs, short ones are skipped with their reason."
    from focus_fixtures import focus_rows
    focus_rows(tmp_path / 'focus.csv')
    r = run('--data-file', tmp_path / 'focus.csv', '--customer-id', 'all', '--config', fast_config,
            '--output', tmp_path / 'all.csv')
    assert r.returncode == 0, r.stderr
    res = pd.read_csv(tmp_path / 'all.csv', dtype={'customer_id': str})
    assert sorted(res.customer_id.unique()) == ['111111111111', '222222222222']
    assert 'skipped: customer 333333333333: 5 day(s) of data' in r.stdout
    assert '2 customers: ' in r.stdout
    assert 'portfolio: 2 customers scanned, 1 skipped, ' in r.stdout

def test_help_names_the_subcommands_and_every_config_section():
    import contextlib, io
    from cloud_anomaly.cli import run_cli
    out = io.StringIO()
    with contextlib.redirect_stdout(out): assert run_cli(['--help']) == 0
    text = out.getvalue()
    assert text.startswith('usage: cloud-anomaly [OPTIONS]') and '{train,monitor,feedback,history,report} [OPTIONS]' in text
    assert all(f'[{s}]' in text for s in ('model', 'detection', 'llm', 'data', 'alerts', 'monitor'))
    assert 'of one customer and' not in text

@pytest.mark.slow
def test_readme_monitoring_quick_start_works_as_written(tmp_path):
    "The README's monitoring quick-start on mock data, line by line as a user pastes it: it scores new days, alerts, takes a verdict and writes the report."
    readme = (ROOT / 'README.md').read_text()
    block = readme.split('To try it before your own data arrives', 1)[1].split('```sh\n', 1)[1].split('```', 1)[0]
    lines = [l for l in block.splitlines() if l.strip()]
    assert [l.split()[1] for l in lines] == ['train', 'monitor', 'feedback', 'report'], lines
    outs = []
    for line in lines:
        args = shlex.split(line)
        assert args[0] == 'cloud-anomaly'
        r = subprocess.run([sys.executable, '-m', 'cloud_anomaly', *args[1:]], capture_output=True, text=True, cwd=tmp_path, timeout=900)
        assert r.returncode == 0, (line, r.stdout, r.stderr)
        outs.append(r.stdout)
    monitor_out = outs[1]
    assert re.search(r'new days scored \(2025-11-01 to 2025-12-03\), [1-9]\d* new anomal', monitor_out), monitor_out
    assert 'peak day: cost vs expected' in monitor_out and '901' in monitor_out          # the alert the feedback line names
    assert outs[2].strip().endswith(': real') and (tmp_path / 'demo-report.html').read_text().startswith('<!DOCTYPE html>')
