"""The triage desk in a real headless browser (Debian's chromium driven by Playwright)
against a real uvicorn process: type, read, correct, and find the correction stored."""

import json
import os
import shutil
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from service.storage import Storage

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
FLOOD = "Đường Láng NGẬP sâu sau mưa, xe chết máy hàng loạt"


def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def desk(
    model_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    start_service: Callable[..., AbstractContextManager[str]],
) -> Iterator[tuple[str, str]]:
    database = f"sqlite:///{tmp_path_factory.mktemp('desk') / 'desk.db'}"
    env = {"TRIAGE_DATABASE_URL": database, "TRIAGE_REVIEW_THRESHOLD": "0.9999"}
    with start_service(["--model", str(model_dir)], env) as base:
        yield base, database


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


def _api(url: str, body: object) -> dict:  # type: ignore[type-arg]
    request = urllib.request.Request(
        url, data=json.dumps(body).encode("utf-8"), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict = json.loads(response.read())  # type: ignore[type-arg]
        return answer


def _stored(database: str) -> list[tuple[str, str, str | None]]:
    storage = Storage(database)
    try:
        return [(r.text, r.correct_label, r.predicted_label) for r in storage.iter_feedback()]
    finally:
        storage.close()


def test_desk_classify_highlight_and_correct(desk: tuple[str, str], browser: object) -> None:
    base, database = desk
    page = browser.new_page()  # type: ignore[attr-defined]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base + "/")
    assert page.title() == "Bàn phân loại phản ánh"
    page.fill("#complaint", FLOOD)
    page.click("#classify")
    page.wait_for_selector("#result:not([hidden])")
    assert page.text_content("#result-label") == "Úng ngập (flooding)"
    assert "Sở Xây dựng" in (page.text_content("#result-department") or "")
    expected = _api(f"{base}/v1/classify", {"text": FLOOD})
    assert page.is_visible("#result-review") is expected["needs_review"]
    assert page.text_content("#result-confidence") == f"{round(expected['confidence'] * 100)}%"
    marked = [m.lower() for m in page.locator("#result-text mark").all_text_contents()]
    assert "ngập" in marked

    page.click("#corrections button[data-label='sanitation']")
    page.wait_for_selector("#feedback-status.ok")
    assert "Đã lưu phản hồi" in (page.text_content("#feedback-status") or "")
    assert _stored(database)[-1] == (FLOOD, "sanitation", "flooding")
    assert all(url.startswith(base) for url in requested), "the page fetched something external"
    page.close()


def test_desk_batch_upload_and_keyboard_review(
    desk: tuple[str, str], browser: object, tmp_path: Path
) -> None:
    base, database = desk
    texts = [
        "Rác thải bốc mùi ở đầu ngõ 12, không ai thu gom",
        "ngo 5 co chuyen gi do, hoi ai biet ko",
        "Phản ánh về việc ở khu này, mong được xem xét",
        "Tắc đường kinh khủng ở ngã tư Sở giờ cao điểm",
    ]
    csv_file = tmp_path / "batch.csv"
    csv_file.write_text(
        "id,text\n" + "".join(f'A{i + 1},"{text}"\n' for i, text in enumerate(texts)), "utf-8"
    )
    answers = _api(
        f"{base}/v1/classify/batch",
        {"items": [{"id": str(i), "text": text} for i, text in enumerate(texts)]},
    )["results"]
    review = [a for a in answers if a["needs_review"]]
    assert len(review) >= 2, "the vague complaints should need review"
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page.goto(base + "/")
    page.click("#tab-batch")
    page.set_input_files("#csv-file", str(csv_file))
    page.wait_for_selector("#batch-table:not([hidden]) tbody tr")
    assert page.locator("#batch-table tbody tr").count() == len(texts)
    assert page.locator("#batch-table tbody tr td").first.text_content() == "A1"
    assert page.text_content("#queue-count") == str(len(review))
    with page.expect_download() as download:
        page.click("#download")
    assert download.value.suggested_filename == "phan-loai.csv"

    page.click("#tab-queue")
    page.wait_for_selector("#queue-item:not([hidden])")
    before = len(_stored(database))
    page.keyboard.press("j")
    page.keyboard.press("k")
    first = review[0]
    key, chosen = next(
        (str(i + 1), label)
        for i, label in enumerate(
            ["traffic", "flooding", "sanitation", "food_safety", "urban_order", "other"]
        )
        if label != first["label"]
    )
    page.keyboard.press(key)  # a label other than the proposed one: a correction
    left = str(len(review) - 1)
    page.wait_for_function(f"document.getElementById('queue-count').textContent === '{left}'")
    stored = _stored(database)
    assert len(stored) == before + 1 and stored[-1][1] == chosen
    page.keyboard.press("Enter")  # keep the next item's label: no correction sent
    left = str(len(review) - 2)
    page.wait_for_function(f"document.getElementById('queue-count').textContent === '{left}'")
    assert len(_stored(database)) == before + 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the desk must fit a phone screen"
    page.close()
