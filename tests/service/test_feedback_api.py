"""POST /v1/feedback, the prediction log, and POST /v1/admin/reload."""

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nlp.registry import promote
from nlp.settings import Settings
from service.app import create_app
from service.storage import FeedbackRow, Storage

CORRECTION = {
    "text": "Ô tô đỗ chắn cổng trường, tắc cả ngõ",
    "correct_label": "urban_order",
    "predicted_label": "traffic",
    "complaint_id": "PA-1",
    "note": "xe vi phạm cụ thể",
}
ADMIN = {"Authorization": "Bearer s3cret-token"}


def _stored(url: str) -> list[FeedbackRow]:
    storage = Storage(url)
    try:
        return list(storage.iter_feedback())
    finally:
        storage.close()


def test_feedback_is_stored_before_201(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/feedback", json=CORRECTION)
    assert response.status_code == 201
    body = response.json()
    assert body["id"] > 0 and body["model_version"]
    rows = _stored(settings.database_url)
    assert [(r.id, r.text, r.correct_label, r.note) for r in rows] == [
        (body["id"], CORRECTION["text"], "urban_order", "xe vi phạm cụ thể")
    ]


def test_feedback_is_stored_in_postgresql_too(settings: Settings, database_url: str) -> None:
    with TestClient(create_app(settings.model_copy(update={"database_url": database_url}))) as c:
        assert c.post("/v1/feedback", json=CORRECTION).status_code == 201
    assert len(_stored(database_url)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"correct_label": "parking"}, "unknown label 'parking'"),
        ({"predicted_label": "jam"}, "unknown label 'jam'"),
        ({"text": "  "}, "must not be empty"),
        ({"text": "x" * 5001}, "the maximum is 5000"),
        ({"correct_label": None}, "valid string"),
    ],
)
def test_feedback_bad_input_is_422_and_stores_nothing(
    client: TestClient, settings: Settings, change: dict[str, object], message: str
) -> None:
    response = client.post("/v1/feedback", json={**CORRECTION, **change})
    assert response.status_code == 422
    assert message in response.text
    assert _stored(settings.database_url) == []


def test_feedback_without_storage_is_503_with_the_reason(settings: Settings) -> None:
    broken = settings.model_copy(update={"database_url": "sqlite:////proc/nowhere/x.db"})
    with TestClient(create_app(broken)) as client:
        response = client.post("/v1/feedback", json=CORRECTION)
        assert response.status_code == 503
        assert "storage is unavailable" in response.json()["detail"]
        assert client.post("/v1/classify", json={"text": "ngập"}).status_code == 200


def test_prediction_log_gives_ids_feedback_can_refer_to(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"prediction_log": True}))) as client:
        answer = client.post("/v1/classify", json={"text": "rác bốc mùi"}).json()
        assert answer["prediction_id"]
        correction = {**CORRECTION, "complaint_id": answer["prediction_id"]}
        assert client.post("/v1/feedback", json=correction).status_code == 201


def test_prediction_log_is_off_by_default(client: TestClient) -> None:
    assert client.post("/v1/classify", json={"text": "rác"}).json()["prediction_id"] is None


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": "Basic x"}, 401)],
)
def test_admin_reload_needs_the_token(
    client: TestClient, headers: dict[str, str], status: int
) -> None:
    assert client.post("/v1/admin/reload", headers=headers).status_code == status


def test_admin_reload_refuses_everyone_when_no_token_is_configured(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"admin_token": None}))) as client:
        assert client.post("/v1/admin/reload", headers=ADMIN).status_code == 403


def test_admin_reload_swaps_in_the_promoted_model(
    settings: Settings, model_dir: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    shutil.copytree(model_dir, models / "v1")
    promote(models, "v1", reason="test")
    unpinned = settings.model_copy(update={"models_dir": models, "model_path": None})
    with TestClient(create_app(unpinned)) as client:
        assert client.get("/v1/model").json()["version"] == model_dir.name
        shutil.copytree(model_dir, models / "v2")
        meta = (models / "v2" / "meta.json").read_text("utf-8")
        (models / "v2" / "meta.json").write_text(
            meta.replace(f'"version": "{model_dir.name}"', '"version": "v2"'), "utf-8"
        )
        promote(models, "v2", reason="test")
        response = client.post("/v1/admin/reload", headers=ADMIN)
        assert response.status_code == 200
        assert response.json() == {"model_version": "v2", "previous_version": model_dir.name}
        assert client.get("/v1/model").json()["version"] == "v2"


def test_admin_reload_failure_keeps_the_old_model(
    settings: Settings, model_dir: Path, tmp_path: Path
) -> None:
    models = tmp_path / "models"
    shutil.copytree(model_dir, models / "good")
    promote(models, "good", reason="test")
    unpinned = settings.model_copy(update={"models_dir": models, "model_path": None})
    with TestClient(create_app(unpinned)) as client:
        shutil.copytree(model_dir, models / "broken")
        (models / "broken" / "pipeline.joblib").write_bytes(b"truncated")
        promote(models, "broken", reason="test")
        response = client.post("/v1/admin/reload", headers=ADMIN)
        assert response.status_code == 409
        assert "still serving" in response.json()["detail"]
        classify = client.post("/v1/classify", json={"text": "đường ngập sâu sau mưa"})
        assert classify.status_code == 200
        assert classify.json()["model_version"] == model_dir.name
