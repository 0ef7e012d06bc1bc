"""Storage of corrections, against SQLite and PostgreSQL alike."""

from pathlib import Path

import pytest

from service.storage import Storage, StorageError


def test_storage_migrates_to_the_newest_schema_idempotently(database_url: str) -> None:
    storage = Storage(database_url)
    assert storage.schema_version() == "none"
    assert storage.migrate() == Storage.newest_revision() == "0002"
    assert storage.migrate() == "0002"
    storage.close()


def test_storage_keeps_every_correction_in_order(database_url: str) -> None:
    storage = Storage(database_url)
    storage.migrate()
    first = storage.add_feedback("Đường Láng ngập sâu", "flooding", "traffic", "PA-1", "x", "v1")
    second = storage.add_feedback("rác bốc mùi", "sanitation")
    assert second > first > 0
    rows = list(storage.iter_feedback())
    assert [(r.id, r.text, r.correct_label) for r in rows] == [
        (first, "Đường Láng ngập sâu", "flooding"),
        (second, "rác bốc mùi", "sanitation"),
    ]
    assert rows[0].predicted_label == "traffic" and rows[0].complaint_id == "PA-1"
    assert storage.count_feedback() == 2
    storage.close()
    reopened = Storage(database_url)
    assert reopened.count_feedback() == 2, "acknowledged rows survive a new connection"
    reopened.close()


def test_storage_logs_predictions_with_unique_ids(database_url: str) -> None:
    storage = Storage(database_url)
    storage.migrate()
    ids = {storage.log_prediction("ngập", "flooding", 0.9, "v1") for _ in range(3)}
    assert len(ids) == 3
    storage.close()


def test_storage_read_only_database_refuses_writes_clearly(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    storage = Storage(f"sqlite:///{path}")
    storage.migrate()
    storage.add_feedback("ngập", "flooding")
    storage.close()
    # Opened read-only (as a read-only mount or file would be): writes must fail loudly.
    read_only = Storage(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(StorageError, match="not stored: attempt to write a readonly database"):
        read_only.add_feedback("rác", "sanitation")
    assert read_only.count_feedback() == 1
    read_only.close()


def test_storage_unreachable_database_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match=r"cannot open|cannot migrate"):
        Storage("sqlite:////proc/triage-cannot-live-here/db.sqlite").migrate()
    with pytest.raises(StorageError, match="cannot migrate"):
        Storage("postgresql+psycopg://nobody:x@127.0.0.1:1/none").migrate()


def test_storage_malformed_url_is_a_storage_error() -> None:
    with pytest.raises(StorageError, match="cannot open"):
        Storage("no-such-driver://x")
