"""Shared fixtures: a local stand-in for Gemini's generateContent REST API on 127.0.0.1, a fast config file, and the docs
site (built once from the current sources, even by two test workers at a time), served on 127.0.0.1 and opened in
headless Chromium."""
import fcntl, functools, json, os, shutil, subprocess, sys, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / 'tools'))
from docs import ONE_THREAD, source_stamp

if os.environ.get('PYTEST_XDIST_WORKER'):       # n workers on n cores: one thread each, as tools/docs.py runs the notebooks
    for k, v in ONE_THREAD.items(): os.environ.setdefault(k, v)

class FakeGemini:
    "Serves POST .../models/{model}:generateContent from a list of scripted replies (the last one repeats)."
    def __init__(self):
        self.replies, self.requests = [], []
        self.in_flight = self.max_in_flight = 0
        lock = threading.Lock()
        fake = self
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                with lock:
                    fake.requests.append({'path': self.path, 'headers': dict(self.headers), 'body': json.loads(body or b'{}')})
                    i = min(len(fake.requests), len(fake.replies)) - 1
                    fake.in_flight += 1; fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                status, payload, delay = fake.replies[i] if fake.replies else (200, fake.answer('ok'), 0)
                if delay: time.sleep(delay)
                with lock: fake.in_flight -= 1
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(data)))
                    self.end_headers(); self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError): pass
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def answer(text: str) -> dict:
        return {'candidates': [{'content': {'role': 'model', 'parts': [{'text': text}]}, 'finishReason': 'STOP', 'index': 0}],
                'usageMetadata': {'promptTokenCount': 50, 'candidatesTokenCount': 12, 'totalTokenCount': 62}}

@pytest.fixture(autouse=True)
def cli_logging_given_back():
    "`run_cli` sets up the package's logging for a terminal (its own handler, no propagation to the root logger, where caplog listens): tests that run it in their process give it back."
    import logging
    loggers = [logging.getLogger(n) for n in ('cloud_anomaly', 'tensorflow')]
    saved = [(g.handlers[:], g.propagate, g.level) for g in loggers]
    yield
    for g, (handlers, propagate, level) in zip(loggers, saved): g.handlers[:], g.propagate = handlers, propagate; g.setLevel(level)

@pytest.fixture
def fake_gemini():
    f = FakeGemini()
    yield f
    f.server.shutdown(); f.server.server_close()

@pytest.fixture
def fast_config(tmp_path):
    "A TOML config that trains for 3 epochs."
    p = tmp_path / 'fast.toml'
    p.write_text('[model]\nepochs = 3\n')
    return p

@pytest.fixture(scope='session')
def site():
    "The docs site of the current sources: the one `python tools/docs.py` built, or built here (one worker builds, the other waits)."
    stamp = ROOT / '_docs' / '.source-stamp'
    (ROOT / 'artifacts').mkdir(exist_ok=True)
    with open(ROOT / 'artifacts' / 'docs-build.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)                   # two xdist workers: the second finds the site built by the first
        if not (stamp.is_file() and stamp.read_text() == source_stamp()):
            r = subprocess.run([sys.executable, 'tools/docs.py'], cwd=ROOT, capture_output=True, text=True, timeout=1200)
            assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return ROOT / '_docs'

@pytest.fixture(scope='module')
def base_url(site):
    handler = functools.partial(type('Quiet', (SimpleHTTPRequestHandler,), {'log_message': lambda *a: None}), directory=str(site))
    srv = type('QuietServer', (ThreadingHTTPServer,), {'handle_error': lambda *a: None})(('127.0.0.1', 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.shutdown(); srv.server_close()

@pytest.fixture(scope='module')
def browser():
    "Headless Chromium through ChromeDriver (Debian's packages), with its console log; a profile of its own per module."
    chromium = shutil.which('chromium') or shutil.which('chromium-browser')
    driver_path = shutil.which('chromedriver')
    if not (chromium and driver_path):
        if os.environ.get('CI'): pytest.fail('chromium and chromedriver are missing: .ci/run installs them')
        pytest.skip('chromium/chromedriver not installed (apt-get install chromium chromium-driver)')
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    profile = tempfile.mkdtemp(prefix='chromium-profile-')
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-sync',
              '--disable-background-networking', '--disable-component-update', '--window-size=1280,1600', f"--user-data-dir={profile}"):
        opts.add_argument(a)
    opts.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    d = webdriver.Chrome(service=Service(driver_path), options=opts)
    yield d
    d.quit(); shutil.rmtree(profile, ignore_errors=True)
