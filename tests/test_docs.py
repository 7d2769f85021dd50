"""The docs website as people see it: built from the notebooks by the docs command (`python tools/docs.py`, which the
README's test command runs first; the `site` fixture of conftest.py reuses that site when it was built from the current
sources, and builds it otherwise), served on 127.0.0.1, opened page by page in headless Chromium. Fails on a missing page, a broken internal link, a missing image or a JavaScript
error; saves screenshots of the home page and the pipeline page under artifacts/screenshots (git-ignored)."""
import urllib.error, urllib.parse, urllib.request
from pathlib import Path
import pytest
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / 'artifacts' / 'screenshots'
NOTEBOOKS = sorted(p.stem for p in (ROOT / 'nbs').glob('*.ipynb'))

def test_every_notebook_has_a_page(site):
    missing = [n for n in NOTEBOOKS if not (site / f"{n}.html").is_file()]
    assert not missing, f"pages not built: {missing}"

def test_pipeline_page_shows_a_real_plot_and_api_reference(site):
    html = (site / '06_pipeline.html').read_text(encoding='utf-8')
    assert '<img' in html and ('data:image/png;base64,' in html or '.png' in html), 'the pipeline page has no figure'
    assert 'strong anomalies' in html                   # printed by the full run's cell
    assert 'AnomalyDetectionPipeline' in html and 'run_many' in html

def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method='GET'), timeout=10) as r: return r.status
    except urllib.error.HTTPError as e: return e.code

def test_pages_in_a_real_browser(site, base_url, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob('*.html'))
    checked, problems = set(), []
    for page in pages:
        url = urllib.parse.urljoin(base_url, page)
        browser.get(url)
        WebDriverWait(browser, 30).until(lambda b: b.execute_script('return document.readyState') == 'complete')   # a busy machine
        text = browser.execute_script('return document.body.innerText')
        if len(text) < 200: problems.append(f"{page}: almost empty ({len(text)} characters)")
        for e in browser.get_log('browser'):
            if e['level'] != 'SEVERE': continue
            msg = e['message']
            # This machine has no internet: the theme's web font cannot load here, and is not the site's fault.
            # The browser's own favicon request is not a link of the site. Everything else fails the test.
            if (msg.startswith('http') and not msg.startswith(base_url)) or msg.startswith(base_url + 'favicon.ico'): continue
            problems.append(f"{page}: browser error: {msg[:200]}")
        broken_imgs = browser.execute_script("return [...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        problems += [f"{page}: image does not load: {s[:120]}" for s in broken_imgs]
        links = browser.execute_script("return [...document.querySelectorAll('a[href]')].map(a => a.href)")
        for l in links:
            target = l.split('#')[0]
            if not target.startswith(base_url) or target in checked: continue
            checked.add(target)
            if _status(target) != 200: problems.append(f"{page}: broken link {target[len(base_url):]}")
        if page in ('index.html', '06_pipeline.html'):
            browser.save_screenshot(str(SHOTS / page.replace('.html', '.png')))
    assert not problems, '\n'.join(problems)
    assert (SHOTS / 'index.png').stat().st_size > 20_000 and (SHOTS / '06_pipeline.png').stat().st_size > 20_000
    assert len(checked) >= len(NOTEBOOKS)
