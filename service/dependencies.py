"""Typed dependencies that hand routes the pieces of the lifespan state."""

import hmac
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, status

from nlp.model import Classifier
from service.state import ServiceState
from service.storage import Storage


async def get_state(request: Request) -> ServiceState:
    """The service state the lifespan built (async: no thread-pool hop for a lookup)."""
    state: ServiceState = request.state.triage
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


async def get_classifier(state: StateDep) -> Classifier:
    """The loaded model, or 503 with the reason it could not be loaded."""
    if state.classifier is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"no model is loaded: {state.load_error}",
        )
    return state.classifier


ClassifierDep = Annotated[Classifier, Depends(get_classifier)]


async def get_storage(state: StateDep) -> Storage:
    """The database, or 503 with the reason it is unavailable."""
    if state.storage is None:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            detail=f"storage is unavailable: {state.storage_error}",
        )
    return state.storage


StorageDep = Annotated[Storage, Depends(get_storage)]


def require_admin(state: StateDep, authorization: Annotated[str | None, Header()] = None) -> None:
    """Admit only `Authorization: Bearer <admin token>`: 401 without, 403 with a wrong one.

    The comparison takes constant time, so response timing reveals nothing of the token.
    """
    if authorization is None or not authorization.startswith("Bearer "):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="admin endpoints need 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    expected = state.settings.admin_token
    offered = authorization.removeprefix("Bearer ").encode("utf-8")
    if expected is None or not hmac.compare_digest(
        offered, expected.get_secret_value().encode("utf-8")
    ):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="wrong admin token")


AdminDep = Annotated[None, Depends(require_admin)]
