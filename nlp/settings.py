"""The one typed settings object, read from `TRIAGE_*` environment variables.

Both edges use it: the command line (`triage ...`) for its defaults and the service for
everything it needs at start-up, so a value is configured once for both.
"""

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where models and data live and the limits the service enforces.

    Every field can be set as an environment variable with the `TRIAGE_` prefix, e.g.
    `TRIAGE_MODELS_DIR=/srv/triage/models` or `TRIAGE_MAX_TEXT_LENGTH=8000`.
    """

    model_config = SettingsConfigDict(env_prefix="TRIAGE_", extra="ignore")

    models_dir: Path = Field(Path("models"), description="Folder of model versions.")
    model_path: Path | None = Field(
        None, description="A model folder to serve instead of the promoted one."
    )
    routing_path: Path = Field(
        Path("data/routing.json"), description="The label -> department table."
    )
    train_data: list[Path] = Field(
        [Path("data/train.csv")], description="Default training files for `triage train`."
    )
    review_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Confidence under which a route needs review; default: the model's own.",
    )
    max_text_length: int = Field(
        5000, gt=0, description="Longest complaint accepted, in characters."
    )
    max_body_bytes: int = Field(
        16 * 1024 * 1024,
        gt=0,
        description="Largest request body accepted, in bytes (413 above): room for a full batch.",
    )
    max_batch_items: int = Field(1000, gt=0, description="Most complaints in one batch request.")
    secondary_label_floor: float = Field(
        0.2,
        ge=0.0,
        le=1.0,
        description="Probability from which the runner-up label is returned as secondary_label.",
    )
    explain_terms: int = Field(8, ge=0, le=50, description="Deciding words returned per answer.")
    database_url: str = Field(
        "sqlite:///var/triage.db",
        description="Where corrections are stored: an SQLite file, or postgresql+psycopg://...",
    )
    database_busy_timeout: float = Field(
        10.0, gt=0, description="Seconds a write waits for a locked database before a 503."
    )
    prediction_log: bool = Field(
        False, description="Store every classification, with an id feedback can refer to."
    )
    admin_token: SecretStr | None = Field(
        None, description="Bearer token for /v1/admin/*; admin endpoints refuse all without it."
    )
    promote_margin: float = Field(
        0.01,
        ge=0.0,
        le=1.0,
        description="How much lower macro-F1 a candidate may score than the promoted model.",
    )
    eval_data: list[Path] = Field(
        [Path("data/test.csv")], description="The fixed evaluation set promotion compares on."
    )
    host: str = "127.0.0.1"
    port: int = Field(8000, gt=0, lt=65536)
    workers: int = Field(1, gt=0)
    log_level: str = "info"
