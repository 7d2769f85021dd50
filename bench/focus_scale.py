"""Load speed and peak memory of the FOCUS loader on a generated export of millions of line items.

    python bench/focus_scale.py --rows 5000000            # writes /tmp/focus_bench/focus_5000000.csv once, then measures
    python bench/focus_scale.py --rows 5000000 --parquet  # the same rows as a folder of Parquet partitions

The file follows the FOCUS 1.2 column list in ../shared/datasets/README.md: one row per resource and hour, NULL for
nulls, JSON tags, IDs as text, negative credits. The load runs in a child process so that its peak resident memory
(ru_maxrss) is its own, and is compared with the size of the file.
"""
import argparse, json, os, resource, subprocess, sys, time
from pathlib import Path
import numpy as np, pandas as pd

COLUMNS = ("BilledCost BillingAccountId BillingAccountName BillingAccountType BillingCurrency BillingPeriodEnd "
  "BillingPeriodStart CapacityReservationId CapacityReservationStatus ChargeCategory ChargeClass ChargeDescription "
  "ChargePeriodEnd ChargePeriodStart CommitmentDiscountCategory CommitmentDiscountId CommitmentDiscountName "
  "CommitmentDiscountQuantity CommitmentDiscountStatus CommitmentDiscountType CommitmentDiscountUnit ConsumedQuantity "
  "ConsumedUnit ContractedCost ContractedUnitPrice EffectiveCost InvoiceIssuerName ListCost ListUnitPrice PricingCategory "
  "PricingCurrency PricingQuantity PricingUnit ProviderName PublisherName RegionId RegionName ResourceId ResourceName "
  "ResourceType ServiceCategory ServiceName SkuId SkuMeter SkuPriceDetails SkuPriceId SubAccountId SubAccountName "
  "SubAccountType Tags AvailabilityZone ChargeFrequency InvoiceId ServiceSubcategory PricingCurrencyContractedUnitPrice "
  "PricingCurrencyEffectiveCost PricingCurrencyListUnitPrice").split()
SERVICES = ['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service', 'Amazon Relational Database Service',
            'AWS Lambda', 'Amazon CloudFront', 'Elastic Load Balancing', 'Amazon DynamoDB']
REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1']

def chunk(rng, n, start_row, accounts=200):
    hours = pd.Timestamp('2024-09-01') + pd.to_timedelta((np.arange(start_row, start_row + n) // 700) % (30 * 24), unit='h')
    acct = rng.integers(0, accounts, n)
    sub = np.char.add('', (100000000000 + acct * 7919).astype(str))
    svc = rng.integers(0, len(SERVICES), n); reg = rng.integers(0, len(REGIONS), n)
    cost = np.round(rng.gamma(1.2, 0.8, n), 10)
    credit = rng.random(n) < 0.002
    cost[credit] *= -5
    s = lambda v: pd.Series(v, dtype=object)
    df = pd.DataFrame({c: 'NULL' for c in COLUMNS}, index=range(n))
    df['BilledCost'] = cost; df['EffectiveCost'] = cost; df['ListCost'] = np.round(cost * 1.1, 10); df['ContractedCost'] = cost
    df['BillingAccountId'] = '999988887777'; df['BillingAccountName'] = 'Payer'; df['BillingCurrency'] = 'USD'
    df['BillingPeriodStart'] = '2024-09-01T00:00:00Z'; df['BillingPeriodEnd'] = '2024-10-01T00:00:00Z'
    df['ChargeCategory'] = np.where(credit, 'Credit', 'Usage'); df['ChargeFrequency'] = 'Usage-Based'
    df['ChargePeriodStart'] = hours.strftime('%Y-%m-%dT%H:%M:%SZ')
    df['ChargePeriodEnd'] = (hours + pd.Timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    df['ServiceName'] = np.array(SERVICES)[svc]; df['RegionId'] = np.array(REGIONS)[reg]; df['RegionName'] = df['RegionId']
    df['SubAccountId'] = sub; df['SubAccountName'] = np.char.add('account-', acct.astype(str)); df['ProviderName'] = 'AWS'
    df['ResourceId'] = np.char.add('i-0', rng.integers(10**9, 10**10, n).astype(str))
    df['ConsumedQuantity'] = np.round(rng.random(n) * 3, 6); df['PricingQuantity'] = df['ConsumedQuantity']
    df['Tags'] = np.where(rng.random(n) < 0.5, '{"env": "prod", "team": "data"}', 'NULL')
    df['InvoiceIssuerName'] = 'Amazon Web Services, Inc.'; df['PublisherName'] = 'Amazon Web Services, Inc.'
    return df

def generate(path: Path, rows: int, parquet: bool, seed=0, step=500_000):
    rng = np.random.default_rng(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    if parquet: path.mkdir(exist_ok=True)
    for i, start in enumerate(range(0, rows, step)):
        df = chunk(rng, min(step, rows - start), start)
        if parquet: df.to_parquet(path / f"part-{i:04d}.parquet", index=False)
        else: df.to_csv(path, mode='w' if i == 0 else 'a', header=i == 0, index=False)

def peak_rss_mb() -> float:
    "This process's peak resident memory (VmHWM), in MiB. ru_maxrss is not used: Linux carries it over from the parent."
    for line in Path('/proc/self/status').read_text().splitlines():
        if line.startswith('VmHWM:'): return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def measure(path: str):
    "Child process: load, print JSON with seconds and peak RSS."
    from cloud_anomaly.loaders import load_focus
    t = time.perf_counter(); out = load_focus(path); secs = time.perf_counter() - t
    print(json.dumps({'seconds': secs, 'peak_rss_mb': peak_rss_mb(),
                      'daily_rows': len(out), 'customers': int(out.CustomerID.nunique()), 'total': float(out.TotalCost.sum())}))

if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--measure': measure(sys.argv[2]); sys.exit()
    ap = argparse.ArgumentParser(); ap.add_argument('--rows', type=int, default=5_000_000); ap.add_argument('--parquet', action='store_true')
    ap.add_argument('--dir', default='/tmp/focus_bench')
    a = ap.parse_args()
    path = Path(a.dir) / (f"focus_{a.rows}" + ('' if a.parquet else '.csv'))
    if not path.exists():
        t = time.perf_counter(); generate(path, a.rows, a.parquet); print(f"generated {path} in {time.perf_counter() - t:.0f} s")
    size = sum(f.stat().st_size for f in path.rglob('*')) if path.is_dir() else path.stat().st_size
    r = json.loads(subprocess.run([sys.executable, __file__, '--measure', str(path)], capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1])
    baseline = json.loads(subprocess.run([sys.executable, '-c', 'import json, sys; sys.path.insert(0, sys.argv[1]); import focus_scale, cloud_anomaly.loaders; '
        'print(json.dumps(focus_scale.peak_rss_mb()))', str(Path(__file__).parent)], capture_output=True, text=True, check=True).stdout)
    print(f"{a.rows:,} FOCUS line items ({len(COLUMNS)} columns, {'Parquet folder' if a.parquet else 'CSV'}, {size / 2**20:,.0f} MiB)")
    print(f"loaded in {r['seconds']:.1f} s = {a.rows / r['seconds']:,.0f} rows/s -> {r['daily_rows']:,} daily rows, {r['customers']} customers")
    print(f"peak RSS {r['peak_rss_mb']:,.0f} MiB (imports alone {baseline:,.0f} MiB) = {r['peak_rss_mb'] / (size / 2**20):.2f} x the file size")
