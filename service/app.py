"""The application factory: `create_app(settings)` builds a ready-to-serve FastAPI app.

The model is loaded in the lifespan and kept in lifespan state; nothing is loaded at
import time, so importing this module is cheap and tests build as many apps as they like.
"""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from nlp.errors import ModelLoadError
from nlp.settings import Settings
from service.errors import install_error_handlers
from service.middleware import BodySizeLimitMiddleware, RequestIdMiddleware
from service.routes import admin, classify, desk, feedback, health, meta, open311
from service.state import ServiceState, load_state, reload_classifier

logger = logging.getLogger("triage.service")


def _reload_on_sighup(state: ServiceState) -> None:
    """On SIGHUP, load the promoted model in a worker thread; keep the old one on failure."""
    loop = asyncio.get_running_loop()

    def reload() -> None:
        try:
            classifier = reload_classifier(state)
            logger.info("SIGHUP: now serving model %s", classifier.version)
        except ModelLoadError as error:
            logger.error("SIGHUP: reload failed, the old model keeps serving: %s", error)

    with suppress(NotImplementedError, RuntimeError, ValueError):
        # Only the main thread of a process may own signals (tests run apps elsewhere).
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.run_in_executor(None, reload))


DESCRIPTION = """
Đọc phản ánh của người dân (có dấu hoặc không dấu, viết tắt kiểu tin nhắn) và chuyển tới
đơn vị phụ trách: ùn tắc giao thông, úng ngập, vệ sinh môi trường, vệ sinh an toàn thực
phẩm, trật tự đô thị, hoặc bộ phận tiếp nhận chung.

Reads a citizen's complaint and routes it to the department that owns the problem.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; settings come from `TRIAGE_*` environment variables when not given."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[dict[str, Any]]:
        state = await run_in_threadpool(load_state, settings)
        _reload_on_sighup(state)
        try:
            yield {"triage": state}
        finally:
            with suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
            if state.storage is not None:
                state.storage.close()

    app = FastAPI(
        title="triage",
        summary="Phân loại và chuyển phản ánh của người dân tới đơn vị phụ trách",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(classify.router)
    app.include_router(feedback.router)
    app.include_router(meta.router)
    app.include_router(admin.router)
    app.include_router(open311.router)
    desk.mount(app)
    app.include_router(health.router)
    return app
