"""Exploration, not the benchmark: which scoring of the autoencoder's errors finds events best, against the two
classical baselines, on NAB (hourly means, 24-step windows) and on the mock cost scenarios (daily, 7-day windows).

    python bench/explore_scoring.py              # trains one autoencoder per series (about 10 min on 2 cores), cached
    python bench/explore_scoring.py --no-cache   # retrain

Scorings of the per-day error e_t = |x_t - reconstruction of t as the last step of its window| (model trained on all
windows of the series): robust z (median / MAD) above K, optionally pruned as in Hundman et al. (KDD 2018): runs are
sorted by peak and cut after the last relative drop of at least `prune` between consecutive peaks. Event F1 is the
evaluation module's (Orion-style overlapping segments), NAB's first 15 % ignored.
"""
import argparse, pickle
from pathlib import Path
import numpy as np, pandas as pd
from cloud_anomaly.config import ModelConfig, DataConfig
from cloud_anomaly.data import customer_series, make_windows, MinMaxScaler
from cloud_anomaly.loaders import load_data
from cloud_anomaly.model import LSTMAutoencoder
from cloud_anomaly.evaluation import (nab_series, mock_scenarios, event_metrics, sum_event_metrics, nab_probation_end,
                                      to_events, rolling_mad_flags, isolation_forest_flags)

NAB = Path(__file__).resolve().parents[2] / 'shared' / 'datasets' / 'nab'

def series():
    "(family, name, times, values, windows, window size) of every NAB file (hourly means) and mock scenario series."
    for _, r in nab_series(NAB).iterrows():
        f = load_data(r.path)
        s = customer_series(f, f.CustomerID.iloc[0], DataConfig(frequency='1h'), kind='metric')
        yield ('nab_real' if r.family.startswith('real') else 'nab_artificial'), r.file, s.index + pd.Timedelta(minutes=30), s.cost.to_numpy(float), r.windows, 24
    for m in mock_scenarios(2):
        s = customer_series(m['frame'], m['customer'])
        yield 'mock', m['customer'], s.index, s.cost.to_numpy(float), m['windows'], 7

def errors(x, w):
    "Per-step error of an autoencoder trained on all windows of x (scaled to [0, 1])."
    xs = MinMaxScaler().fit(x).transform(x); W = make_windows(xs, w)
    ae = LSTMAutoencoder(ModelConfig(window_size=w), seed=42); ae.fit(W)
    return np.r_[np.zeros(w - 1), np.abs(xs[w - 1:] - ae.reconstruct(W)[:, -1])]

def robust_z(e, w, times=None):
    "Robust z of the errors; with `times` of daily data, month-start days get their own median and MAD."
    t = pd.DatetimeIndex(times) if times is not None else None
    grp = (t.day == 1).astype(int) if t is not None and (t == t.normalize()).all() else np.zeros(len(e), int)
    z = np.zeros(len(e))
    for g in np.unique(grp):
        m = grp == g; core = e[m & (np.arange(len(e)) >= w - 1)]
        med = np.median(core); mad = 1.4826 * np.median(np.abs(core - med)) or 1e-9
        z[m] = (e[m] - med) / mad
    return z

def robust_flags(e, w, K, prune=None, times=None):
    z = robust_z(e, w, times); fl = z > K; fl[:w - 1] = False
    if prune is None: return fl
    runs = to_events(fl)
    if not runs: return fl
    peaks = np.array([z[a:b + 1].max() for a, b in runs]); order = np.argsort(-peaks)
    ref = np.r_[peaks[order], K]; big = np.flatnonzero((ref[:-1] - ref[1:]) / ref[:-1] >= prune)
    out = np.zeros_like(fl)
    for j in order[:big[-1] + 1 if len(big) else 0]: a, b = runs[j]; out[a:b + 1] = True
    return out

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--no-cache', action='store_true'); ap.add_argument('--cache', default='/tmp/cloud_anomaly_explore.pkl')
    a = ap.parse_args()
    cache = Path(a.cache)
    if cache.exists() and not a.no_cache: data = pickle.loads(cache.read_bytes())
    else:
        data = [(fam, name, t, x, win, w, errors(x, w)) for fam, name, t, x, win, w in series()]
        cache.write_bytes(pickle.dumps(data))
    methods = {'rolling MAD (60, 3.5)': lambda x, e, w, t: rolling_mad_flags(x),
               'IsolationForest (7, 1 %)': lambda x, e, w, t: isolation_forest_flags(x)}
    for K in (4, 6, 8, 10):
        for pr in (None, 0.13): methods[f"AE robust z>{K}" + (f" pruned {pr}" if pr else '')] = (lambda K, pr: lambda x, e, w, t: robust_flags(e, w, K, pr))(K, pr)
    for K in (4, 6):   # month-start days scored against their own kind
        methods[f"AE calendar z>{K} pruned 0.13"] = (lambda K: lambda x, e, w, t: robust_flags(e, w, K, 0.13, t))(K)
    rows = []
    for label, fn in methods.items():
        by = {}
        for fam, name, t, x, win, w, e in data:
            fl = fn(x, e, w, t)
            if fam != 'mock': fl = fl & (t >= nab_probation_end(t))
            m = event_metrics(fl, t, win)
            by.setdefault(fam, []).append(m)
            if fam != 'mock': by.setdefault('nab_all', []).append(m)
        rows.append({'method': label, **{f: round(sum_event_metrics(v)['f1'], 3) for f, v in sorted(by.items())}})
    print(f"event F1 ({sum(d[0] == 'mock' for d in data)} mock series, {sum(d[0] != 'mock' for d in data)} NAB series)")
    print(pd.DataFrame(rows).to_string(index=False))
