"""Request limits, request ids, CORS, and what never reaches the logs."""

import logging

import pytest
from fastapi.testclient import TestClient

from nlp.settings import Settings
from service.app import create_app


def test_security_oversized_body_is_413_before_parsing(settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 1000})
    with TestClient(create_app(small)) as client:
        response = client.post("/v1/classify", json={"text": "ngập " * 400})
        assert response.status_code == 413
        assert "over the limit of 1,000 bytes" in response.json()["detail"]
        # Without a declared length the bytes are counted as they arrive.
        chunks = (b'{"text": "' + b"x" * 600, b"x" * 600 + b'"}')
        streamed = client.post(
            "/v1/classify", content=iter(chunks), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413
        assert client.post("/v1/classify", json={"text": "ngập"}).status_code == 200


def test_security_every_response_carries_a_request_id(client: TestClient) -> None:
    generated = client.get("/healthz").headers["x-request-id"]
    assert len(generated) == 32
    assert client.get("/healthz").headers["x-request-id"] != generated
    echoed = client.get("/healthz", headers={"x-request-id": "desk-42"})
    assert echoed.headers["x-request-id"] == "desk-42"
    unsafe = client.get("/healthz", headers={"x-request-id": "a b\tc<script>"})
    assert unsafe.headers["x-request-id"] != "a b\tc<script>"
    assert client.post("/v1/classify", json={"text": ""}).headers["x-request-id"]


def test_security_cors_is_off_by_default(client: TestClient) -> None:
    response = client.options(
        "/v1/classify",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in response.headers
    plain = client.post("/v1/classify", json={"text": "ngập"}, headers={"origin": "https://x.y"})
    assert "access-control-allow-origin" not in plain.headers


def test_security_complaint_text_and_token_stay_out_of_info_logs(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    marker = "ZQXJ-bí-mật-phản-ánh"
    with caplog.at_level(logging.INFO):
        client.post("/v1/classify", json={"text": f"{marker} đường ngập"})
        client.post("/v1/feedback", json={"text": f"{marker} rác", "correct_label": "sanitation"})
        client.post("/v1/admin/reload", headers={"Authorization": "Bearer s3cret-token"})
        client.post("/v1/admin/reload", headers={"Authorization": "Bearer wrong-token-123"})
    assert marker not in caplog.text
    assert "s3cret-token" not in caplog.text and "wrong-token-123" not in caplog.text
