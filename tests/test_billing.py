"""Billing data as FinOps teams have it (issue 16): charges that are not usage, a half-loaded newest day, a service anomaly
hidden in its customer's total. The export is hourly FOCUS rows (tests/focus_fixtures.billing_export)."""
import pandas as pd
import pytest
from focus_fixtures import billing_export, HIDDEN_DAY, SERVICES
from cloud_anomaly.config import Config
from cloud_anomaly.loaders import load_data
from cloud_anomaly.pipeline import AnomalyDetectionPipeline

def fast(**data) -> Config:
    cfg = Config.from_dict({'model': {'epochs': 3}, 'data': data})
    return cfg

@pytest.fixture(scope='module')
def export(tmp_path_factory):
    return billing_export(tmp_path_factory.mktemp('bill') / 'focus.csv')

@pytest.fixture(scope='module')
def scoped(export):
    return AnomalyDetectionPipeline(fast(scope=['customer', 'ServiceName'])).run_many('all', data_file=export, use_mock_data=False)

def test_series_is_usage_and_the_rest_is_listed_apart(export):
    frame = load_data(export)
    assert frame.attrs['format'] == 'focus'
    ch = frame.attrs['charges'].groupby('ChargeCategory').TotalCost.sum().round(2).to_dict()
    assert ch == {'Credit': -400.0 * 2 * 4, 'Purchase': 5910.0 * 2 * 4, 'Tax': 310.0 * 2 * 4}   # 2 accounts, Jan-Apr
    raw = pd.read_csv(export)
    assert abs(frame.TotalCost.sum() + frame.attrs['charges'].TotalCost.sum() - raw.BilledCost.sum()) < 1e-4

def test_no_anomaly_for_purchase_tax_credit_or_partial_day(scoped):
    strong = scoped.anomalies
    days = pd.to_datetime(strong.date)
    assert not days.dt.day.isin([1, 15]).any(), strong[['customer_id', 'date', 'impact']]
    last = scoped.table.date.max()
    assert not (days == last).any()
    prov = scoped.table[scoped.table.provisional]
    assert sorted(prov.date.unique()) == sorted(pd.date_range(last - pd.Timedelta(days=1), last))
    assert (prov[prov.date == last].cost < 0.5 * prov[prov.date == last].expected_cost).all()   # it does look like a drop

def test_hidden_service_anomaly_found_in_its_scope_and_linked(scoped):
    strong = scoped.anomalies
    day = pd.Timestamp(HIDDEN_DAY)
    hit = strong[(pd.to_datetime(strong.date) == day) & (strong.customer_id == '111111111111 / Amazon Elastic Compute Cloud')]
    assert len(hit) == 1, strong[['customer_id', 'date', 'impact', 'scope', 'parent']]
    assert hit.scope.iloc[0] == 'ServiceName' and hit.parent.iloc[0] == '111111111111' and hit.impact.iloc[0] > 100
    total = scoped.table[(scoped.table.customer_id == '111111111111') & (scoped.table.date == day)]
    assert not total.is_strong.any()                                   # the customer's total did not move
    assert (strong.impact.abs().diff().dropna() <= 1e-9).all()        # ranked by money at stake

@pytest.mark.slow                   # the counter-example, a second scoring of the export (12 s): after the quick suite, in .ci/run
def test_without_the_billing_rules_the_same_export_raises_false_anomalies(export):
    """The controls: with every row summed the credits come back as anomalies (the purchase and tax, the same every 1st, are
    learnt as the month-start charge from the second month on); with no provisional days, the half-loaded day."""
    res = AnomalyDetectionPipeline(fast(charge_categories=['all'])).run_many('all', data_file=export, use_mock_data=False)
    assert (pd.to_datetime(res.anomalies.date).dt.day == 15).sum() >= 2
    res = AnomalyDetectionPipeline(fast(settle_days=0)).run_many(['111111111111'], data_file=export, use_mock_data=False)
    assert (pd.to_datetime(res.anomalies.date) == res.table.date.max()).any()

