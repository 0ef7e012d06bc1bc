"""The HTTP API, through the app factory with its lifespan run."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nlp.labels import LABELS
from nlp.settings import Settings
from service.app import create_app

FLOOD = "Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt"


def test_api_classify_answers_with_every_field(client: TestClient) -> None:
    response = client.post("/v1/classify", json={"text": FLOOD})
    assert response.status_code == 200
    body = response.json()
    assert body["label"] == "flooding"
    assert body["label_name"] == "Úng ngập"
    assert set(body["scores"]) == set(LABELS)
    assert body["confidence"] == max(body["scores"].values())
    assert body["department"]["id"] == "so-xay-dung-thoat-nuoc"
    assert body["department"]["name"].startswith("Sở Xây dựng")
    assert isinstance(body["needs_review"], bool)
    assert body["explanation"] and body["explanation"][0]["weight"] > 0
    assert body["model_version"] == client.get("/v1/model").json()["version"]


@pytest.mark.parametrize(("threshold", "expected"), [(0.0, False), (1.0, True)])
def test_api_needs_review_follows_the_configured_threshold(
    settings: Settings, threshold: float, expected: bool
) -> None:
    tuned = settings.model_copy(update={"review_threshold": threshold})
    with TestClient(create_app(tuned)) as client:
        assert client.post("/v1/classify", json={"text": FLOOD}).json()["needs_review"] is expected


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": ""}, "must not be empty"),
        ({"text": " \n\t "}, "must not be empty"),
        ({"text": "a" * 5001}, "5001 characters; the maximum is 5000"),
        ({"text": 12}, "valid string"),
        ({"text": None}, "valid string"),
        ({}, "Field required"),
        ({"text": "ngập", "lang": "vi"}, "Extra inputs"),
    ],
)
def test_api_classify_bad_input_is_a_clear_422(
    client: TestClient, body: dict[str, object], message: str
) -> None:
    response = client.post("/v1/classify", json=body)
    assert response.status_code == 422
    assert message in json.dumps(response.json(), ensure_ascii=False)
    assert "a" * 100 not in response.text, "the input is not echoed back"


def test_api_malformed_json_is_refused_without_a_trace(client: TestClient) -> None:
    response = client.post(
        "/v1/classify", content=b"{text: ", headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    assert "Traceback" not in response.text


def test_api_max_text_length_is_configurable(settings: Settings) -> None:
    short = settings.model_copy(update={"max_text_length": 10})
    with TestClient(create_app(short)) as client:
        response = client.post("/v1/classify", json={"text": "ngập quá trời ơi"})
        assert response.status_code == 422


def test_api_batch_keeps_order_and_ids(client: TestClient) -> None:
    items = [
        {"id": "a", "text": FLOOD},
        {"id": "b", "text": "Thịt lợn thối bán ở chợ, không rõ nguồn gốc"},
        {"id": "c", "text": FLOOD},
    ]
    response = client.post("/v1/classify/batch", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["a", "b", "c"]
    single = client.post("/v1/classify", json={"text": FLOOD}).json()
    assert results[0]["label"] == results[2]["label"] == single["label"]
    assert results[0]["scores"] == single["scores"]


def test_api_batch_reports_every_bad_item(client: TestClient) -> None:
    items = [{"id": "a", "text": "ngập"}, {"id": "b", "text": ""}, {"id": "c", "text": " "}]
    response = client.post("/v1/classify/batch", json={"items": items})
    assert response.status_code == 422
    locations = [error["loc"] for error in response.json()["detail"]]
    assert locations == [["body", "items", 1, "text"], ["body", "items", 2, "text"]]


def test_api_batch_over_the_limit_is_refused(settings: Settings) -> None:
    small = settings.model_copy(update={"max_batch_items": 2})
    with TestClient(create_app(small)) as client:
        items = [{"id": str(i), "text": "ngập"} for i in range(3)]
        response = client.post("/v1/classify/batch", json={"items": items})
        assert response.status_code == 422
        assert "at most 2" in response.text


def test_api_labels_lists_the_six_labels_with_departments(client: TestClient) -> None:
    labels = client.get("/v1/labels").json()
    assert [label["id"] for label in labels] == list(LABELS)
    assert labels[3]["name"] == "Vệ sinh an toàn thực phẩm"
    assert labels[3]["department"]["name"] == "Sở Y tế Hà Nội"


def test_api_model_returns_meta(client: TestClient, model_dir: Path) -> None:
    meta = client.get("/v1/model").json()
    assert meta == json.loads((model_dir / "meta.json").read_text("utf-8"))


def test_api_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "model_version": None, "detail": None}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"


def test_api_not_ready_without_a_model(settings: Settings, tmp_path: Path) -> None:
    missing = settings.model_copy(update={"model_path": tmp_path / "none"})
    with TestClient(create_app(missing)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "outside the models folder" in ready.json()["detail"]
        classify = client.post("/v1/classify", json={"text": FLOOD})
        assert classify.status_code == 503
        assert "no model is loaded" in classify.json()["detail"]
        assert client.get("/healthz").status_code == 200


def test_api_missing_model_in_the_models_folder_is_503(settings: Settings) -> None:
    missing = settings.model_copy(update={"model_path": settings.models_dir / "gone"})
    with TestClient(create_app(missing)) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "no model folder" in ready.json()["detail"]


def test_api_corrupt_model_is_refused_with_the_reason(settings: Settings, tmp_path: Path) -> None:
    import shutil

    broken = settings.models_dir / "corrupt-copy"
    if not broken.exists():
        shutil.copytree(settings.model_path or tmp_path, broken)
        (broken / "pipeline.joblib").write_bytes(b"\x80\x04 truncated")
    with TestClient(create_app(settings.model_copy(update={"model_path": broken}))) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert "truncated, corrupt or was replaced" in ready.json()["detail"]
        assert client.post("/v1/classify", json={"text": "ngập"}).status_code == 503


def test_api_missing_routing_table_stops_startup(settings: Settings, tmp_path: Path) -> None:
    gone = settings.model_copy(update={"routing_path": tmp_path / "nope.json"})
    with pytest.raises(Exception, match="not found"), TestClient(create_app(gone)):
        pass


def test_api_invalid_routing_table_stops_startup(settings: Settings, tmp_path: Path) -> None:
    table = tmp_path / "routing.json"
    table.write_text(json.dumps({"traffic": {"id": "x", "name": "y", "contact": "z"}}), "utf-8")
    broken = settings.model_copy(update={"routing_path": table})
    with pytest.raises(Exception, match="has no department"), TestClient(create_app(broken)):
        pass


def test_api_docs_show_vietnamese_examples(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    text = json.dumps(schema, ensure_ascii=False)
    assert "Đường Láng ngập sâu sau mưa" in text
    assert "Úng ngập" in text
    assert client.get("/docs").status_code == 200
