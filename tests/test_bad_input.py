"""Malformed input never gives a traceback: property-based tests (hypothesis) against the loader and the CLI.

Every generated file has at least one definite fault, so the expected outcome is known: the loader raises a
`CloudAnomalyError` whose message names the file, and the CLI prints one `error:` line, exits 2, prints nothing on
stdout and writes no output file."""
import contextlib, io, os, subprocess, sys
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, HealthCheck, strategies as st
from cloud_anomaly.config import CloudAnomalyError, DataConfig, Config
from cloud_anomaly.loaders import load_data
from cloud_anomaly.cli import run_cli

HEADER = ['Date', 'CustomerID', 'TotalCost']

@st.composite
def good_rows(draw):
    n = draw(st.integers(25, 40))
    days = pd.date_range('2024-01-01', periods=n).strftime('%Y-%m-%d')
    cost = draw(st.lists(st.floats(-50, 5000, allow_nan=False), min_size=n, max_size=n))
    cust = draw(st.sampled_from(['1', '007', 'acct-9']))
    return [[d, cust, f"{c:.2f}"] for d, c in zip(days, cost)]

FAULTS = ['missing_column', 'renamed_column', 'delimiter', 'bad_cost', 'bad_date', 'mixed_dates', 'empty', 'header_only',
          'binary', 'too_short', 'constant', 'unknown_customer']

@st.composite
def broken_csv(draw):
    "(file bytes, extra CLI args, the fault) for a CSV with one definite fault."
    rows, header, sep, args = draw(good_rows()), list(HEADER), ',', []
    fault = draw(st.sampled_from(FAULTS))
    i = draw(st.integers(0, len(rows) - 1))
    if fault == 'missing_column':
        k = draw(st.integers(0, 2)); header.pop(k); rows = [r[:k] + r[k + 1:] for r in rows]
    elif fault == 'renamed_column':
        k = draw(st.integers(0, 2)); header[k] = draw(st.sampled_from(['date', 'Customer Id', 'Total_Cost', 'cost', 'x']))
    elif fault == 'delimiter': sep = draw(st.sampled_from([';', '\t', '|']))
    elif fault == 'bad_cost': rows[i][2] = draw(st.sampled_from(['abc', 'inf', '-inf', '1,2.3', '$5', 'twelve']))   # empty cells are gaps (below)
    elif fault == 'bad_date': rows[i][0] = draw(st.sampled_from(['', 'yesterday', '2024-13-45', '31/31/2024', 'NULL', '20240']))
    elif fault == 'mixed_dates': rows[i][0] = pd.Timestamp(rows[i][0]).strftime(draw(st.sampled_from(['%m/%d/%Y', '%d.%m.%Y', '%b %d %Y'])))
    elif fault == 'too_short': rows = rows[:draw(st.integers(1, 15))]   # the detector needs 16 days
    elif fault == 'constant': rows = [[r[0], r[1], '42.00'] for r in rows]
    elif fault == 'unknown_customer': args = ['--customer-id', 'no-such-customer']
    if fault == 'empty': data = b''
    elif fault == 'header_only': data = (sep.join(header) + '\n').encode()
    elif fault == 'binary': data = draw(st.binary(min_size=1, max_size=200).filter(lambda b: b'\n' not in b and b',' not in b)) + b'\x00\xff\xfe'
    else:
        quote = (lambda v: f'"{v}"' if sep == ',' and ',' in v else v)
        data = ('\n'.join(sep.join(quote(v) for v in r) for r in [header] + rows) + '\n').encode()
    return data, args, fault

CHEAP = Config.from_dict({'model': {'epochs': 1}})

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=broken_csv())
def test_loader_and_detector_reject_with_a_message(tmp_path, case):
    data, args, fault = case
    f = tmp_path / 'costs.csv'; f.write_bytes(data)
    from cloud_anomaly.pipeline import AnomalyDetectionPipeline
    pipe = AnomalyDetectionPipeline(CHEAP)
    with pytest.raises(CloudAnomalyError) as e:
        frame = pipe.load_data(data_file=f)
        cid = args[1] if args else pipe.resolve_customer(frame)
        from cloud_anomaly.data import customer_series
        from cloud_anomaly.detector import AnomalyDetector, min_days
        s = customer_series(frame, cid, CHEAP.data)
        if len(s) < min_days(CHEAP) or s.cost.nunique() == 1: AnomalyDetector(CHEAP).fit(s)   # fails before training
        raise AssertionError(f"{fault}: no error")
    assert str(e.value).strip(), fault

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=broken_csv())
def test_cli_exits_2_with_one_line_and_writes_nothing(tmp_path, case):
    data, args, fault = case
    f = tmp_path / 'costs.csv'; f.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run_cli(['--data-file', str(f), '--output', str(tmp_path / 'res.csv'), '--save-plot', str(tmp_path / 'p.png'), *args])
    assert code == 2, (fault, code, err.getvalue())
    e = err.getvalue()
    assert e.startswith('error: ') and 'Traceback' not in e and e.count('\n') == 1, (fault, e)
    assert out.getvalue() == ''
    assert not (tmp_path / 'res.csv').exists() and not (tmp_path / 'p.png').exists()

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=good_rows(), empty=st.sampled_from(['', 'nan', 'NaN', 'NULL', 'null', 'n/a']), data=st.data())
def test_empty_cost_cells_are_gaps_not_refusals(tmp_path, rows, empty, data):
    "An empty cost cell is a gap: the series keeps its day, filled from its neighbours and flagged; only a mostly empty series is refused."
    i = data.draw(st.integers(1, len(rows) - 2))
    rows[i][2] = empty
    f = tmp_path / 'gaps.csv'; f.write_text('\n'.join(','.join(r) for r in [list(HEADER)] + rows) + '\n')
    from cloud_anomaly.data import customer_series
    s = customer_series(load_data(f), rows[0][1])
    assert len(s) == len(rows) and s.filled.sum() == 1 and bool(s.filled.iloc[i]) and np.isfinite(s.cost).all()
    for r in rows[::2] + rows[1::4]: r[2] = ''
    f.write_text('\n'.join(','.join(r) for r in [list(HEADER)] + rows) + '\n')
    with pytest.raises(CloudAnomalyError, match='mostly gaps'): customer_series(load_data(f), rows[0][1])

@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_is_loaded_or_rejected_cleanly(tmp_path_factory, text):
    f = tmp_path_factory.mktemp('fuzz') / 'any.csv'; f.write_text(text, encoding='utf-8')
    try: load_data(f)
    except CloudAnomalyError as e: assert str(e)

def test_not_parquet_subprocess(tmp_path):
    (tmp_path / 'x.parquet').write_bytes(b'PAR1 this is not parquet')
    r = subprocess.run([sys.executable, '-m', 'cloud_anomaly', '--data-file', str(tmp_path / 'x.parquet')],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and 'not a readable Parquet file' in r.stderr and 'Traceback' not in r.stderr
