"""The morning report as a user sees it: the report of the monitoring notebook's month of mornings (written by that
notebook when the docs are built, published under _docs/reports/), opened in headless Chromium from the docs site on
127.0.0.1. The assertions read the rendered page: rows, charts drawn with a size, sorting and filtering by clicks and
typing. Screenshots go to artifacts/screenshots (git-ignored)."""
from pathlib import Path
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / 'artifacts' / 'screenshots'

def rows(b) -> list[dict]:
    "The table's visible rows as the page shows them."
    return b.execute_script("""return [...document.querySelectorAll('#anomalies tbody tr[data-customer]')].filter(r => !r.hidden)
        .map(r => ({customer: r.dataset.customer, state: r.dataset.state, stake: parseFloat(r.dataset.stake),
                    text: r.innerText, height: r.getBoundingClientRect().height}))""")

@pytest.fixture(scope='module')
def page(site, base_url, browser):
    assert (site / 'reports' / 'monitoring_month.html').is_file(), 'the monitoring notebook did not write its report'
    browser.get(base_url + 'reports/monitoring_month.html')
    WebDriverWait(browser, 30).until(lambda b: b.execute_script('return document.readyState') == 'complete')
    return browser

def test_opens_with_no_errors_and_fetches_nothing(page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.save_screenshot(str(SHOTS / 'report.png'))
    assert (SHOTS / 'report.png').stat().st_size > 50_000
    severe = [e['message'] for e in page.get_log('browser') if e['level'] == 'SEVERE' and 'favicon.ico' not in e['message']]
    assert not severe, severe
    fetched = page.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [u for u in fetched if not u.endswith('/favicon.ico')] == [], fetched   # self-contained: the page fetches nothing

def test_portfolio_and_ranked_anomalies(page):
    head = page.find_element(By.TAG_NAME, 'header').text
    assert 'customers scanned' in head and 'open anomalies' in head and 'at stake' in head
    r = rows(page)
    assert len(r) >= 8, r
    assert [x['stake'] for x in r] == sorted((x['stake'] for x in r), reverse=True)   # opens ranked by money at stake
    step = [x for x in r if x['customer'] == '2' and '2025-01-10' in x['text']]
    assert len(step) == 1 and 'open' in step[0]['text']
    assert {x['state'] for x in r if x['customer'] == '6'} == {'planned', 'suppressed'}
    shown = page.find_element(By.ID, 'shown').text
    assert shown == str(len(r))

def test_charts_render(page):
    sizes = page.execute_script("""return [...document.querySelectorAll('svg.chart')].map(s => {
        const b = s.getBoundingClientRect(), lines = [...s.querySelectorAll('path.cost')];
        return {w: b.width, h: b.height, line: lines.length ? lines[0].getTotalLength() : 0,
                event: s.querySelectorAll('rect.event, rect.stake').length}; })""")
    assert len(sizes) == len(rows(page)) + 1                       # one per anomaly and the weekly trend
    for s in sizes: assert s['w'] > 250 and s['h'] > 100 and s['line'] > 100 and s['event'] >= 1, s

def test_sort_and_filter(page):
    click = lambda title: page.find_element(By.XPATH, f"//table[@id='anomalies']//th/button[normalize-space()='{title}']").click()
    click('customer')
    assert [x['customer'] for x in rows(page)] == sorted((x['customer'] for x in rows(page)), reverse=True)
    click('customer')
    assert [x['customer'] for x in rows(page)] == sorted(x['customer'] for x in rows(page))
    click('at stake')                                              # back to the ranking: largest first
    assert [x['stake'] for x in rows(page)] == sorted((x['stake'] for x in rows(page)), reverse=True)
    click('at stake')                                              # again: smallest first
    assert [x['stake'] for x in rows(page)] == sorted(x['stake'] for x in rows(page))
    n = len(rows(page))
    box = page.find_element(By.ID, 'f-customer')
    box.send_keys('99')
    assert {x['customer'] for x in rows(page)} == {'99'} and page.find_element(By.ID, 'shown').text == str(len(rows(page)))
    box.clear(); box.send_keys(' ')                                 # clear() fires no input event; a blank search shows all
    assert len(rows(page)) == n
    Select(page.find_element(By.ID, 'f-status')).select_by_value('suppressed')
    r = rows(page)
    assert [(x['customer'], x['state']) for x in r] == [('6', 'suppressed')]
    page.save_screenshot(str(SHOTS / 'report_filtered.png'))
    Select(page.find_element(By.ID, 'f-status')).select_by_value('')
    assert len(rows(page)) == n
