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

SERVICES = {'Amazon Elastic Compute Cloud': 200.0, 'Amazon Relational Database Service': 200.0, 'Amazon Simple Storage Service': 80.0}
HIDDEN_DAY = '2025-04-11'

def billing_export(path, days: int=120, seed: int=0, loaded_hours: int=8):
    """A FOCUS export as a FinOps team has it: hourly usage rows of three services for two accounts, and besides usage an RI
    purchase and a tax line on each 1st, a credit on each 15th, a newest day loaded for `loaded_hours` hours only, and on
    HIDDEN_DAY account 111111111111's compute jumps by $160 while its database drops by $160 (its total stays flat)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp('2025-01-01', tz='UTC')
    rows = []
    def row(acct, t, svc, cost, category='Usage', freq='Usage-Based'):
        rows.append({'BilledCost': round(cost, 6), 'EffectiveCost': round(cost, 6) if category == 'Usage' else 0.0,
                     'BillingCurrency': 'USD', 'ChargeCategory': category, 'ChargeFrequency': freq, 'ChargeClass': 'NULL',
                     'ChargePeriodStart': t.strftime('%Y-%m-%dT%H:%M:%SZ'), 'ChargePeriodEnd': (t + pd.Timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ'),
                     'SubAccountId': acct, 'BillingAccountId': '999988887777', 'ServiceName': svc, 'RegionId': 'us-east-1',
                     'Tags': '{"team": "%s"}' % ('web' if acct.startswith('1') else 'data')})
    for acct in ('111111111111', '222222222222'):
        for d in range(days):
            day = start + pd.Timedelta(days=d)
            hours = loaded_hours if d == days - 1 else 24
            weekly = 0.85 if day.dayofweek >= 5 else 1.0
            for svc, base in SERVICES.items():
                total = base * weekly * (1 + 0.03 * rng.standard_normal())
                if acct == '111111111111' and day.strftime('%Y-%m-%d') == HIDDEN_DAY:
                    total += 160.0 if svc.endswith('Compute Cloud') else (-160.0 if 'Database' in svc else 0.0)
                for h in range(hours): row(acct, day + pd.Timedelta(hours=h), svc, total / 24)
            if day.day == 1:
                row(acct, day, 'Amazon Elastic Compute Cloud', 5910.0, 'Purchase', 'One-Time')
                row(acct, day, 'Tax', 310.0, 'Tax', 'One-Time')
            if day.day == 15: row(acct, day, 'Amazon Elastic Compute Cloud', -400.0, 'Credit', 'One-Time')
    pd.DataFrame(rows).to_csv(path, index=False)
    return path
