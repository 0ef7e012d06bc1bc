"""Defects found in review, each pinned by a test that failed before its fix."""

import json
import os
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from nlp.settings import Settings
from service.app import create_app
from service.storage import Storage, StorageError
from training.cli import main


def test_fix_lone_surrogates_are_stored_not_a_500(client: TestClient, settings: Settings) -> None:
    body = (
        '{"text": "r\\u00e1c \\ud800 b\\u1ed1c m\\u00f9i", '
        '"correct_label": "sanitation", "note": "ghi chú"}'
    )
    response = client.post(
        "/v1/feedback", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 201
    storage = Storage(settings.database_url)
    [row] = list(storage.iter_feedback())
    storage.close()
    assert row.text == "rác \ufffd bốc mùi"
    assert row.note == "ghi chú"
    created = client.post(
        "/open311/v2/requests.json",
        content='{"description": "ng\\u1eadp \\ud800 s\\u00e2u"}',
        headers={"content-type": "application/json"},
    )
    assert created.status_code == 201


def test_fix_database_password_never_reaches_a_client(settings: Settings) -> None:
    leaky = settings.model_copy(
        update={"database_url": "postgres://triage:hunter2pw@db.internal/triage"}
    )
    with TestClient(create_app(leaky)) as client:
        response = client.post("/v1/feedback", json={"text": "rác", "correct_label": "other"})
        assert response.status_code == 503
        assert "hunter2pw" not in response.text and "***" in response.text
    with pytest.raises(StorageError) as error:
        Storage("postgresql+psycopg://u:hunter2pw@127.0.0.1:1/x").migrate()
    assert "hunter2pw" not in str(error.value)


@pytest.mark.parametrize("path", ["²", "99999999999999999999", "0", "-1"])
def test_fix_odd_open311_ids_are_404_not_500(client: TestClient, path: str) -> None:
    response = client.get(f"/open311/v2/requests/{path}.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404


def test_fix_odd_open311_id_filters_are_400(client: TestClient) -> None:
    for ids in ("99999999999999999999", "1,²"):
        response = client.get("/open311/v2/requests.json", params={"service_request_id": ids})
        assert response.status_code == 400


def test_fix_open311_date_filters_respect_the_offset(client: TestClient) -> None:
    client.post("/open311/v2/requests.json", data={"service_code": "other", "description": "x y"})
    hanoi = timezone(timedelta(hours=7))
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).astimezone(hanoi).isoformat()
    in_an_hour = (datetime.now(UTC) + timedelta(hours=1)).astimezone(hanoi).isoformat()
    assert (
        len(client.get("/open311/v2/requests.json", params={"start_date": an_hour_ago}).json()) == 1
    )
    assert client.get("/open311/v2/requests.json", params={"start_date": in_an_hour}).json() == []


def test_fix_unexpected_errors_are_json_500s_with_a_request_id(settings: Settings) -> None:
    app = create_app(settings)

    @app.get("/explode")
    def explode() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode", headers={"x-request-id": "trace-me"})
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "trace-me"
    assert response.json() == {
        "detail": "internal error; the failure was logged",
        "request_id": "trace-me",
    }
    assert "Traceback" not in response.text and "a bug" not in response.text


def test_fix_batch_classifications_go_to_the_prediction_log(settings: Settings) -> None:
    with TestClient(create_app(settings.model_copy(update={"prediction_log": True}))) as client:
        items = [{"id": "a", "text": "rác"}, {"id": "b", "text": "ngập"}]
        results = client.post("/v1/classify/batch", json={"items": items}).json()["results"]
    ids = [r["prediction_id"] for r in results]
    assert all(ids) and len(set(ids)) == 2
    engine = sa.create_engine(settings.database_url)
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM predictions")).scalar_one() == 2
    engine.dispose()


def test_fix_unknown_schema_revision_is_a_storage_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    storage = Storage(url)
    storage.migrate()
    with storage.engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError, match="cannot migrate"):
        storage.migrate()
    storage.close()


def test_fix_cli_uses_triage_model_path(
    model_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("TRIAGE_MODELS_DIR", str(tmp_path / "empty"))
    monkeypatch.setenv("TRIAGE_MODEL_PATH", str(model_dir))
    source = tmp_path / "in.csv"
    source.write_text("text\nđường ngập sâu\n", "utf-8")
    out = tmp_path / "out.csv"
    assert main(["predict", "--input", str(source), "--output", str(out)]) == 0
    assert "flooding" in out.read_text("utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask


def test_fix_data_check_reports_every_malformed_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text('text,label\n"ab"c,other\nngập,flooding\nrác,nope\n', "utf-8")
    assert main(["data", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2: malformed CSV" in err
    assert f"{bad}:4: unknown label 'nope'" in err


def test_fix_repromoting_the_current_model_keeps_rollback_working(
    model_dir: Path, tmp_path: Path
) -> None:
    import shutil

    from nlp.registry import promote, promoted_version
    from training.promotion import rollback

    for version in ("a", "b"):
        shutil.copytree(model_dir, tmp_path / version)
    promote(tmp_path, "a", reason="first")
    promote(tmp_path, "b", reason="second")
    promote(tmp_path, "b", reason="again")
    assert rollback(tmp_path) == ("b", "a")
    assert promoted_version(tmp_path) == "a"
    assert json.loads((tmp_path / "registry.json").read_text("utf-8"))["promoted"] == "a"
