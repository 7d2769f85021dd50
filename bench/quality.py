"""Detection quality on families kept apart: the default, the seed method and the peers a practitioner would pick
instead (rolling robust z, IsolationForest, Prophet's 99 % interval, STL + CUSUM), all measured the same way in one run.

    python bench/quality.py                                   # everything (about half an hour on 2 cores)
    python bench/quality.py --customers 10 --nab none         # a quick look at the cost families
    python bench/quality.py --methods default,'STL + CUSUM' --csv runs.csv

Families: generated daily cost (`cloud_anomaly.evaluation.cost_scenarios`, 60 customers x 540 days per seed; seed 1
tunes, seed 2 is held out; the default also runs in shared mode over each family) and NAB (../shared/datasets/nab or
--nab-dir): realAWSCloudwatch and the artificial files tune, realKnownCause and realTweets are held out. NAB files are
fed as a user feeds them: the raw file through the loaders, at its own step, nothing averaged; NAB's first 15 % is
not scored. Prints event F1 (overlapping segments, Orion-style), precision, recall, false events per 100 days, recall
per kind (cost) and seconds per series; needs `pip install prophet statsmodels` for those two peers.
"""
import argparse, json, logging, os, sys, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import pandas as pd
from harness import labelled_series, run_benchmark, benchmark_table, BENCH_METHODS, NAB_FAMILIES

def main(argv=None):
    here = Path(__file__).resolve()
    default_nab = next((p/'shared'/'datasets'/'nab' for p in here.parents if (p/'shared'/'datasets'/'nab').is_dir()), None)
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--nab-dir', default=default_nab, help='NAB checkout with data/ and labels/ (default: ../shared/datasets/nab)')
    ap.add_argument('--nab', default='all', help="NAB families: 'all', 'none' or a comma list of " + ', '.join(NAB_FAMILIES))
    ap.add_argument('--customers', type=int, default=60, help='generated customers per cost seed')
    ap.add_argument('--days', type=int, default=540, help='days of generated history')
    ap.add_argument('--epochs', type=int, default=None, help='override model.epochs (default: the config default)')
    ap.add_argument('--methods', default=','.join(BENCH_METHODS))
    ap.add_argument('--changes', default=None, help='config changes for default and seed as JSON, e.g. \'{"detection": {"shape_z": null}}\'')
    ap.add_argument('--csv', help='write per-series counts here')
    a = ap.parse_args(argv)
    fams = () if a.nab == 'none' else tuple(NAB_FAMILIES) if a.nab == 'all' else tuple(a.nab.split(','))
    if fams and a.nab_dir is None: sys.exit("error: NAB not found; pass --nab-dir or --nab none")
    logging.basicConfig(format='%(asctime)s %(message)s', level=logging.WARNING)
    logging.getLogger('tensorflow').setLevel(logging.ERROR)
    t0 = time.perf_counter()
    series = labelled_series(a.nab_dir if fams else None, customers=a.customers, n_days=a.days, nab_families=fams)
    changes = json.loads(a.changes) if a.changes else {}
    if a.epochs: changes.setdefault('model', {})['epochs'] = a.epochs
    methods = a.methods.split(',')
    runs = run_benchmark(series, methods=methods, config_changes=changes, progress=True)
    if a.csv: runs.drop(columns='flags').to_csv(a.csv, index=False)
    table = benchmark_table(runs)
    print(f"{len(series)} series; {time.perf_counter() - t0:.0f} s in all")
    pd.set_option('display.width', 250)
    print(table.astype(object).fillna('').to_string(index=False))
    print("\nevent F1")
    order = [m for m in ['default', 'default (shared)'] + methods if m in set(table.method)]
    print(table.pivot(index='method', columns='family', values='event F1').reindex(index=list(dict.fromkeys(order)),
          columns=list(dict.fromkeys(table.family))).to_string())

if __name__ == '__main__': main()
