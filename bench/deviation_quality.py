"""Event F1 of the default method's deviation verdict (expected cost, deviations, CUSUM, false-event budget,
materiality; without the autoencoder's shape flags) on families kept apart for tuning and for reporting.

    python bench/deviation_quality.py                      # every family
    python bench/deviation_quality.py --families tuning    # only the families defaults were chosen on

Families: generated daily cost (`cloud_anomaly.evaluation.cost_scenarios`, 60 customers x 540 days per seed) - seed 1
tunes, seed 2 is held out; NAB
realAWSCloudwatch and artificial (tuning); NAB realKnownCause and realTweets (held out). NAB files are fed as a user
feeds them: each raw file through the loaders, at its own step (5 minutes for most), no averaging. The first 15 % of
a NAB file is not scored (NAB's probation). Prints event F1, precision, recall, false events per 100 days, recall per
kind and seconds per series.
"""
import argparse, json, os, sys, time
from pathlib import Path
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')
import numpy as np, pandas as pd
from cloud_anomaly.config import Config
from cloud_anomaly.data import customer_series
from cloud_anomaly.loaders import load_data
from cloud_anomaly.stats import to_events
from cloud_anomaly.baseline import season_steps
from cloud_anomaly.detector import judge_days, material_events
from cloud_anomaly.baseline import back_to_start
from cloud_anomaly.evaluation import event_metrics, sum_event_metrics, nab_series, nab_probation_end, cost_scenarios

TUNING = ('cost seed 1', 'NAB realAWSCloudwatch', 'NAB artificialWithAnomaly', 'NAB artificialNoAnomaly')

def nab_family(nab_dir, family: str) -> list[dict]:
    out = []
    for _, r in nab_series(nab_dir, families=(family,)).iterrows():
        f = load_data(r.path)
        s = customer_series(f, f.CustomerID.iloc[0], kind='metric')
        out.append({'family': 'NAB ' + family, 'name': r.file, 'series': s, 'windows': r.windows, 'kinds': [],
                    'scored_from': nab_probation_end(s.index)})
    return out

def flags(item: dict, config: Config) -> np.ndarray:
    x, idx = item['series'].cost.to_numpy(float), item['series'].index
    j = judge_days(x, idx, np.zeros(len(x)), config.detection)
    exp = np.where(j.known, j.expected, x)
    return material_events(back_to_start(j.flag.to_numpy(), j.since.to_numpy()), x - exp, x, season_steps(idx), config.detection, money=item['family'].startswith('cost')) > 0

def main(argv=None):
    here = Path(__file__).resolve()
    default_nab = next((p/'shared'/'datasets'/'nab' for p in here.parents if (p/'shared'/'datasets'/'nab').is_dir()), None)
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--nab-dir', default=default_nab)
    ap.add_argument('--families', default='all', help="'all' or 'tuning'")
    ap.add_argument('--customers', type=int, default=60, help='generated customers per cost seed')
    ap.add_argument('--changes', default=None, help='detection settings as JSON, e.g. \'{"tail_quantile": 0.95}\'')
    a = ap.parse_args(argv)
    if a.nab_dir is None: sys.exit("error: NAB not found; pass --nab-dir")
    items = [{'family': f'cost seed {seed}', 'name': c['customer'], 'series': c['series'], 'windows': c['windows'], 'kinds': c['kinds'],
              'scored_from': c['series'].index[0]} for seed in (1, 2) for c in cost_scenarios(a.customers, 540, seed=seed)]
    for fam in ('realAWSCloudwatch', 'artificialWithAnomaly', 'artificialNoAnomaly', 'realKnownCause', 'realTweets'):
        items += nab_family(a.nab_dir, fam)
    if a.families == 'tuning': items = [i for i in items if i['family'] in TUNING]
    cfg, rows = Config.from_dict({'detection': json.loads(a.changes) if a.changes else {}}), []
    for it in items:
        t0 = time.perf_counter(); fl = flags(it, cfg); sec = time.perf_counter() - t0
        s = it['series']; fl = fl & (s.index >= it['scored_from'])
        em = event_metrics(fl, s.index, it['windows'])
        events = to_events(fl, s.index)
        hit = [any(e0 <= b and e1 >= a_ for e0, e1 in events) for a_, b in it['windows']]
        rows.append({'family': it['family'], 'sec': sec, 'days': (s.index[-1] - it['scored_from']) / pd.Timedelta('1D'),
                     'kinds': list(zip(it['kinds'], hit)), **em})
    runs, out = pd.DataFrame(rows), []
    for fam, g in runs.groupby('family', sort=False):
        sc = sum_event_metrics(g.to_dict('records'))
        kinds = {}
        for k, h in (kv for ks in g.kinds for kv in ks): kinds.setdefault(k, []).append(h)
        out.append({'family': fam + (' (tuning)' if fam in TUNING else ' (held out)'), 'event F1': round(sc['f1'], 3),
                    'precision': round(sc['precision'], 3), 'recall': round(sc['recall'], 3), 'found': f"{sc['found']}/{sc['windows']}",
                    'false events': sc['fp'], 'false/100 days': round(100 * sc['fp'] / g.days.sum(), 2),
                    **{k: f"{sum(v)}/{len(v)}" for k, v in sorted(kinds.items())}, 's/series': round(g.sec.mean(), 3)})
    print(pd.DataFrame(out).fillna('').to_string(index=False))

if __name__ == '__main__': main()
