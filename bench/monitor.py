"""Daily monitoring, measured: quality of what a morning run alerts, and the time of one morning for many customers.

    python bench/monitor.py --quality 40    # 40 mock customers x 730 days: train on 2024, monitor all of 2025
    python bench/monitor.py --morning 1000  # 1,000 customers: train on all but the last day, then one morning run
    python bench/monitor.py --morning 1000 --profile   # ... and where the morning's time goes, function by function

Quality: the store is trained on 2024 (shared networks, as from 20 customers by default) and `monitor` scores every
day of 2025 in one run, which gives exactly the table of 365 daily runs (tested in tests/test_monitor.py and the
monitoring notebook): every day is judged with what was known that day, models are retrained by the policy (age,
drift). Event precision / recall / F1 against the generator's labels of 2025. For reference, the same customers
judged by a full run (shared networks trained on both years, every day judged with hindsight), on the same days.

Morning: N customers x 730 days, trained on the first 729 days; then the wall time of `monitor` for day 730, the
time a daily cron job takes, customers per second of it, and the peak resident memory of the process (data
generation, training and the morning together). Prints one table per measurement.
"""
import argparse, cProfile, pstats, resource, shutil, tempfile, time, sys
from pathlib import Path
import pandas as pd

def frame_of(n: int, seed: int):
    from cloud_anomaly.data import generate_mock_data
    from cloud_anomaly.pipeline import AnomalyDetectionPipeline
    raw = generate_mock_data([f"c{i:04d}" for i in range(n)], n_days=730, seed=seed)
    return raw, AnomalyDetectionPipeline().load_data(raw, use_mock_data=False)

def f1_of(table, raw, since):
    from cloud_anomaly.evaluation import event_metrics, sum_event_metrics, label_windows
    ms = []
    for cid, r in table.groupby('customer_id'):
        lab = raw[(raw.CustomerID.astype(str) == cid) & (pd.to_datetime(raw.Date) >= since)]
        ms.append(event_metrics(r.is_strong.astype(bool).to_numpy(), r.date, label_windows(lab)))
    return sum_event_metrics(ms)

def as_recorded(scored: pd.DataFrame, recorded: pd.DataFrame) -> pd.DataFrame:
    """The scored days with `is_strong` set on every day of an anomaly the store recorded (start to end), as the alerts name them:
    a sustained change flagged a few days after it began is one anomaly from its start, though its first days were not strong that morning."""
    out = scored.copy(); out['is_strong'] = False
    for r in recorded.itertuples():
        out.loc[(out.customer_id == str(r.customer_id)) & (out.date >= r.start_date) & (out.date <= r.end_date), 'is_strong'] = True
    return out

def quality(n: int, seed: int, yardstick_days: int|None=None):
    from cloud_anomaly.config import Config
    from cloud_anomaly.store import Store
    from cloud_anomaly.monitor import train, monitor
    from cloud_anomaly.store import history
    from cloud_anomaly.portfolio import SharedDetector, portfolio_series
    raw, frame = frame_of(n, seed)
    cfg = Config()
    if yardstick_days is not None: cfg.monitor.yardstick_days = yardstick_days
    work = Path(tempfile.mkdtemp())
    try:
        t0 = time.time()
        with Store(work/'s') as st: train(frame, st, cfg, as_of='2024-12-31')
        t1 = time.time()
        with Store(work/'s') as st: rep = monitor(frame, st, cfg); recorded = history(st)
        t2 = time.time()
    finally: shutil.rmtree(work)
    m = f1_of(rep.scored, raw, '2025-01-01')
    spans = f1_of(as_recorded(rep.scored, recorded), raw, '2025-01-01')
    series, _ = portfolio_series(frame, sorted(frame.CustomerID.unique()))
    full = SharedDetector(cfg).fit_score(series)
    mf = f1_of(full[full.date >= '2025-01-01'], raw, '2025-01-01')
    reasons = rep.retrained.reason.str.split(':').str[0].value_counts().to_dict()
    rows = [{'run': f'monitor, day by day (2025): its strong days, yardstick_days={cfg.monitor.yardstick_days}', 'customers': n, 'windows': m['windows'], 'found': m['found'], 'false events': m['fp'],
             'precision': m['precision'], 'recall': m['recall'], 'event F1': m['f1'], 'seconds': round(t2 - t1, 1)},
            {'run': 'monitor, day by day (2025): the anomalies it recorded and alerts (start to end)', 'customers': n, 'windows': spans['windows'],
             'found': spans['found'], 'false events': spans['fp'], 'precision': spans['precision'], 'recall': spans['recall'], 'event F1': spans['f1'],
             'seconds': round(t2 - t1, 1)},
            {'run': 'full run with hindsight (same days)', 'customers': n, 'windows': mf['windows'], 'found': mf['found'], 'false events': mf['fp'],
             'precision': mf['precision'], 'recall': mf['recall'], 'event F1': mf['f1'], 'seconds': float('nan')}]
    print(pd.DataFrame(rows).round(3).to_string(index=False))
    print(f"train on 2024: {t1 - t0:.1f} s; models retrained during 2025: {len(rep.retrained)} {reasons}; "
          f"alerts {len(rep.alerts)}, suppressed {len(rep.suppressed)}")

def morning(n: int, seed: int, profile: bool=False):
    from cloud_anomaly.config import Config
    from cloud_anomaly.store import Store
    from cloud_anomaly.monitor import train, monitor
    raw, frame = frame_of(n, seed)
    cfg = Config()
    work = Path(tempfile.mkdtemp())
    try:
        t0 = time.time()
        with Store(work/'s') as st: train(frame, st, cfg, as_of='2025-12-29')
        t1 = time.time()
        with Store(work/'s') as st:
            if profile: prof = cProfile.Profile(); prof.enable()
            rep = monitor(frame, st, cfg, as_of='2025-12-30')
            if profile: prof.disable()
        t2 = time.time()
        size = sum(f.stat().st_size for f in (work/'s').rglob('*') if f.is_file())
    finally: shutil.rmtree(work)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024             # KiB on Linux: the process's peak, data included
    print(pd.DataFrame([{'customers': n, 'train s': round(t1 - t0, 1), 'morning run s': round(t2 - t1, 1),
                         'customers/s': round(n / (t2 - t1)), 'days scored': len(rep.scored), 'retrained': len(rep.retrained),
                         'alerts': len(rep.alerts), 'store MiB': round(size / 2**20, 1), 'peak MiB': round(peak)}]).to_string(index=False))
    if profile:                                                             # where the morning's time went (cProfile's own cost included)
        print("the morning's time by function (cumulative s; the profiler adds its own overhead):")
        pstats.Stats(prof).sort_stats('cumulative').print_stats(r'cloud_anomaly.*(monitor|baseline|portfolio|store|model)\.py', 25)

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--quality', type=int, default=0, help='customers for the quality run (0: skip)')
    p.add_argument('--morning', type=int, default=0, help='customers for the timing of one morning (0: skip)')
    p.add_argument('--seed', type=int, default=11)
    p.add_argument('--profile', action='store_true', help='with --morning: print where the morning run spends its time')
    p.add_argument('--yardstick-days', type=int, default=None, help='monitor.yardstick_days for the quality run (default: the config default; 0: training yardstick only)')
    a = p.parse_args()
    if not (a.quality or a.morning): p.error('give --quality N and/or --morning N')
    if a.quality: quality(a.quality, a.seed, a.yardstick_days)
    if a.morning: morning(a.morning, a.seed, a.profile)
