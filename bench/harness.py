"""The benchmark harness of bench/quality.py: labelled series of both families, every method's flags, event counts.

Benchmark-only code: it reads ../shared (NAB) and runs for minutes, so it lives beside the benchmarks and not in the
package. The measurement itself (event metrics, labelled windows, the baselines) is the package's
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
from cloud_anomaly.evaluation import (event_metrics, sum_event_metrics, nab_series, nab_probation_end, mock_scenarios,
                                      rolling_mad_flags, isolation_forest_flags)
from cloud_anomaly.loaders import load_data

BENCH_METHODS = ('seed', 'default', 'rolling MAD', 'IsolationForest')

def labelled_series(nab_dir: str|Path|None=None, customers_per_scenario: int=4, n_days: int=730,
                    nab_files: list|None=None, scenarios: list|None=None) -> list[dict]:
    "Labelled series: dicts with family, name, series (index of times, column `cost`), windows and scored_from."
    out = []
    if nab_dir is not None:
        for _, r in nab_series(nab_dir).iterrows():
            if nab_files is not None and r.file not in nab_files: continue
            f = load_data(r.path)
            s = customer_series(f, f.CustomerID.iloc[0], DataConfig(frequency='1h'), kind='metric')
            s.index = s.index + pd.Timedelta(minutes=30)
            fam = 'NAB real AWS' if r.family.startswith('real') else 'NAB artificial'
            out.append({'family': fam, 'name': r.file, 'series': s, 'windows': r.windows, 'scored_from': nab_probation_end(s.index)})
    for m in mock_scenarios(customers_per_scenario, n_days=n_days):
        if scenarios is not None and m['scenario'] not in scenarios: continue
        s = customer_series(m['frame'], m['customer'])
        out.append({'family': 'mock cost', 'name': m['customer'], 'scenario': m['scenario'], 'series': s,
                    'windows': m['windows'], 'scored_from': s.index[0]})
    return out

def detect_flags(method: str, series: pd.DataFrame, config_changes: dict|None=None) -> np.ndarray:
    "One flag per step of `series` from `method` (one of `BENCH_METHODS`); `config_changes` tweak the detector's config."
    x = series.cost.to_numpy(float)
    if method == 'rolling MAD': return rolling_mad_flags(x)
    if method == 'IsolationForest': return isolation_forest_flags(x)
    if method not in ('seed', 'default'): raise ValueError(f"unknown method {method!r}; methods are {BENCH_METHODS}")
    d = Config.preset(method).to_dict()
    for sec, kv in (config_changes or {}).items(): d[sec].update(kv)
    flags = np.zeros(len(x), bool)
    try: res = AnomalyDetector(Config.from_dict(d), name=method).fit_score(series)
    except DataError: return flags                                      # e.g. a constant series: nothing to detect
    if method == 'seed': strong = res.is_strong.to_numpy(bool) & ~res.in_training.to_numpy(bool)   # only the last 20 % is judged
    else: strong = res.event.to_numpy() > 0                              # the detector's events, first to last strong day
    flags[len(x) - len(res):] = strong
    return flags

def run_benchmark(series: list[dict], methods=BENCH_METHODS, config_changes: dict|None=None, progress: bool=False) -> pd.DataFrame:
    "Event counts and seconds of every method on every labelled series: one row per (series, method)."
    rows = []
    for i, item in enumerate(series):
        s = item['series']
        for m in methods:
            t0 = time.perf_counter()
            fl = detect_flags(m, s, config_changes)
            sec = time.perf_counter() - t0
            fl = fl & (s.index >= item['scored_from'])
            em = event_metrics(fl, s.index, item['windows'])
            rows.append({'family': item['family'], 'series': item['name'], 'scenario': item.get('scenario', ''),
                         'method': m, 'seconds': sec, 'flags': fl, **{k: em[k] for k in ('events', 'tp_events', 'fp', 'windows', 'found', 'delays')}})
        if progress: logging.getLogger('cloud_anomaly').warning("%d/%d %s", i + 1, len(series), item['name'])
    return pd.DataFrame(rows)

def benchmark_table(runs: pd.DataFrame, by=('method', 'family')) -> pd.DataFrame:
    "Precision, recall and event F1 from the summed counts of each group, with seconds per series."
    rows = []
    for key, g in runs.groupby(list(by), sort=False):
        sc = sum_event_metrics(g.to_dict('records'))
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,))), 'series': len(g),
                     'windows': sc['windows'], 'found': sc['found'], 'false events': sc['fp'],
                     'precision': round(sc['precision'], 3), 'recall': round(sc['recall'], 3),
                     'event F1': round(sc['f1'], 3), 's/series': round(g.seconds.mean(), 2)})
    return pd.DataFrame(rows)
