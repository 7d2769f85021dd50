"""The Gemini path through the real google-genai client, against a local server on 127.0.0.1."""
import logging
import pandas as pd
import pytest
from cloud_anomaly.config import LLMConfig
from cloud_anomaly.explainer import Explainer, offline_explanation

KEY = 'AIza-local-test-key-0123456789'
ANOMALIES = pd.DataFrame({'customer_id': '123456789012', 'date': pd.to_datetime(['2024-05-03', '2024-07-14']),
                          'cost': [412.0, 3890.5], 'expected_cost': [1085.2, 1210.0], 'pct_change': [-0.58, 1.9],
                          'lstm_flag': True, 'decrease_flag': [True, False]})

def explainer(url, **kw):
    return Explainer(LLMConfig(api_key=KEY, base_url=url, **kw), use_llm_api=True)

def test_success_uses_gemini_text_and_sends_no_customer_id(fake_gemini):
    fake_gemini.replies = [(200, fake_gemini.answer('Spend fell 62% as the nightly batch job stopped.'), 0)]
    out = explainer(fake_gemini.url).explain(ANOMALIES)
    assert out.explanation_source.tolist() == ['gemini', 'gemini']
    assert out.explanation.iloc[0] == 'Spend fell 62% as the nightly batch job stopped.'
    req = fake_gemini.requests[0]
    assert req['path'].endswith('/models/gemini-2.5-flash:generateContent')
    assert req['headers'].get('x-goog-api-key') == KEY
    prompt = req['body']['contents'][0]['parts'][0]['text']
    assert '$1,085' in prompt and '123456789012' not in prompt

@pytest.mark.parametrize('reply', [
    (500, {'error': {'code': 500, 'message': 'internal', 'status': 'INTERNAL'}}, 0),
    (429, {'error': {'code': 429, 'message': 'quota', 'status': 'RESOURCE_EXHAUSTED'}}, 0),
    (200, b'{not json', 0),
    (200, {'candidates': []}, 0),
    (200, {'candidates': [{'content': {'role': 'model', 'parts': [{'text': '   '}]}}]}, 0),
])
def test_failures_fall_back_to_offline_without_leaking_the_key(fake_gemini, reply, caplog):
    fake_gemini.replies = [reply]
    with caplog.at_level(logging.WARNING, logger='cloud_anomaly'):
        out = explainer(fake_gemini.url).explain(ANOMALIES)
    assert out.explanation_source.tolist() == ['offline', 'offline']
    assert out.explanation.tolist() == [offline_explanation(r) for _, r in ANOMALIES.iterrows()]
    assert 'Gemini explanation failed' in caplog.text and KEY not in caplog.text

def test_slow_server_times_out_and_falls_back(fake_gemini):
    fake_gemini.replies = [(200, fake_gemini.answer('too late'), 3)]
    out = explainer(fake_gemini.url, timeout=0.5).explain(ANOMALIES.iloc[:1])
    assert out.explanation_source.tolist() == ['offline']

def test_overlong_answer_is_cut_to_the_limit(fake_gemini):
    long = 'Daily spend dropped by more than half because the analytics cluster failed to start after the weekend patch'
    fake_gemini.replies = [(200, fake_gemini.answer(long), 0)]
    out = explainer(fake_gemini.url).explain(ANOMALIES.iloc[:1])
    assert out.explanation_source.iloc[0] == 'gemini'
    assert len(out.explanation.iloc[0]) <= 70 and out.explanation.iloc[0].startswith('Daily spend dropped')

def test_key_is_not_in_repr():
    assert KEY not in repr(LLMConfig(api_key=KEY))
