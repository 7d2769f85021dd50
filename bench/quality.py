"""Detection quality: the seed method, cloud_anomaly's default and two classical baselines, all on the same labelled
series in one run (NAB's realAWSCloudwatch + artificial files, and the mock cost scenarios).

    python bench/quality.py                              # 28 NAB files + 4 customers x 8 scenarios x 730 days
    python bench/quality.py --customers 1 --epochs 10    # a quick look
    python bench/quality.py --csv runs.csv               # also keep the per-series counts

Prints precision, recall and event F1 (overlapping segments, Orion-style) per method and data family, and seconds
per series. NAB is read from ../shared/datasets/nab (or --nab-dir) and averaged per hour; its first 15 % is not scored.
"""
import argparse, logging, os, sys, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np, pandas as pd
from harness import labelled_series, run_benchmark, benchmark_table, BENCH_METHODS

def main(argv=None):
    here = Path(__file__).resolve()
    default_nab = next((p/'shared'/'datasets'/'nab' for p in here.parents if (p/'shared'/'datasets'/'nab').is_dir()), None)
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--nab-dir', default=default_nab, help='NAB checkout with data/ and labels/ (default: ../shared/datasets/nab)')
    ap.add_argument('--customers', type=int, default=4, help='mock customers per scenario')
    ap.add_argument('--days', type=int, default=730, help='days of mock history')
    ap.add_argument('--epochs', type=int, default=None, help='override model.epochs (default: the config default, 50)')
    ap.add_argument('--methods', default=','.join(BENCH_METHODS))
    ap.add_argument('--csv', help='write per-series counts here')
    ap.add_argument('--pickle', help='write the per-series runs (with flags) here')
    a = ap.parse_args(argv)
    if a.nab_dir is None: sys.exit("error: NAB not found; pass --nab-dir")
    logging.basicConfig(format='%(asctime)s %(message)s', level=logging.WARNING)
    logging.getLogger('tensorflow').setLevel(logging.ERROR)
    t0 = time.perf_counter()
    series = labelled_series(a.nab_dir, customers_per_scenario=a.customers, n_days=a.days)
    changes = {'model': {'epochs': a.epochs}} if a.epochs else None
    runs = run_benchmark(series, methods=a.methods.split(','), config_changes=changes, progress=True)
    if a.csv: runs.drop(columns='flags').to_csv(a.csv, index=False)
    if a.pickle: runs.to_pickle(a.pickle)
    nab = runs[runs.family.str.startswith('NAB')].assign(family='NAB all')
    table = benchmark_table(pd.concat([runs, nab]))
    order = {'mock cost': 0, 'NAB all': 1, 'NAB real AWS': 2, 'NAB artificial': 3}
    table = table.sort_values(['family', 'method'], key=lambda c: c.map(order) if c.name == 'family' else c.map({m: i for i, m in enumerate(BENCH_METHODS)}))
    print(f"{len(series)} series ({sum(s['family'] == 'mock cost' for s in series)} mock cost, "
          f"{sum(s['family'] != 'mock cost' for s in series)} NAB); {time.perf_counter() - t0:.0f} s in all")
    print(table.to_string(index=False))
    print("\nevent F1")
    print(table.pivot(index='method', columns='family', values='event F1').reindex(index=a.methods.split(','), columns=list(order)).to_string())

if __name__ == '__main__': main()
