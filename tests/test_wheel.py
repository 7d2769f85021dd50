"""Packaging as users get it: build the wheel and sdist, install the wheel (not editable) into a fresh virtual
environment, and use it there: the console script, a mock run and the public Python API."""
import subprocess, sys, zipfile, tarfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow      # builds the package and installs it with its dependencies into a fresh venv: run by .ci/run after the quick suite

@pytest.fixture(scope='module')
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    r = subprocess.run([sys.executable, '-m', 'build', '--outdir', str(out), str(ROOT)], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return out

def test_wheel_and_sdist_hold_the_package_only(dist):
    whl, = dist.glob('*.whl'); sdist, = dist.glob('*.tar.gz')
    names = zipfile.ZipFile(whl).namelist()
    assert {'cloud_anomaly/pipeline.py', 'cloud_anomaly/cli.py', 'cloud_anomaly/__main__.py'} <= set(names)
    assert all(n.startswith(('cloud_anomaly/', 'cloud_anomaly-')) for n in names), names
    bad = [n for n in names if n.endswith(('.ipynb', '.csv', '.parquet', '.keras', '.env', '.toml')) or '/tests/' in n]
    assert not bad, bad
    meta = zipfile.ZipFile(whl).read(next(n for n in names if n.endswith('METADATA'))).decode()
    assert 'Requires-Dist: tensorflow' in meta and 'Provides-Extra: gemini' in meta
    assert "google-genai" in meta.split('Provides-Extra: gemini')[1]            # Gemini is an extra, not a core dependency
    assert 'Provides-Extra: spark' in meta and "pyspark" in meta.split('Provides-Extra: spark')[1]
    src = tarfile.open(sdist).getnames()
    assert not [n for n in src if n.endswith('.ipynb') or '/shared/' in n or n.endswith('.env')], src

def test_wheel_installs_and_runs_in_a_fresh_venv(dist, tmp_path):
    whl, = dist.glob('*.whl')
    venv = tmp_path / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', str(venv)], check=True)
    py, exe = venv / 'bin' / 'python', venv / 'bin' / 'cloud-anomaly'
    r = subprocess.run([str(py), '-m', 'pip', 'install', '--quiet', str(whl)], capture_output=True, text=True, timeout=1500)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([str(py), '-c', 'import cloud_anomaly, sys; print(cloud_anomaly.__file__)'], capture_output=True, text=True, cwd=tmp_path)
    assert str(venv) in r.stdout, 'imported the package from outside the fresh venv: ' + r.stdout + r.stderr
    h = subprocess.run([str(exe), '--help'], capture_output=True, text=True, timeout=120)
    assert h.returncode == 0 and '--use-mock-data' in h.stdout
    (tmp_path / 'fast.toml').write_text('[model]\nepochs = 2\n')
    run = subprocess.run([str(exe), '--use-mock-data', '--customer-id', '900', '--config', 'fast.toml', '--save-plot', 'plot.png'],
                         capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert run.returncode == 0, run.stderr[-2000:]
    assert 'customer 900: 724 days scored' in run.stdout and (tmp_path / 'plot.png').stat().st_size > 10_000
    api = ("from cloud_anomaly.pipeline import AnomalyDetectionPipeline\nfrom cloud_anomaly.config import Config\n"
           "config = Config(); config.data.customer_id = 901; config.model.epochs = 2\n"
           "anomaly_df, explained = AnomalyDetectionPipeline(config).run(use_mock_data=True)\n"
           "print(len(anomaly_df), list(explained.columns)[:3])")
    r = subprocess.run([str(py), '-c', api], capture_output=True, text=True, cwd=tmp_path, timeout=900)
    assert r.returncode == 0 and r.stdout.startswith('724 '), r.stderr[-2000:]
