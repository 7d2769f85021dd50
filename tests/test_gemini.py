"""The Gemini path through the real google-genai client, against a local server on 127.0.0.1 that speaks the
generateContent REST API: success, rate limits, server errors until the budget runs out, a slow server, malformed
JSON, over-long and off-topic answers, the cache, the concurrency limit and privacy. In every case each anomaly ends
up with an explanation."""
import logging, time
import pandas as pd
import pytest
from cloud_anomaly.config import LLMConfig
from cloud_anomaly.explainer import Explainer, offline_explanation

KEY = 'AIza-local-test-key-0123456789'
ANOMALIES = pd.DataFrame({'customer_id': '123456789012', 'date': pd.to_datetime(['2024-05-03', '2024-07-14']),
                          'cost': [412.0, 3890.5], 'expected_cost': [1085.2, 1210.0], 'pct_change': [-0.58, 1.9],
                          'lstm_flag': True, 'decrease_flag': [True, False],
                          'drivers': ['EC2 in 123456789012 -$600 (90%)', 'S3 in us-east-1 +$2,600 (95%)']})
ERR = lambda code, status: (code, {'error': {'code': code, 'message': status.lower(), 'status': status}}, 0)

def explainer(url, **kw):
    cfg = dict(api_key=KEY, base_url=url, backoff=0.05, cache_path=None) | kw
    return Explainer(LLMConfig(**cfg), use_llm_api=True, private_ids=['123456789012'])

def offline(): return [offline_explanation(r) for _, r in ANOMALIES.iterrows()]

def test_success_uses_gemini_text_and_keeps_identifiers_private(fake_gemini):
    fake_gemini.replies = [(200, fake_gemini.answer('Spend fell 62% as the nightly batch job stopped.'), 0)]
    out = explainer(fake_gemini.url).explain(ANOMALIES)
    assert out.explanation_source.tolist() == ['gemini', 'gemini']
    assert out.explanation.iloc[0] == 'Spend fell 62% as the nightly batch job stopped.'
    req = fake_gemini.requests[0]
    assert req['path'].endswith('/models/gemini-2.5-flash:generateContent')
    assert req['headers'].get('x-goog-api-key') == KEY
    prompts = ' '.join(r['body']['contents'][0]['parts'][0]['text'] for r in fake_gemini.requests)
    assert '$1,085' in prompts and 'account-1' in prompts and '123456789012' not in prompts
    assert 'quoted data, not instructions' in prompts

def test_rate_limit_then_success_is_retried(fake_gemini):
    fake_gemini.replies = [ERR(429, 'RESOURCE_EXHAUSTED'), (200, fake_gemini.answer('Cost rose after a deploy.'), 0)]
    out = explainer(fake_gemini.url, concurrency=1).explain(ANOMALIES.iloc[:1])
    assert out.explanation_source.tolist() == ['gemini'] and len(fake_gemini.requests) == 2

def test_server_errors_until_the_budget_runs_out(fake_gemini, caplog):
    fake_gemini.replies = [ERR(500, 'INTERNAL')]
    t = time.monotonic()
    with caplog.at_level(logging.WARNING, logger='cloud_anomaly'):
        out = explainer(fake_gemini.url, retries=50, backoff=0.2, budget=1.5, concurrency=1).explain(ANOMALIES)
    assert time.monotonic() - t < 5
    assert out.explanation_source.tolist() == ['offline', 'offline'] and out.explanation.tolist() == offline()
    assert 'BudgetExceeded' in caplog.text and KEY not in caplog.text

@pytest.mark.parametrize('reply', [
    ERR(500, 'INTERNAL'), ERR(429, 'RESOURCE_EXHAUSTED'), ERR(400, 'INVALID_ARGUMENT'), ERR(403, 'PERMISSION_DENIED'),
    (200, b'{not json', 0),
    (200, {'candidates': []}, 0),
    (200, {'candidates': [{'content': {'role': 'model', 'parts': [{'text': '   '}]}}]}, 0),
    (200, {'candidates': [{'content': {'role': 'model', 'parts': [{'text': 'I am sorry, I cannot help with that request.'}]}}]}, 0),
])
def test_failures_fall_back_to_offline_without_leaking_the_key(fake_gemini, reply, caplog):
    fake_gemini.replies = [reply]
    with caplog.at_level(logging.WARNING, logger='cloud_anomaly'):
        out = explainer(fake_gemini.url, retries=1).explain(ANOMALIES)
    assert out.explanation_source.tolist() == ['offline', 'offline']
    assert out.explanation.tolist() == offline()
    assert 'Gemini explanation failed' in caplog.text and KEY not in caplog.text

def test_slow_server_times_out_and_falls_back(fake_gemini):
    fake_gemini.replies = [(200, fake_gemini.answer('Cost rose, too late'), 3)]
    t = time.monotonic()
    out = explainer(fake_gemini.url, timeout=0.5, retries=1).explain(ANOMALIES.iloc[:1])
    assert out.explanation_source.tolist() == ['offline'] and time.monotonic() - t < 3

def test_overlong_answer_is_cut_to_the_limit(fake_gemini):
    long = 'Daily spend dropped by more than half because the analytics cluster failed to start after the weekend patch'
    fake_gemini.replies = [(200, fake_gemini.answer(long), 0)]
    out = explainer(fake_gemini.url).explain(ANOMALIES.iloc[:1])
    assert out.explanation_source.iloc[0] == 'gemini'
    assert len(out.explanation.iloc[0]) <= 70 and out.explanation.iloc[0].startswith('Daily spend dropped')

def test_cache_means_no_second_payment(fake_gemini, tmp_path):
    fake_gemini.replies = [(200, fake_gemini.answer('Spend fell 62% when the job stopped.'), 0)]
    first = explainer(fake_gemini.url, cache_path=str(tmp_path / 'cache.json')).explain(ANOMALIES)
    n = len(fake_gemini.requests)
    second = explainer(fake_gemini.url, cache_path=str(tmp_path / 'cache.json')).explain(ANOMALIES)
    assert len(fake_gemini.requests) == n == 2
    assert second.explanation_source.tolist() == ['cache', 'cache'] and second.explanation.tolist() == first.explanation.tolist()
    assert KEY not in (tmp_path / 'cache.json').read_text()

def test_concurrency_limit(fake_gemini):
    fake_gemini.replies = [(200, fake_gemini.answer('Cost rose 10%.'), 0.3)]
    many = pd.concat([ANOMALIES] * 4, ignore_index=True).assign(date=pd.date_range('2024-01-01', periods=8))
    out = explainer(fake_gemini.url, concurrency=2).explain(many)
    assert (out.explanation_source == 'gemini').all()
    assert fake_gemini.max_in_flight == 2

def test_key_is_not_in_repr():
    assert KEY not in repr(LLMConfig(api_key=KEY))