def test_monitor_keeps_the_newest_days_provisional_and_rescores_them(tmp_path):
    """Morning 1: the export's newest day is half-loaded: scored, provisional, no drop alert. Morning 2: the export now has that day
    in full (and a new half-loaded one): the day is scored again, updated in the store, and `history` shows the revision."""
    from cloud_anomaly.store import Store
    from cloud_anomaly.monitor import train, monitor
    from cloud_anomaly.cli import run_cli
    import contextlib, io
    cfg = fast(); cfg.model.sharing = 'per-customer'
    one = lambda days: load_data(billing_export(tmp_path / f'focus{days}.csv', days=days))
    first, second = one(100), one(101)
    first = first[first.CustomerID == '111111111111']; second = second[second.CustomerID == '111111111111']
    half = pd.Timestamp('2025-04-10')                                    # day 100: 8 hours in the first export, 24 in the second
    with Store(tmp_path / 'store') as st:
        train(first, st, cfg, as_of='2025-03-31')
        rep = monitor(first, st, cfg)
        day = rep.scored[rep.scored.date == half]
        assert day.provisional.all() and not day.is_strong.any() and float(day.cost.iloc[0]) < 0.5 * float(day.expected_cost.iloc[0])
        assert len(rep.alerts) == 0 or not (pd.to_datetime(rep.alerts.date) == half).any()
        rep2 = monitor(second, st, cfg)
        again = rep2.scored[rep2.scored.date == half]
        assert len(again) == 1 and float(again.cost.iloc[0]) > 2 * float(day.cost.iloc[0])
        assert again.provisional.all()                                   # still one of the newest two days: settles tomorrow
        rev = st.revisions('111111111111')
        assert half in set(pd.to_datetime(rev.date)) and rev[pd.to_datetime(rev.date) == half].was_provisional.all()
        stored = st.scored_days('111111111111')
        assert stored.date.is_unique and abs(float(stored[stored.date == half].cost.iloc[0]) - float(again.cost.iloc[0])) < 1e-6
    out = io.StringIO()
    with contextlib.redirect_stdout(out): assert run_cli(['history', '--store', str(tmp_path / 'store')]) == 0
    assert 'days scored again' in out.getvalue() and '2025-04-10' in out.getvalue() and 'provisional' in out.getvalue()
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert run_cli(['history', '--store', str(tmp_path / 'store'), '--customer-id', '42']) == 2   # a mistyped id is not "no anomalies"
    assert 'customer 42 is not in the store' in err.getvalue() and '(1 customer trained)' in err.getvalue()

@pytest.mark.slow                   # a subprocess run / a training and a monitor run: after the quick suite, in .ci/run
def test_cli_scope_lists_charges_provisional_days_and_the_service_anomaly(export, tmp_path):
    from cloud_anomaly.cli import run_cli
    import contextlib, io
    (tmp_path / 'fast.toml').write_text('[model]\nepochs = 3\n')
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run_cli(['--data-file', str(export), '--scope', 'customer,service', '--config', str(tmp_path / 'fast.toml'),
                        '--output', str(tmp_path / 'res.csv')]) == 0
    text = out.getvalue()
    assert '111111111111 / Amazon Elastic Compute Cloud' in text and HIDDEN_DAY in text
    assert 'not in the series (charge categories other than Usage): Credit -$3,200' in text and 'Purchase $47,280' in text
    assert 'provisional: 2025-04-29 to 2025-04-30' in text
    res = pd.read_csv(tmp_path / 'res.csv')
    assert {'scope', 'parent', 'provisional'} <= set(res.columns) and set(res.scope) == {'customer', 'ServiceName'}

@pytest.mark.slow                   # a subprocess run / a training and a monitor run: after the quick suite, in .ci/run
def test_monitor_watches_the_scopes_of_a_customer(export, tmp_path):
    "With [data] scope, train and monitor keep a model for each customer's services too; a customer given by id brings its scopes."
    from cloud_anomaly.store import Store
    from cloud_anomaly.monitor import train, monitor
    cfg = fast(scope=['customer', 'ServiceName']); cfg.model.sharing = 'per-customer'
    frame = load_data(export)
    with Store(tmp_path / 'store') as st:
        t = train(frame, st, cfg, customer_ids=['111111111111'], as_of='2025-04-20')
        assert sorted(t.customer_id) == ['111111111111'] + [f"111111111111 / {s}" for s in sorted(SERVICES)]
        rep = monitor(frame, st, cfg, customer_ids=['111111111111'])
        assert set(rep.scored.customer_id) == set(t.customer_id) and rep.scored.date.max() == pd.Timestamp('2025-04-30')
