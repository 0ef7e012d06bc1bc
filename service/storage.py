"""Durable storage of staff corrections (and, optionally, of every classification).

An SQLite file by default, PostgreSQL when the database URL names one; one schema with
Alembic migrations applied at start-up. A write returns only after its transaction has
committed (SQLite runs in WAL mode with synchronous=FULL), so an id handed to a client
means the row survives a crash. Every database failure becomes a `StorageError` that
says what went wrong, never a half-acknowledged write.
"""

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError as AlembicCommandError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from nlp.errors import TriageError

MIGRATIONS: Final = Path(__file__).resolve().parent / "migrations"

metadata = sa.MetaData()

feedback_table = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("correct_label", sa.String(32), nullable=False),
    sa.Column("predicted_label", sa.String(32), nullable=True),
    sa.Column("complaint_id", sa.String(200), nullable=True),
    sa.Column("note", sa.Text, nullable=True),
    sa.Column("model_version", sa.String(64), nullable=True),
)

predictions_table = sa.Table(
    "predictions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("label", sa.String(32), nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("model_version", sa.String(64), nullable=False),
)


open311_table = sa.Table(
    "open311_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("service_code", sa.String(32), nullable=False),
    sa.Column("routed_by", sa.String(16), nullable=False),
    sa.Column("confidence", sa.Float, nullable=True),
    sa.Column("needs_review", sa.Boolean, nullable=False),
    sa.Column("department_id", sa.String(64), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("address_string", sa.Text, nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("long", sa.Float, nullable=True),
    sa.Column("media_url", sa.Text, nullable=True),
    sa.Column("email", sa.String(320), nullable=True),
    sa.Column("first_name", sa.String(200), nullable=True),
    sa.Column("last_name", sa.String(200), nullable=True),
    sa.Column("phone", sa.String(64), nullable=True),
    sa.Column("model_version", sa.String(64), nullable=True),
)


class StorageError(TriageError):
    """The database could not be reached, migrated, read or written."""


@dataclass(frozen=True)
class FeedbackRow:
    """One stored correction."""

    id: int
    created_at: datetime
    text: str
    correct_label: str
    predicted_label: str | None
    complaint_id: str | None
    note: str | None
    model_version: str | None


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _describe(error: Exception) -> str:
    original = getattr(error, "orig", None)
    return _mask(str(original or error).strip().splitlines()[0])


def _mask(text: str) -> str:
    """Hide any password in a database URL quoted in a message."""
    return re.sub(r"(://[^:/@\s]+:)[^@\s]+@", r"\1***@", text)


_SURROGATES: Final = re.compile("[\ud800-\udfff]")


def _storable(text: str | None) -> str | None:
    """Text every database can store: lone surrogates become U+FFFD, NUL is dropped."""
    if text is None:
        return None
    return _SURROGATES.sub("\ufffd", text).replace("\x00", "")


#: Everything a database driver can raise for a bad value or a failed statement.
_DATABASE_ERRORS = (SQLAlchemyError, UnicodeError, ValueError, OverflowError, OSError)


class Storage:
    """The database behind feedback and the prediction log."""

    def __init__(self, url: str, busy_timeout: float = 10.0) -> None:
        """Open (not yet connect to) the database at `url`; SQLite's folder is created.

        `busy_timeout` is how long a write waits for a lock held by another process.

        Raises:
            StorageError: the URL is malformed or names an unknown database.
        """
        try:
            parsed = sa.engine.make_url(url)
            database = parsed.database or ""
            if (
                parsed.get_backend_name() == "sqlite"
                and database
                and not database.startswith("file:")
            ):
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = sa.create_engine(
                parsed,
                pool_pre_ping=True,
                connect_args=(
                    {"timeout": busy_timeout}
                    if parsed.get_backend_name() == "sqlite"
                    else {"options": f"-c lock_timeout={int(busy_timeout * 1000)}"}
                ),
            )
        except (SQLAlchemyError, OSError, ValueError) as error:
            raise StorageError(
                f"cannot open the database {_mask(url)!r}: {_mask(str(error))}"
            ) from error
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.url = parsed.render_as_string(hide_password=True)

    def migrate(self) -> str:
        """Bring the schema to the newest migration; return its revision.

        Raises:
            StorageError: the database cannot be reached or migrated.
        """
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            return self.schema_version()
        except (*_DATABASE_ERRORS, AlembicCommandError) as error:
            raise StorageError(f"cannot migrate {self.url}: {_describe(error)}") from error

    def schema_version(self) -> str:
        """The database's current migration revision ("none" before the first)."""
        try:
            with self.engine.connect() as connection:
                revision = MigrationContext.configure(connection).get_current_revision()
        except _DATABASE_ERRORS as error:
            raise StorageError(f"cannot read {self.url}: {_describe(error)}") from error
        return revision or "none"

    @staticmethod
    def newest_revision() -> str:
        """The newest migration this code ships."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        return str(ScriptDirectory.from_config(config).get_current_head())

    def add_feedback(
        self,
        text: str,
        correct_label: str,
        predicted_label: str | None = None,
        complaint_id: str | None = None,
        note: str | None = None,
        model_version: str | None = None,
    ) -> int:
        """Store one correction and return its id once the transaction has committed.

        Raises:
            StorageError: nothing was stored (read-only, locked, full disk, unreachable).
        """
        values = {
            "created_at": datetime.now(UTC),
            "text": _storable(text),
            "correct_label": correct_label,
            "predicted_label": predicted_label,
            "complaint_id": _storable(complaint_id),
            "note": _storable(note),
            "model_version": model_version,
        }
        try:
            with self.engine.begin() as connection:
                result = connection.execute(feedback_table.insert().values(**values))
                key = result.inserted_primary_key
        except _DATABASE_ERRORS as error:
            raise StorageError(f"the correction was not stored: {_describe(error)}") from error
        return int(key[0]) if key else 0

    def log_prediction(self, text: str, label: str, confidence: float, model_version: str) -> str:
        """Store one classification; return its id, for feedback to refer to.

        Raises:
            StorageError: nothing was stored.
        """
        identifier = str(uuid.uuid4())
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    predictions_table.insert().values(
                        id=identifier,
                        created_at=datetime.now(UTC),
                        text=_storable(text),
                        label=label,
                        confidence=confidence,
                        model_version=model_version,
                    )
                )
        except _DATABASE_ERRORS as error:
            raise StorageError(f"the prediction was not logged: {_describe(error)}") from error
        return identifier

    def iter_feedback(self) -> Iterator[FeedbackRow]:
        """Every stored correction, oldest first.

        Raises:
            StorageError: the database cannot be read.
        """
        query = sa.select(feedback_table).order_by(feedback_table.c.created_at, feedback_table.c.id)
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(query).mappings().all()
        except _DATABASE_ERRORS as error:
            raise StorageError(f"cannot read corrections: {_describe(error)}") from error
        for row in rows:
            yield FeedbackRow(**dict(row))

    def count_feedback(self) -> int:
        """How many corrections are stored."""
        try:
            with self.engine.connect() as connection:
                count = connection.execute(sa.select(sa.func.count()).select_from(feedback_table))
                return int(count.scalar_one())
        except _DATABASE_ERRORS as error:
            raise StorageError(f"cannot read corrections: {_describe(error)}") from error

    def add_service_request(self, values: dict[str, Any]) -> int:
        """Store one Open311 service request; return its id once committed.

        Raises:
            StorageError: nothing was stored.
        """
        now = datetime.now(UTC)
        cleaned = {k: _storable(v) if isinstance(v, str) else v for k, v in values.items()}
        row = {"requested_at": now, "updated_at": now, "status": "open", **cleaned}
        try:
            with self.engine.begin() as connection:
                key = connection.execute(open311_table.insert().values(**row)).inserted_primary_key
        except _DATABASE_ERRORS as error:
            raise StorageError(f"the request was not stored: {_describe(error)}") from error
        return int(key[0]) if key else 0

    def service_requests(
        self,
        ids: list[int] | None = None,
        service_code: str | None = None,
        status: str | None = None,
        start: datetime | None = None,
        end: datetime | None = None,
        limit: int = 1000,
    ) -> list[dict[str, Any]]:
        """Stored Open311 requests matching the filters, newest first.

        Raises:
            StorageError: the database cannot be read.
        """
        table = open311_table
        query = sa.select(table).order_by(table.c.requested_at.desc(), table.c.id.desc())
        if ids is not None:
            query = query.where(table.c.id.in_(ids))
        if service_code:
            query = query.where(table.c.service_code == service_code)
        if status:
            query = query.where(table.c.status == status)
        # Times are stored in UTC; SQLite keeps no offset, so compare in UTC as well.
        if start:
            query = query.where(table.c.requested_at >= start.astimezone(UTC))
        if end:
            query = query.where(table.c.requested_at <= end.astimezone(UTC))
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(query.limit(limit)).mappings().all()
        except _DATABASE_ERRORS as error:
            raise StorageError(f"cannot read requests: {_describe(error)}") from error
        return [dict(row) for row in rows]

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
