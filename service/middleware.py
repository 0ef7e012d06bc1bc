"""ASGI middleware: a request id on every response, and a cap on request body size.

Both are plain ASGI so they see the raw byte stream: an oversized body is refused with
413 as soon as its declared or received size passes the limit, before any of it is
parsed or buffered whole.
"""

import json
import logging
import re
import uuid
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER: Final = b"x-request-id"
logger = logging.getLogger("triage.service")
_SAFE_ID: Final = re.compile(rb"^[A-Za-z0-9._-]{1,64}$")


async def send_json(
    send: Send, status: int, payload: dict[str, object], headers: list[tuple[bytes, bytes]]
) -> None:
    """Send a whole JSON response straight on the ASGI channel."""
    body = json.dumps(payload).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestIdMiddleware:
    """Echo a client's X-Request-ID (when it is a safe token) or make one.

    It is also where an unexpected error ends: logged with the request id, answered with a
    JSON 500 that carries the id, never a trace.
    """

    def __init__(self, app: ASGIApp) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Attach the id to the scope (for handlers) and to the response headers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = dict(scope.get("headers", [])).get(REQUEST_ID_HEADER, b"")
        request_id = offered if _SAFE_ID.match(offered) else uuid.uuid4().hex.encode()
        scope.setdefault("state", {})["request_id"] = request_id.decode()

        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, request_id)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception(
                "unhandled error on %s %s (request %s)",
                scope.get("method"),
                scope.get("path"),
                request_id.decode(),
            )
            if started:
                raise
            payload: dict[str, object] = {
                "detail": "internal error; the failure was logged",
                "request_id": request_id.decode(),
            }
            await send_json(send, 500, payload, [(REQUEST_ID_HEADER, request_id)])


class BodySizeLimitMiddleware:
    """Answer 413 to any request whose body is over `max_bytes`, without parsing it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        """Wrap `app` with a limit in bytes."""
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send) -> None:
        detail = f"request body is over the limit of {self.max_bytes:,} bytes"
        await send_json(send, 413, {"detail": detail}, [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length first, then count bytes as they arrive."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(send)
            return
        received = 0
        state = {"started": False, "refused": False}

        async def guarded_send(message: Message) -> None:
            if state["refused"]:
                return  # our 413 already went out; the app's own answer is dropped
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes and not state["started"]:
                    await self._refuse(send)
                    state["refused"] = True
                    return {"type": "http.disconnect"}
            return message

        await self.app(scope, counting_receive, guarded_send)
