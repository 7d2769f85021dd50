"""Shared fixtures: a local stand-in for Gemini's generateContent REST API on 127.0.0.1, and a fast config file."""
import json, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import pytest

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
