"""Alerts delivered for real: `cloud-anomaly --notify` to a Slack-compatible webhook (a local HTTP receiver) and by
email (a local aiosmtpd server), both on 127.0.0.1; a failed delivery is reported, exits 3 and keeps the results."""
import json, os, subprocess, sys, threading
from email import message_from_bytes
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import pandas as pd
import pytest

class Receiver:
    "An incoming-webhook stand-in that records JSON posts."
    def __init__(self, status=200):
        self.posts, rec = [], self
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a): pass
            def do_POST(self):
                rec.posts.append({'path': self.path, 'body': json.loads(self.rfile.read(int(self.headers['Content-Length'])))})
                self.send_response(status); self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'ok')
        self.srv = ThreadingHTTPServer(('127.0.0.1', 0), H)
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.srv.server_address[1]}/services/T000/B000/XXXX"

@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller
    class Handler:
        def __init__(self): self.messages = []
        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope); return '250 OK'
    import socket
    with socket.socket() as sock: sock.bind(('127.0.0.1', 0)); port = sock.getsockname()[1]
    h = Handler()
    c = Controller(h, hostname='127.0.0.1', port=port)
    c.start()
    yield c, h
    c.stop()

SECRETS = ('SLACK_WEBHOOK_URL', 'GEMINI_API_KEY')                  # never inherited from the environment of the test run

def cli(tmp_path, env, *args):
    e = {k: v for k, v in os.environ.items() if k not in SECRETS} | env
    return subprocess.run([sys.executable, '-m', 'cloud_anomaly', '--use-mock-data', '--customer-id', '900', *args],
                          capture_output=True, text=True, cwd=tmp_path, env=e, timeout=600)

def write_config(tmp_path, smtp_port=None, min_impact=100):
    alerts = f"[alerts]\nmin_impact = {min_impact}\nmin_pct = 0\n" + (f"smtp_host = '127.0.0.1'\nsmtp_port = {smtp_port}\nemail_to = ['finops@example.com']\n" if smtp_port else '')
    (tmp_path / 'c.toml').write_text("[model]\nepochs = 3\n" + alerts)
    return 'c.toml'

def cli_here(tmp_path, monkeypatch, capsys, env, *args):
    """The same command line, run in this process: the import of TensorFlow (about 10 s) is shared with the other tests of
    this worker. The command in a process of its own is tested by the slow tests below and in test_cli."""
    from types import SimpleNamespace
    from cloud_anomaly.cli import run_cli
    for k in SECRETS: monkeypatch.delenv(k, raising=False)
    for k, v in env.items(): monkeypatch.setenv(k, v)
    monkeypatch.chdir(tmp_path)
    code = run_cli(['--use-mock-data', '--customer-id', '900', *map(str, args)])   # its logging set-up is undone by conftest
    out = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

def test_notify_by_webhook_and_email(tmp_path, smtp, monkeypatch, capsys):
    controller, handler = smtp
    hook = Receiver()
    r = cli_here(tmp_path, monkeypatch, capsys, {'SLACK_WEBHOOK_URL': hook.url}, '--config', write_config(tmp_path, controller.port, min_impact=0),
                 '--notify', '--save-plot', 'plot.png', '--output', 'res.csv')
    assert r.returncode == 0, r.stderr
    res = pd.read_csv(tmp_path / 'res.csv')
    n = int(res.is_strong.sum()); assert n >= 1
    assert f"alert by slack: sent {n} anomalies" in r.stdout and f"alert by email: sent {n} anomalies" in r.stdout
    body = hook.posts[0]['body']
    assert body['text'].startswith(f"cloud-anomaly: {n} cost anomal") and 'customer 900' in body['text']
    msg = message_from_bytes(handler.messages[0].content, policy=email_policy)
    assert handler.messages[0].rcpt_tos == ['finops@example.com'] and 'at stake' in msg['Subject']
    assert [p.get_filename() for p in msg.iter_attachments()] == ['plot.png']

@pytest.mark.slow                   # a whole mock run in a subprocess; the thresholds themselves are tested in the alerts notebook
def test_thresholds_keep_small_anomalies_quiet(tmp_path):
    hook = Receiver()
    r = cli(tmp_path, {'SLACK_WEBHOOK_URL': hook.url}, '--config', write_config(tmp_path, min_impact=10**9), '--notify')
    assert r.returncode == 0, r.stderr
    assert 'alert by slack: not sent (nothing above the thresholds)' in r.stdout and hook.posts == []

