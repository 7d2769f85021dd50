"""Small FOCUS fixtures written from the column facts in shared/datasets/README.md (hourly line items, NULLs, credits)."""
import numpy as np, pandas as pd

def focus_rows(path, days: int=60, seed: int=0):
    "Hourly FOCUS line items for three AWS accounts (one with only 5 days), with a credit and NULL regions."
    rng = np.random.default_rng(seed)
    rows = []
    for acct, n_days in (('111111111111', days), ('222222222222', days), ('333333333333', 5)):
        for h in pd.date_range('2024-09-01', periods=n_days * 24, freq='h', tz='UTC'):
            for svc, region in (('Amazon Elastic Compute Cloud', 'us-east-1'), ('Amazon Simple Storage Service', 'NULL')):
                rows.append({'BilledCost': round(float(rng.gamma(2, 1.5)), 6), 'EffectiveCost': 0.0, 'ChargeCategory': 'Usage',
                             'ChargePeriodStart': h.strftime('%Y-%m-%dT%H:%M:%SZ'), 'ChargePeriodEnd': (h + pd.Timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ'),
                             'SubAccountId': acct, 'BillingAccountId': '999988887777', 'ServiceName': svc, 'RegionId': region,
                             'ChargeFrequency': 'Usage-Based', 'Tags': '{"env": "prod"}'})
    rows.append({**rows[0], 'BilledCost': -25.0, 'ChargeCategory': 'Credit'})
    pd.DataFrame(rows).to_csv(path, index=False)
    return path
