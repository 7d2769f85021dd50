"""How many injected anomalies does the detector find on mock data, by kind?

Run on purpose (it trains one model per customer):  python bench/mock_recall.py --customers 10
An injected event (a run of labelled days of one kind) counts as found by a signal when the signal fires on one of its
days or on the day right after it (a rule that compares with the day before fires one day late on a spike).
"""
import argparse, time
import numpy as np, pandas as pd
from cloud_anomaly.config import Config
from cloud_anomaly.data import generate_mock_data, customer_series, ANOMALY_KINDS
from cloud_anomaly.detector import AnomalyDetector

def events(labels: pd.DataFrame):
    "(kind, first day, last day) of each run of labelled days."
    out, cur = [], None
    for d, k in zip(labels.Date, labels.anomaly_type):
        if k and cur and cur[0] == k and (d - cur[2]).days == 1: cur[2] = d
        else:
            if cur: out.append(tuple(cur)); cur = None
            if k: cur = [k, d, d]
    if cur: out.append(tuple(cur))
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--customers', type=int, default=10); ap.add_argument('--seed', type=int, default=42)
    a = ap.parse_args()
    ids = list(range(900, 900 + a.customers))
    df = generate_mock_data(ids, seed=a.seed)
    rows, t0 = [], time.time()
    for cid in ids:
        raw = df[df.CustomerID == cid]
        res = AnomalyDetector(Config(), f"customer {cid}").fit_score(customer_series(raw, cid)).set_index('date')
        for kind, first, last in events(raw):
            days = pd.date_range(first, last + pd.Timedelta(days=1))
            r = res.reindex(days)
            rows.append({'customer': cid, 'kind': kind, 'strong': bool(r.is_strong.fillna(False).any()),
                         'lstm': bool(r.lstm_flag.fillna(False).any()), 'decrease': bool(r.decrease_flag.fillna(False).any())})
        fp = res.is_strong & ~raw.set_index('Date').is_anomaly.reindex(res.index).fillna(False)
        rows.append({'customer': cid, 'kind': '_false_strong_days', 'strong': int(fp.sum())})
    t = pd.DataFrame(rows)
    ev = t[t.kind != '_false_strong_days']
    summary = ev.groupby('kind').agg(events=('strong', 'size'), strong=('strong', 'sum'), lstm_flag=('lstm', 'sum'),
                                     decrease_flag=('decrease', 'sum'))
    summary['any_flag'] = ev.assign(a=ev.lstm | ev.decrease).groupby('kind').a.sum()
    print(f"{a.customers} mock customers x 730 days, default Config(), {time.time() - t0:.0f} s")
    print(summary.to_string())
    print(f"strong anomalies on days with no injected anomaly: {int(t[t.kind == '_false_strong_days'].strong.sum())}")

if __name__ == '__main__': main()
