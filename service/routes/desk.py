"""The triage desk: one web page for the staff, served from `service/static/`.

Plain HTML, CSS and JavaScript with no build step and nothing fetched from a CDN: the
page talks only to this service's own API.
"""

from pathlib import Path
from typing import Final

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC: Final = Path(__file__).resolve().parent.parent / "static"


def mount(app: FastAPI) -> None:
    """Serve the desk at `/` and its assets under `/desk/`."""
    app.mount("/desk", StaticFiles(directory=STATIC), name="desk")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")
