"""schemathesis against the service's own OpenAPI schema, on a real uvicorn process:
no 5xx, and every response's status, content type and body match the schema. Bounded
(a fixed number of examples per operation) so it runs in CI."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
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
def live_schema(model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    folder = tmp_path_factory.mktemp("fuzz")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "TRIAGE_DATABASE_URL": f"sqlite:///{folder / 'fuzz.db'}",
        "TRIAGE_ROUTING_PATH": str(ROOT / "data" / "routing.json"),
        "TRIAGE_ADMIN_TOKEN": "fuzz-token",
        "TRIAGE_MAX_BATCH_ITEMS": "50",
    }
    triage = str(Path(sys.executable).with_name("triage"))
    server = subprocess.Popen(
        [triage, "serve", "--model", str(model_dir), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "service did not start"
        time.sleep(0.2)
    try:
        yield schemathesis.openapi.from_url(f"{base}/openapi.json")
    finally:
        server.terminate()
        server.wait(timeout=30)


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
