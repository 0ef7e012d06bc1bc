"""Database faults: a clear 503 with the reason, and no acknowledged correction lost."""

import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from nlp.settings import Settings
from service.app import create_app
from service.storage import Storage, StorageError

CORRECTION = {"text": "Rác thải bốc mùi ở đầu ngõ", "correct_label": "sanitation"}


def _count(url: str) -> int:
    storage = Storage(url)
    try:
        return storage.count_feedback()
    finally:
        storage.close()


def test_faults_locked_database_is_503_and_loses_nothing(settings: Settings) -> None:
    quick = settings.model_copy(update={"database_busy_timeout": 0.3})
    with TestClient(create_app(quick)) as client:
        acknowledged = [client.post("/v1/feedback", json=CORRECTION).json()["id"]]
        path = sa.engine.make_url(settings.database_url).database
        assert path is not None
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            locked = client.post("/v1/feedback", json=CORRECTION)
            assert locked.status_code == 503
            assert "database is locked" in locked.json()["detail"]
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        acknowledged.append(client.post("/v1/feedback", json=CORRECTION).json()["id"])
    assert _count(settings.database_url) == len(acknowledged) == 2


def test_faults_full_disk_refuses_the_write_and_keeps_earlier_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'full.db'}"
    storage = Storage(url)
    storage.migrate()
    first = storage.add_feedback("đường ngập", "flooding")
    with storage.engine.connect() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
    storage.close()
    full = Storage(url)
    # The file may not grow by another page: SQLite answers as on a full disk.
    sa.event.listen(
        full.engine, "connect", lambda c, _: c.execute(f"PRAGMA max_page_count={pages}")
    )
    with pytest.raises(StorageError, match="not stored: database or disk is full"):
        for _ in range(200):
            full.add_feedback("x" * 4000, "other")
    full.close()
    survivors = Storage(url)
    rows = list(survivors.iter_feedback())
    survivors.close()
    assert rows[0].id == first
    assert all(row.text and row.correct_label for row in rows)
