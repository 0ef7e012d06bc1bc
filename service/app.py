"""The application factory: `create_app(settings)` builds a ready-to-serve FastAPI app.

The model is loaded in the lifespan and kept in lifespan state; nothing is loaded at
import time, so importing this module is cheap and tests build as many apps as they like.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from nlp.settings import Settings
from service.errors import install_error_handlers
from service.routes import classify, health, meta
from service.state import load_state

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
        yield {"triage": state}

    app = FastAPI(
        title="triage",
        summary="Phân loại và chuyển phản ánh của người dân tới đơn vị phụ trách",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(classify.router)
    app.include_router(meta.router)
    app.include_router(health.router)
    return app
