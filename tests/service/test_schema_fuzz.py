"""schemathesis against the service's own OpenAPI schema, on a real uvicorn process:
no 5xx, and every response's status, content type and body match the schema. Bounded
(a fixed number of examples per operation) so it runs in CI."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live_schema(
    model_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    start_service: Callable[..., AbstractContextManager[str]],
) -> Iterator[object]:
    env = {
        "TRIAGE_DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}",
        "TRIAGE_ADMIN_TOKEN": "fuzz-token",
        "TRIAGE_MAX_BATCH_ITEMS": "50",
    }
    with start_service(["--model", str(model_dir)], env) as base:
        yield schemathesis.openapi.from_url(f"{base}/openapi.json")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 25


def test_schema_fuzz_no_5xx_and_responses_match_the_schema(live_schema: object) -> None:
    failures: list[str] = []
    operations = 0
    for result in live_schema.get_all_operations():  # type: ignore[attr-defined]
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def exercise(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            exercise()
        except Exception as error:  # one report for all operations, not the first only
            failures.append(f"{operation.label}: {str(error)[:1500]}")
    assert operations >= 12, "every route of the API is in the schema"
    assert not failures, "\n\n".join(failures)