@pytest.mark.slow                   # a whole run in a subprocess (16 s); the quick suite keeps test_notify_by_webhook_and_email
def test_failed_delivery_is_reported_and_keeps_results(tmp_path):
    hook = Receiver(status=500)
    r = cli(tmp_path, {'SLACK_WEBHOOK_URL': hook.url}, '--config', write_config(tmp_path, min_impact=0), '--notify', '--output', 'res.csv')
    assert r.returncode == 3, (r.returncode, r.stderr)
    assert 'webhook answered HTTP 500' in r.stdout and 'alert delivery failed; the results were written' in r.stderr
    assert len(pd.read_csv(tmp_path / 'res.csv')) == 724
    assert hook.url not in r.stdout + r.stderr                      # the webhook URL is a secret

def test_notify_without_a_channel_is_a_clear_error(tmp_path):
    r = cli(tmp_path, {}, '--notify')
    assert r.returncode == 2 and '--notify needs a channel' in r.stderr

@pytest.mark.slow                   # three monitor mornings after a training: run by .ci/run after the quick suite
def test_monitor_routes_alerts_and_sends_digests(tmp_path, smtp):
    """Routing and cadence through `monitor` mornings: customer 901 routed to the payments team's webhook (immediate),
    900 to finance by email as a weekly digest (routes_file), nothing left for the default webhook."""
    controller, handler = smtp
    default, payments = Receiver(), Receiver()
    (tmp_path / 'routes.csv').write_text('match,to\ncustomer=900,finance\n')
    (tmp_path / 'c.toml').write_text(f"""[model]\nepochs = 3\n[alerts]\nmin_impact = 0\nmin_pct = 0\nsmtp_host = '127.0.0.1'
smtp_port = {controller.port}\nemail_to = ['finops@example.com']\nroutes_file = 'routes.csv'
[alerts.destinations.payments]\nslack_webhook_env = 'PAYMENTS_HOOK'\n[alerts.destinations.finance]\nemail_to = ['finance@example.com']\ncadence = 'weekly'
[[alerts.routes]]\nmatch = 'customer=901'\nto = 'payments'\n""")
    env = {k: v for k, v in os.environ.items() if k != 'SLACK_WEBHOOK_URL'} | {'SLACK_WEBHOOK_URL': default.url, 'PAYMENTS_HOOK': payments.url}
    run = lambda *a: subprocess.run([sys.executable, '-m', 'cloud_anomaly', *a], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    r = run('train', '--use-mock-data', '--store', 'st', '--as-of', '2025-10-31', '--config', 'c.toml')
    assert r.returncode == 0, r.stderr
    morning = lambda day: run('monitor', '--use-mock-data', '--store', 'st', '--as-of', day, '--config', 'c.toml', '--notify')
    r = morning('2025-11-14')                                  # 900's spike of Nov 13: finance's first weekly digest is due
    assert r.returncode == 0, r.stdout + r.stderr
    assert 'weekly digest to finance by email: sent 1 anomaly' in r.stdout, r.stdout
    assert [m.rcpt_tos for m in handler.messages] == [['finance@example.com']] and payments.posts == [] and default.posts == []
    digest = message_from_bytes(handler.messages[0].content, policy=email_policy)
    assert digest['Subject'].strip().startswith('cloud-anomaly weekly digest (2025-11-14): 1 cost anomaly')
    assert '#1 customer 900, 2025-11-13' in digest.get_body(('plain',)).get_content()
    r = morning('2025-11-20')                                  # six days later: not due again
    assert r.returncode == 0 and 'digest' not in r.stdout and len(handler.messages) == 1, r.stdout
    r = morning('2025-12-03')                                  # 901's jump of Dec 2: the payments team, at once
    assert r.returncode == 0 and 'alert to payments by slack: sent 1 anomaly' in r.stdout, r.stdout
    text = payments.posts[0]['body']['text']
    assert text.startswith('cloud-anomaly monitor for payments: 1 cost anomaly') and '#2 customer 901, 2025-12-02' in text, text
    assert 'cloud-anomaly feedback ID --verdict' in text
    assert default.posts == [] and len(handler.messages) == 1   # finance: its open anomaly ended before this week
    r = run('feedback', '--customer-id', '901', '--date', '2025-12-02', '--verdict', 'real', '--store', 'st')   # as the alert names it
    assert r.returncode == 0 and r.stdout.startswith('anomaly 2 (customer 901, 2025-12-02') and r.stdout.strip().endswith('real'), r.stdout + r.stderr
    r = run('feedback', '--customer-id', '901', '--date', '2025-11-01', '--verdict', 'real', '--store', 'st')
    assert r.returncode == 2 and 'customer 901 has no anomaly on 2025-11-01; its latest: #2 2025-12-02' in r.stderr, r.stderr
