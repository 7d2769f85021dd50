"Spark path against the local run: 50 mock customers in a local[2] session (Java 17 and the pyspark extra)."
import os, sys
import numpy as np, pandas as pd, pytest
pyspark = pytest.importorskip('pyspark')
from cloud_anomaly.config import Config
from cloud_anomaly.data import generate_mock_data, customer_series
from cloud_anomaly.portfolio import SharedDetector
from cloud_anomaly.spark import detect_spark, skipped_customers

pytestmark = pytest.mark.slow      # a Spark session and 50 customers trained: run by .ci/run after the quick suite

@pytest.fixture(scope='module')
def spark():
    os.environ.setdefault('PYSPARK_PYTHON', sys.executable)
    from pyspark.sql import SparkSession
    s = (SparkSession.builder.master('local[2]').appName('cloud_anomaly tests').config('spark.ui.enabled', 'false')
         .config('spark.sql.shuffle.partitions', '8').getOrCreate())
    s.sparkContext.setLogLevel('ERROR')
    yield s
    s.stop()

def test_fifty_customers_match_the_local_run(spark):
    raw = generate_mock_data([f"acct-{i:02d}" for i in range(50)], n_days=240, seed=21)
    raw = pd.concat([raw, pd.DataFrame({'Date': pd.date_range('2024-01-01', periods=60), 'CustomerID': 'flat', 'TotalCost': 9.0})])
    cfg = Config(); cfg.model.epochs = 5
    series = {c: customer_series(raw, c) for c in raw.CustomerID.unique()}
    local = SharedDetector(cfg).fit_score(series).sort_values(['customer_id', 'date']).reset_index(drop=True)
    sdf = spark.createDataFrame(raw.sample(frac=1, random_state=0).assign(Date=lambda d: d.Date.dt.strftime('%Y-%m-%d')))
    got = detect_spark(sdf, cfg).toPandas().sort_values(['customer_id', 'date']).reset_index(drop=True)
    assert got.customer_id.nunique() == 50 and len(got) == len(local) == 50 * (240 - 6)
    assert (got.customer_id == local.customer_id).all() and (got.date.dt.date == local.date.dt.date).all()
    np.testing.assert_allclose(got.error, local.error, atol=1e-4)
    np.testing.assert_allclose(got.expected_cost, local.expected_cost, rtol=1e-3, atol=0.05)
    assert got.is_strong.tolist() == local.is_strong.tolist()
    assert got.is_strong.sum() > 0
    assert skipped_customers(sdf, cfg).toPandas().customer_id.tolist() == ['flat']
