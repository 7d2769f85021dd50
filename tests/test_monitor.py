"""Daily monitoring as a cron job runs it: per-customer models retrained inside the month, a monitor process killed in
the middle of a write and started again, and two monitors started at once on one store."""
import os, shutil, signal, subprocess, sys, time
from pathlib import Path
import pandas as pd
import pytest
from cloud_anomaly.config import Config
from cloud_anomaly.data import generate_mock_data
from cloud_anomaly.pipeline import AnomalyDetectionPipeline
from cloud_anomaly.store import Store
from cloud_anomaly.monitor import train, monitor

pytestmark = pytest.mark.slow      # minutes of training and subprocesses: run by .ci/run after the quick suite

CUSTOMERS, DAYS, TRAIN_TO, LAST = [11, 12, 13, 14], 240, '2024-07-28', '2024-08-27'   # 30 new days after training

# A monitor run that stops inside the write transaction of the chunk that holds the N-th customer, tells the test by writing a file, and waits
# to be killed: the fault is injected through monitor's `before_commit` hook, not through the environment.
PAUSED_MONITOR = """
import os, sys, time
from pathlib import Path
from cloud_anomaly.pipeline import AnomalyDetectionPipeline
from cloud_anomaly.store import Store
from cloud_anomaly.monitor import monitor
data, store, as_of, nth, flag = sys.argv[1:6]
written = []
def pause(customer_id):
    written.append(customer_id)
    if len(written) == int(nth): Path(flag).write_text(str(os.getpid())); time.sleep(3600)
frame = AnomalyDetectionPipeline().load_data(data_file=data)
with Store(store) as st: monitor(frame, st, as_of=as_of, before_commit=pause)
"""

