"""Error responses: clear 422s for bad input.

Unexpected errors end in `service.middleware.RequestIdMiddleware`, which logs them and
answers a JSON 500 carrying the request id: never a stack trace to a client.
"""

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from nlp.errors import InvalidInputError


def _clean_validation_errors(error: RequestValidationError) -> list[dict[str, object]]:
    """Pydantic's errors without the echoed input, which can be 50 KB of complaint."""
    cleaned: list[dict[str, object]] = []
    for item in error.errors():
        cleaned.append(
            {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type")}
        )
    return cleaned


async def _on_validation_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    return JSONResponse(
        {"detail": _clean_validation_errors(error)},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


async def _on_invalid_input(request: Request, error: Exception) -> JSONResponse:
    return JSONResponse(
        {"detail": [{"loc": ["body"], "msg": str(error), "type": "value_error"}]},
        status_code=status.HTTP_422_UNPROCESSABLE_CONTENT,
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into JSON answers."""
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(InvalidInputError, _on_invalid_input)
