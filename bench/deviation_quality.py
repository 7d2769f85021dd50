"""Event F1 of the default method's deviation verdict (expected cost, deviations, CUSUM, false-event budget,
materiality; without the autoencoder's shape flags) on families kept apart for tuning and for reporting.

    python bench/deviation_quality.py                      # every family
    python bench/deviation_quality.py --families tuning    # only the families defaults were chosen on

The families, their loading and the table are bench/quality.py's (`harness.labelled_series`, `count`,
`benchmark_table`): generated daily cost (seed 1 tunes, seed 2 is held out), NAB realAWSCloudwatch and artificial
(tuning), realKnownCause and realTweets (held out), raw files at their own step; and here also the project's older
mock portfolio (`generate_mock_data`, `--mock` customers x 730 days, tuning), whose customers have several incidents
a year each. This one runs in seconds, so defaults
of the verdict can be tried here before the full benchmark confirms them.
"""
import argparse, json, os, sys, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np, pandas as pd
from cloud_anomaly.config import Config
from cloud_anomaly.baseline import season_steps, back_to_start
from cloud_anomaly.detector import judge_days, material_events
from harness import labelled_series, count, benchmark_table

def mock_portfolio(n: int, seed: int=0) -> list[dict]:
    "The older mock portfolio as labelled series (family 'mock portfolio'): `generate_mock_data` customers x 730 days and their labels."
    from cloud_anomaly.data import customer_series
    from cloud_anomaly.evaluation import label_windows
    from monitor import frame_of                                            # bench/monitor.py's portfolio: the same customers
    raw, frame = frame_of(n, seed)
    out = []
    for c, r in raw.groupby('CustomerID', sort=False):
        s = customer_series(frame, c)
        out.append({'family': 'mock portfolio', 'name': str(c), 'series': s, 'windows': label_windows(r), 'kinds': [],
                    'scored_from': s.index[0], 'money': True})
    return out

def flags(item: dict, config: Config) -> np.ndarray:
    "The default's events without the autoencoder: judge_days with no shape flags, sustained changes from their start, material only."
    x, idx = item['series'].cost.to_numpy(float), item['series'].index
    j = judge_days(x, idx, np.zeros(len(x)), config.detection)
    exp = np.where(j.known, j.expected, x)
    return material_events(back_to_start(j.flag.to_numpy(), j.since.to_numpy()), x - exp, x, season_steps(idx), config.detection,
                           money=item['money']) > 0

def main(argv=None):
    here = Path(__file__).resolve()
    default_nab = next((p/'shared'/'datasets'/'nab' for p in here.parents if (p/'shared'/'datasets'/'nab').is_dir()), None)
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--nab-dir', default=default_nab)
    ap.add_argument('--families', default='all', help="'all' or 'tuning'")
    ap.add_argument('--customers', type=int, default=60, help='generated customers per cost seed')
    ap.add_argument('--mock', type=int, default=100, help='customers of the older mock portfolio (0: none)')
    ap.add_argument('--changes', default=None, help='detection settings as JSON, e.g. \'{"tail_quantile": 0.95}\'')
    a = ap.parse_args(argv)
    if a.nab_dir is None: sys.exit("error: NAB not found; pass --nab-dir")
    items = labelled_series(a.nab_dir, customers=a.customers, n_days=540) + (mock_portfolio(a.mock) if a.mock else [])
    cfg, rows = Config.from_dict({'detection': json.loads(a.changes) if a.changes else {}}), []
    for it in items:
        t0 = time.perf_counter(); fl = flags(it, cfg)
        rows.append(count(it, 'default without the autoencoder', fl, time.perf_counter() - t0))
    table = benchmark_table(pd.DataFrame(rows))
    if a.families == 'tuning': table = table[table.set == 'tuning']
    pd.set_option('display.width', 250)
    print(table.astype(object).fillna('').to_string(index=False))

if __name__ == '__main__': main()