def paused_monitor(data, store, nth: int, flag, as_of=LAST):
    return subprocess.Popen([sys.executable, '-c', PAUSED_MONITOR, str(data), str(store), as_of, str(nth), str(flag)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def fast_config(**monitor) -> Config:
    cfg = Config(); cfg.model.epochs = 3; cfg.model.sharing = 'per-customer'
    for k, v in monitor.items(): setattr(cfg.monitor, k, v)
    return cfg

@pytest.fixture(scope='module')
def data(tmp_path_factory):
    "Mock costs of four customers as a CSV file, and the store trained on them up to TRAIN_TO."
    d = tmp_path_factory.mktemp('monitor')
    raw = generate_mock_data(CUSTOMERS, n_days=DAYS, seed=3)
    raw.to_csv(d/'costs.csv', index=False)
    frame = AnomalyDetectionPipeline().load_data(data_file=d/'costs.csv')
    with Store(d/'trained') as st: t = train(frame, st, fast_config(write_chunk=2), as_of=TRAIN_TO)   # monitor: 2 customers per transaction
    assert (t.status == 'trained').all()
    return d, frame

def cli(*args, env=None, **kw):
    return subprocess.Popen([sys.executable, '-m', 'cloud_anomaly', *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, **(env or {})}, **kw)

def content(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    "What a store holds, without the run bookkeeping (run ids, timestamps)."
    with Store(path) as st:
        days = st.query('SELECT * FROM scored_days ORDER BY customer_id, date').drop(columns=['run_id'])
        anomalies = st.query('SELECT anomaly_id, customer_id, start_date, end_date, peak_date, impact, method, status, explanation '
                             'FROM anomalies ORDER BY customer_id, start_date')
    return days, anomalies

def test_day_by_day_equals_one_run_with_per_customer_retraining(data, tmp_path):
    "30 mornings one at a time = one run over the 30 days, with each customer's LSTM retrained inside the month."
    d, frame = data
    cfg = fast_config(max_model_age_days=10)
    shutil.copytree(d/'trained', tmp_path/'daily'); shutil.copytree(d/'trained', tmp_path/'once')
    daily = []
    for day in pd.date_range(pd.Timestamp(TRAIN_TO) + pd.Timedelta(days=1), LAST):
        with Store(tmp_path/'daily') as st: daily.append(monitor(frame, st, cfg, as_of=day).scored)
    assert [len(t) for t in daily] == [len(CUSTOMERS)] * 30
    with Store(tmp_path/'once') as st: once = monitor(frame, st, cfg, as_of=LAST).scored
    daily = pd.concat(daily).sort_values(['customer_id', 'date']).reset_index(drop=True)
    once = once.sort_values(['customer_id', 'date']).reset_index(drop=True)
    retrained = daily[daily.retrained != '']
    assert len(retrained) >= 2 * len(CUSTOMERS), retrained          # every customer's own network retrained at least twice
    cols = ['date', 'is_strong', 'lstm_flag', 'decrease_flag', 'method', 'retrained']   # anomaly ids number them in creation order
    pd.testing.assert_frame_equal(daily[cols], once[cols])
    pd.testing.assert_series_equal(daily.error, once.error, atol=1e-6)
    a, b = content(tmp_path/'daily'), content(tmp_path/'once')
    pd.testing.assert_frame_equal(a[0].drop(columns=['model_id', 'anomaly_id']), b[0].drop(columns=['model_id', 'anomaly_id']), atol=1e-6)
    pd.testing.assert_frame_equal(a[1].drop(columns='anomaly_id'), b[1].drop(columns='anomaly_id'), atol=1e-6)

def test_killed_monitor_resumes_without_loss_or_duplicates(data, tmp_path):
    d, frame = data
    shutil.copytree(d/'trained', tmp_path/'killed'); shutil.copytree(d/'trained', tmp_path/'reference')
    ref = cli('monitor', '--data-file', d/'costs.csv', '--store', tmp_path/'reference', '--as-of', LAST)
    out, err = ref.communicate(timeout=600)
    assert ref.returncode == 0, err
    flag = tmp_path/'paused'
    p = paused_monitor(d/'costs.csv', tmp_path/'killed', 3, flag)
    deadline = time.monotonic() + 300
    while not flag.exists():
        assert p.poll() is None, p.communicate()
        assert time.monotonic() < deadline, "the monitor never reached the second chunk's write"
        time.sleep(0.2)
    os.kill(p.pid, signal.SIGKILL); p.wait(timeout=30)                 # killed inside the second chunk's transaction (customers 13, 14)
    days, anomalies = content(tmp_path/'killed')
    assert days.groupby('customer_id').size().to_dict() == {'11': 30, '12': 30}   # the first chunk is kept, the second rolled back
    with Store(tmp_path/'killed') as st: assert st.query('SELECT status FROM runs').status.tolist() == ['finished', 'running']
    again = cli('monitor', '--data-file', d/'costs.csv', '--store', tmp_path/'killed', '--as-of', LAST)
    out2, err2 = again.communicate(timeout=600)
    assert again.returncode == 0, err2
    assert 'monitor: 2 customers, 60 new days scored' in out2, out2    # only what the killed run had not written
    a, b = content(tmp_path/'killed'), content(tmp_path/'reference')
    assert len(a[0]) == len(CUSTOMERS) * 30 and not a[0].duplicated(['customer_id', 'date']).any()
    pd.testing.assert_frame_equal(a[0], b[0], atol=1e-6)
    pd.testing.assert_frame_equal(a[1], b[1], atol=1e-6)                # same anomalies, all alerted in the end
    assert set(a[1].status) <= {'alerted', 'suppressed'}
    with Store(tmp_path/'killed') as st:
        assert st.query('SELECT status FROM runs').status.tolist() == ['finished', 'interrupted', 'finished']
        files = {f.name.split('.')[0] for f in (st.path/'models').iterdir()}
        assert files == set(st.query('SELECT path FROM models WHERE active = 1').path)    # no stray model files

def test_two_monitors_at_once(data, tmp_path):
    d, _ = data
    shutil.copytree(d/'trained', tmp_path/'s')
    runs = [cli('monitor', '--data-file', d/'costs.csv', '--store', tmp_path/'s', '--as-of', LAST) for _ in range(2)]
    outs = [r.communicate(timeout=600) for r in runs]
    assert [r.returncode for r in runs] == [0, 0], outs
    heads = sorted(o.splitlines()[0] for o, _ in outs)
    assert heads[0].startswith('monitor: 0 customers, 0 new days scored') and heads[1].startswith('monitor: 4 customers, 120 new days'), heads
    days, _ = content(tmp_path/'s')
    assert len(days) == 120 and not days.duplicated(['customer_id', 'date']).any()
    # a monitor that may not wait gets a clear error while another one holds the store
    shutil.rmtree(tmp_path/'s'); shutil.copytree(d/'trained', tmp_path/'s')
    (tmp_path/'nowait.toml').write_text('[model]\nepochs = 3\nsharing = "per-customer"\n\n[monitor]\nlock_timeout = 0\n')
    flag = tmp_path/'paused'
    holder = paused_monitor(d/'costs.csv', tmp_path/'s', 1, flag)
    try:
        deadline = time.monotonic() + 300
        while not flag.exists():
            assert holder.poll() is None and time.monotonic() < deadline, holder.communicate()
            time.sleep(0.2)
        second = cli('monitor', '--data-file', d/'costs.csv', '--store', tmp_path/'s', '--config', tmp_path/'nowait.toml')
        out, err = second.communicate(timeout=300)
        assert second.returncode == 2 and 'is busy: a monitor run (pid' in err and 'Traceback' not in err, err
        r = cli('history', '--store', tmp_path/'s'); out, err = r.communicate(timeout=120)    # reading works meanwhile
        assert r.returncode == 0 and out.strip() == 'no anomalies', err
    finally:
        holder.kill(); holder.wait(timeout=30)
    assert content(tmp_path/'s')[0].empty                            # the held transaction was never committed
