"""Portfolio scale: N mock customers x 730 days through the per-customer loop, the shared model and Spark local[2].

    python bench/scale.py --n 100 --modes per-customer,shared,spark
    python bench/scale.py --n 1000 --modes shared,spark
    python bench/scale.py --n 10000 --modes shared,spark --out /tmp/scale    # Spark's table compared with the shared one

Each mode runs in its own process; the parent samples the resident memory of that process and all its children
(Spark's JVM and Python workers included) every 0.2 s and reports the peak. Wall time covers training and scoring of
every customer (not data generation, not the TensorFlow import, not Spark's start-up), and event F1 is measured on the
generator's labels, so speed is never bought with quality unseen. `F1 first 100` is the event F1 on customers c0000 to
c0099 alone: the same customers (same data) in every run, so a mode run at N = 1,000 can be compared with one run at
N = 100 on them (the per-customer loop at N = 1,000 takes hours: its time is linear in N, each customer is fitted alone).
"""
import argparse, json, os, subprocess, sys, time, threading
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')

def tree_rss(pid: int) -> int:
    "Resident bytes of `pid` and its descendants."
    kids, total, todo = {}, 0, [pid]
    for p in Path('/proc').iterdir():
        if p.name.isdigit():
            try: kids.setdefault(int((p/'stat').read_text().rsplit(')', 1)[1].split()[1]), []).append(int(p.name))
            except (OSError, IndexError, ValueError): pass
    while todo:
        q = todo.pop()
        try: total += int((Path('/proc')/str(q)/'statm').read_text().split()[1]) * os.sysconf('SC_PAGE_SIZE')
        except (OSError, ValueError): pass
        todo += kids.get(q, [])
    return total

def same_as(got, ref) -> str:
    "How a mode's table compares with the shared run's: the checks tests/test_spark.py makes, at any N."
    import numpy as np
    key = ['customer_id', 'date']
    got, ref = (t.assign(date=t.date.astype('datetime64[ns]')).sort_values(key).reset_index(drop=True) for t in (got, ref))
    if len(got) != len(ref) or not (got[key] == ref[key]).all().all(): return f'no: {len(got)} rows against {len(ref)}'
    flips = int((got.is_strong.to_numpy(bool) != ref.is_strong.to_numpy(bool)).sum())
    err = float(np.nanmax(np.abs(got.error.to_numpy(float) - ref.error.to_numpy(float))))
    exp = float(np.nanmax(np.abs(got.expected_cost.to_numpy(float) - ref.expected_cost.to_numpy(float))))
    return f"{'yes' if flips == 0 else 'no'}: {flips} strong flags differ of {len(got)} rows; max |error diff| {err:.1e}, max |expected cost diff| {exp:.1e}"

def worker(mode: str, n: int, days: int, epochs, out=None):
    import numpy as np, pandas as pd, logging
    logging.getLogger('tensorflow').setLevel(logging.ERROR)
    from cloud_anomaly.config import Config
    from cloud_anomaly.data import generate_mock_data
    from cloud_anomaly.portfolio import portfolio_series
    from cloud_anomaly.detector import AnomalyDetector
    from cloud_anomaly.portfolio import SharedDetector
    from cloud_anomaly.evaluation import label_windows, event_metrics, sum_event_metrics
    raw = generate_mock_data([f"c{i:04d}" for i in range(n)], n_days=days, seed=11)
    cfg = Config()
    if epochs: cfg.model.epochs = epochs
    ids = list(raw.CustomerID.unique())
    series, _ = portfolio_series(raw, ids, cfg.data)                       # the frame split once (the same frames as customer_series)
    if mode == 'spark':
        os.environ.setdefault('PYSPARK_PYTHON', sys.executable)
        from pyspark.sql import SparkSession
        from cloud_anomaly.spark import detect_spark
        spark = (SparkSession.builder.master('local[2]').config('spark.ui.enabled', 'false')
                 .config('spark.driver.memory', '4g').config('spark.sql.shuffle.partitions', '8').getOrCreate())
        spark.sparkContext.setLogLevel('ERROR')
        sdf = spark.createDataFrame(raw[['Date', 'CustomerID', 'TotalCost']].assign(Date=raw.Date.dt.strftime('%Y-%m-%d'))).cache()
        sdf.count()
    t0 = time.perf_counter()
    if mode == 'per-customer':
        res = pd.concat([AnomalyDetector(cfg, name=c).fit_score(s).assign(customer_id=c) for c, s in series.items()])
    elif mode == 'shared':
        res = SharedDetector(cfg).fit_score(series)
    else:
        res = detect_spark(sdf, cfg, mode='shared').toPandas()
    sec = time.perf_counter() - t0
    same = {}
    if out:
        res.to_parquet(Path(out)/f'{mode}_{n}.parquet')
        ref = Path(out)/f'shared_{n}.parquet'
        if mode != 'shared' and ref.exists(): same = {'same as shared': same_as(res, pd.read_parquet(ref))}
    ms, labels = {}, dict(iter(raw.groupby('CustomerID', sort=False)))       # each customer's rows, the frame split once
    for c, r in res.groupby('customer_id'):
        ms[c] = event_metrics(r.is_strong.to_numpy(bool), pd.DatetimeIndex(r.date), label_windows(labels[c]))
    em, first = sum_event_metrics(list(ms.values())), sum_event_metrics([ms[c] for c in ids[:100] if c in ms])
    print(json.dumps({'mode': mode, 'customers': n, 'seconds': round(sec, 1), 'customers/s': round(n / sec, 2),
                      'precision': round(em['precision'], 3), 'recall': round(em['recall'], 3), 'event F1': round(em['f1'], 3),
                      'F1 first 100': round(first['f1'], 3)} | same))

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--n', default='100,1000', help='comma-separated customer counts')
    ap.add_argument('--days', type=int, default=730)
    ap.add_argument('--modes', default='per-customer,shared,spark')
    ap.add_argument('--epochs', type=int, default=None, help='override model.epochs (default 50, early stopping)')
    ap.add_argument('--out', default=None, help="folder for each mode's result table; a mode run after shared is compared with it")
    ap.add_argument('--worker', nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.worker: return worker(a.worker[0], int(a.worker[1]), a.days, a.epochs, a.out)
    import pandas as pd
    rows = []
    for n in map(int, a.n.split(',')):
        for mode in a.modes.split(','):
            cmd = [sys.executable, __file__, '--worker', mode, str(n), '--days', str(a.days)] + (['--epochs', str(a.epochs)] if a.epochs else []) + (['--out', a.out] if a.out else [])
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
            peak, stop = [0], threading.Event()
            def sample():
                while not stop.is_set(): peak[0] = max(peak[0], tree_rss(p.pid)); stop.wait(0.2)
            th = threading.Thread(target=sample, daemon=True); th.start()
            out, _ = p.communicate(); stop.set(); th.join()
            line = [l for l in out.splitlines() if l.startswith('{')]
            row = json.loads(line[-1]) if p.returncode == 0 and line else {'mode': mode, 'customers': n, 'seconds': f'failed ({p.returncode})'}
            row['peak MiB'] = round(peak[0] / 2**20)
            rows.append(row); print(json.dumps(row), flush=True)
    print(pd.DataFrame(rows).to_string(index=False))

if __name__ == '__main__': main()
