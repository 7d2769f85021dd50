"""The benchmark harness of bench/quality.py: labelled families, every method's flags, event counts and the table.

Benchmark-only code: it reads ../shared (NAB), runs for minutes and uses peers that are not dependencies of the
package (Prophet, statsmodels' STL: `pip install prophet statsmodels`), so it lives beside the benchmarks. The
measurement itself (event metrics, labelled windows, the generator, the simple baselines) is the package's
`cloud_anomaly.evaluation`.
"""
from __future__ import annotations
import logging, time
from pathlib import Path
import numpy as np
import pandas as pd
from cloud_anomaly.config import Config, DataConfig
from cloud_anomaly.data import DataError, customer_series
from cloud_anomaly.detector import AnomalyDetector
from cloud_anomaly.portfolio import SharedDetector
from cloud_anomaly.baseline import season_steps, cusum
from cloud_anomaly.stats import mad_scale, to_events
from cloud_anomaly.evaluation import (event_metrics, sum_event_metrics, nab_series, nab_probation_end, cost_scenarios,
                                      rolling_mad_flags, isolation_forest_flags)
from cloud_anomaly.loaders import load_data

BENCH_METHODS = ('default', 'seed', 'rolling robust z', 'IsolationForest', 'Prophet 99%', 'STL + CUSUM')
TUNING = ('cost seed 1', 'NAB realAWSCloudwatch', 'NAB artificial', 'mock portfolio')      # every default was chosen on these; the rest are held out
NAB_FAMILIES = {'NAB realAWSCloudwatch': ('realAWSCloudwatch',), 'NAB artificial': ('artificialWithAnomaly', 'artificialNoAnomaly'),
                'NAB realKnownCause': ('realKnownCause',), 'NAB realTweets': ('realTweets',)}

def labelled_series(nab_dir: str|Path|None=None, customers: int=60, n_days: int=540, seeds=(1, 2), nab_families=tuple(NAB_FAMILIES)) -> list[dict]:
    "Labelled series: dicts with family, name, series (index of times, column `cost`), windows, kinds and scored_from."
    out = []
    for seed in seeds:
        for c in cost_scenarios(customers, n_days, seed=seed):
            out.append({'family': f'cost seed {seed}', 'name': c['customer'], 'series': c['series'], 'windows': c['windows'],
                        'kinds': c['kinds'], 'scored_from': c['series'].index[0], 'money': True})
    if nab_dir is not None:
        for fam in nab_families:
            for _, r in nab_series(nab_dir, families=NAB_FAMILIES[fam]).iterrows():
                f = load_data(r.path)                                    # as a user feeds it: the raw file, its own step
                try: s, refused = customer_series(f, f.CustomerID.iloc[0], kind='metric'), None
                except DataError as e:                                   # refused by the product (mostly gaps): ours find nothing there,
                    s, refused = customer_series(f, f.CustomerID.iloc[0], DataConfig(max_gap_share=1.0), kind='metric'), str(e)   # the peers still run
                s.attrs['kind'] = 'metric'
                out.append({'family': fam, 'name': r.file, 'series': s, 'windows': r.windows, 'kinds': [],
                            'scored_from': nab_probation_end(s.index), 'money': False, 'refused': refused})
    return out

def prophet_flags(series: pd.DataFrame, interval: float=0.99) -> np.ndarray:
    "Steps outside Prophet's `interval` prediction interval, the model fitted on the whole series (daily and weekly seasonality as Prophet decides)."
    from prophet import Prophet
    logging.getLogger('cmdstanpy').setLevel(logging.ERROR); logging.getLogger('prophet').setLevel(logging.ERROR)
    df = pd.DataFrame({'ds': series.index.tz_localize(None) if series.index.tz is not None else series.index, 'y': series.cost.to_numpy(float)})
    m = Prophet(interval_width=interval, uncertainty_samples=200).fit(df)
    p = m.predict(df[['ds']])
    y = df.y.to_numpy()
    return (y < p.yhat_lower.to_numpy()) | (y > p.yhat_upper.to_numpy())

def stl_cusum_flags(values, period: int, k: float=0.5, h: float=5.0) -> np.ndarray:
    "Two-sided CUSUM (slack `k`, threshold `h`, in robust sigmas) on the residual of statsmodels' robust STL."
    from statsmodels.tsa.seasonal import STL
    x = np.asarray(values, float)
    if period < 2 or len(x) < 2 * period + 1: resid = x - pd.Series(x).rolling(15, center=True, min_periods=1).median().to_numpy()
    else: resid = STL(x, period=period, robust=True).fit().resid
    z = (resid - np.median(resid)) / max(mad_scale(resid), 1e-9)
    up, down = cusum(z, slack=k, clip=np.inf)
    return (up > h) | (down > h)

