"""Event F1 of the default method's deviation verdict (expected cost, deviations, CUSUM, false-event budget,
materiality; without the autoencoder's shape flags) on families kept apart for tuning and for reporting.

    python bench/deviation_quality.py                      # every family
    python bench/deviation_quality.py --families tuning    # only the families defaults were chosen on

Families: generated daily cost (60 customers x 540 days per seed; heavy-tailed noise, weekends at 0.5-1.05,
month-start charges, growth; spikes, drops, level shifts and leaks) - seed 1 tunes, seed 2 is held out; NAB
realAWSCloudwatch and artificial (tuning); NAB realKnownCause and realTweets (held out). NAB files are fed as a user
feeds them: each raw file through the loaders, at its own step (5 minutes for most), no averaging. The first 15 % of
a NAB file is not scored (NAB's probation). Prints event F1, precision, recall, false events per 100 days, recall per
kind and seconds per series.
"""
import argparse, json, os, sys, time, zlib
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
from cloud_anomaly.evaluation import event_metrics, sum_event_metrics, nab_series, nab_probation_end

TUNING = ('cost seed 1', 'NAB realAWSCloudwatch', 'NAB artificialWithAnomaly', 'NAB artificialNoAnomaly')

def cost_customer(cid: str, seed: int, n_days: int=540) -> dict:
    "One generated customer: weekly pattern, month-start charge, growth, t(3) noise, 1-2 anomalies of the four kinds."
    rng = np.random.default_rng([seed, zlib.crc32(cid.encode())])
    dates = pd.date_range('2024-01-01', periods=n_days, freq='D')
    t, dow, dom = np.arange(n_days), dates.day_of_week.to_numpy(), dates.day.to_numpy()
    level, trend = rng.lognormal(np.log(800), 1.0), 1 + rng.uniform(-0.15, 0.5) * t / 365
    weekly = np.where(dow >= 5, rng.uniform(0.5, 1.05), 1.0) * (1 + rng.uniform(0, 0.05) * np.sin(2 * np.pi * dow / 7))
    monthly = np.where(dom == 1, 1 + (rng.uniform(0.1, 0.6) if rng.random() < 0.6 else 0.0), 1.0)
    eps = 1 + rng.uniform(0.02, 0.07) * rng.standard_t(3, n_days) / np.sqrt(3)
    cost = level * trend * weekly * monthly * np.clip(eps, 0.3, None)
    kinds = list(rng.choice(['spike', 'drop', 'level_shift', 'leak'], int(rng.integers(1, 3))))
    starts = []
    for _ in kinds:
        for _ in range(200):
            s = int(rng.integers(60, n_days - 40))
            if all(abs(s - o) > 60 for o in starts): starts.append(s); break
    windows = []
    for k, s in zip(kinds, sorted(starts)):
        if k == 'spike': d = int(rng.integers(1, 3)); cost[s:s + d] *= rng.uniform(1.6, 3.0); windows.append((k, s, s + d - 1))
        elif k == 'drop': d = int(rng.integers(1, 4)); cost[s:s + d] *= rng.uniform(0.15, 0.6); windows.append((k, s, s + d - 1))
        elif k == 'level_shift':
            f = rng.uniform(1.3, 1.8) if rng.random() < 0.75 else rng.uniform(0.5, 0.75)
            d = int(rng.integers(14, 60)) if rng.random() < 0.5 else n_days
            cost[s:s + d] *= f; windows.append((k, s, min(s + 13, n_days - 1)))
        else:
            ramp, top = int(rng.integers(10, 21)), rng.uniform(1.3, 1.8)
            f = np.ones(n_days); f[s:s + ramp] = np.linspace(1, top, ramp + 1)[1:]; f[s + ramp:] = top
            cost *= f; windows.append((k, s, s + ramp - 1))
    s = pd.DataFrame({'cost': cost.round(2), 'filled': False}, index=pd.DatetimeIndex(dates, name='date'))
    return {'family': f'cost seed {seed}', 'name': cid, 'series': s, 'kinds': [w[0] for w in windows],
            'windows': [(dates[a], dates[b]) for _, a, b in windows], 'scored_from': dates[0]}

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
    ap.add_argument('--changes', default=None, help='detection settings as JSON, e.g. \'{"tail_quantile": 0.95}\'')
    a = ap.parse_args(argv)
    if a.nab_dir is None: sys.exit("error: NAB not found; pass --nab-dir")
    items = [cost_customer(f'c{i:03d}', seed) for seed in (1, 2) for i in range(60)]
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