def detect_flags(method: str, item: dict, config_changes: dict|None=None) -> np.ndarray:
    "One flag per step of `item['series']` from `method` (one of `BENCH_METHODS`)."
    series = item['series']; x = series.cost.to_numpy(float)
    if method == 'rolling robust z': return rolling_mad_flags(x)
    if method == 'IsolationForest': return isolation_forest_flags(x)
    if method == 'Prophet 99%': return prophet_flags(series)
    if method == 'STL + CUSUM': return stl_cusum_flags(x, season_steps(series.index))
    if method not in ('seed', 'default'): raise ValueError(f"unknown method {method!r}; methods are {BENCH_METHODS}")
    d = Config.preset(method).to_dict()
    for sec, kv in (config_changes or {}).items(): d[sec].update(kv)
    flags = np.zeros(len(x), bool)
    if item.get('refused'): return flags                                # the product refuses the file: its windows count as missed
    try: res = AnomalyDetector(Config.from_dict(d), name=method).fit_score(series)
    except DataError: return flags                                      # e.g. a constant series: nothing to detect
    if method == 'seed': strong = res.is_strong.to_numpy(bool) & ~res.in_training.to_numpy(bool)   # only the last 20 % is judged
    else: strong = res.event.to_numpy() > 0                              # the detector's events, first to last strong day
    flags[len(x) - len(res):] = strong
    return flags

def shared_flags(items: list[dict], config_changes: dict|None=None) -> tuple[dict, float]:
    "The default in shared mode over a whole family of customers: ({name: flags}, seconds)."
    d = Config.preset('default').to_dict(); d['model']['sharing'] = 'shared'
    for sec, kv in (config_changes or {}).items(): d[sec].update(kv)
    t0 = time.perf_counter()
    res = SharedDetector(Config.from_dict(d)).fit_score({it['name']: it['series'] for it in items})
    sec = time.perf_counter() - t0
    out = {}
    for it in items:
        r = res[res.customer_id == it['name']]
        fl = np.zeros(len(it['series']), bool); fl[len(fl) - len(r):] = r.event.to_numpy() > 0
        out[it['name']] = fl
    return out, sec

def count(item: dict, method: str, flags: np.ndarray, seconds: float) -> dict:
    "One row of counts: event metrics, days scored and which labelled windows of each kind were found."
    s = item['series']
    fl = np.asarray(flags, bool) & (s.index >= item['scored_from'])
    em = event_metrics(fl, s.index, item['windows'])
    events = to_events(fl, s.index)
    found = [any(a <= wb and b >= wa for a, b in events) for wa, wb in item['windows']]
    return {'family': item['family'], 'series': item['name'], 'method': method, 'seconds': seconds, 'flags': fl,
            'days': (s.index[-1] - item['scored_from']) / pd.Timedelta('1D'), 'kind_found': list(zip(item['kinds'], found)),
            **{k: em[k] for k in ('events', 'tp_events', 'fp', 'windows', 'found', 'delays')}}

def run_benchmark(series: list[dict], methods=BENCH_METHODS, config_changes: dict|None=None, shared: bool=True, progress: bool=False) -> pd.DataFrame:
    "Event counts and seconds of every method on every labelled series (and of the default in shared mode on each cost family)."
    rows = []
    for i, item in enumerate(series):
        for m in methods:
            t0 = time.perf_counter()
            try: fl = detect_flags(m, item, config_changes)
            except Exception as e:                                      # a peer that fails on a file finds nothing there; say so
                logging.getLogger('cloud_anomaly').warning("%s failed on %s: %s", m, item['name'], e); fl = np.zeros(len(item['series']), bool)
            rows.append(count(item, m, fl, time.perf_counter() - t0))
        if progress: logging.getLogger('cloud_anomaly').warning("%d/%d %s", i + 1, len(series), item['name'])
    if shared and 'default' in methods:
        for fam in sorted({s['family'] for s in series if s['money']}):
            items = [s for s in series if s['family'] == fam]
            flags, sec = shared_flags(items, config_changes)
            rows += [count(it, 'default (shared)', flags[it['name']], sec / len(items)) for it in items]
    return pd.DataFrame(rows)

def benchmark_table(runs: pd.DataFrame, by=('family', 'method')) -> pd.DataFrame:
    "Event F1, precision, recall, false events per 100 days, recall per kind and seconds per series of each group."
    rows = []
    for key, g in runs.groupby(list(by), sort=False):
        sc = sum_event_metrics(g.to_dict('records'))
        kinds = {}
        for k, f in (kf for kfs in g.kind_found for kf in kfs): kinds.setdefault(k, []).append(f)
        fam = dict(zip(by, key))['family']
        rows.append({**dict(zip(by, key)), 'set': 'tuning' if fam in TUNING else 'held out', 'series': len(g),
                     'event F1': round(sc['f1'], 3), 'precision': round(sc['precision'], 3), 'recall': round(sc['recall'], 3),
                     'found': f"{sc['found']}/{sc['windows']}", 'false events': sc['fp'],
                     'false/100 days': round(100 * sc['fp'] / max(g.days.sum(), 1e-9), 2),
                     **{f"recall {k}": round(float(np.mean(v)), 2) for k, v in sorted(kinds.items())},
                     's/series': round(g.seconds.mean(), 2)})
    return pd.DataFrame(rows)
