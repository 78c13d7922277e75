"""``/healthz`` (the process is alive) and ``/readyz`` (it can reach its database and
its event transport, checked for real on every call)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

Check = Callable[[], Awaitable[None]]

# Below the usual 3-5 s probe timeout of Kubernetes, so a probe gets an answer.
CHECK_SECONDS = 2.0

logger = logging.getLogger("agora.health")

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    service: str
    checks: dict[str, str] = {}


@router.get("/healthz", response_model=Health, summary="Liveness")
async def healthz(request: Request) -> Health:
    return Health(status="ok", service=request.app.state.service_name)


async def _run(name: str, check: Check, seconds: float) -> str:
    try:
        await asyncio.wait_for(check(), timeout=seconds)
    except Exception as exc:
        # The whole story goes to the log; the answer, which is public, names only
        # the kind of failure.
        logger.warning("readiness check %s failed: %r", name, exc, extra={"check": name})
        return f"failing: {type(exc).__name__}"
    return "ok"


@router.get(
    "/readyz",
    response_model=Health,
    summary="Readiness: database and event transport reachable",
    responses={503: {"model": Health}},
)
async def readyz(request: Request) -> JSONResponse:
    checks: dict[str, Check] = request.app.state.readiness_checks
    names = list(checks)
    results = await asyncio.gather(*(_run(n, checks[n], CHECK_SECONDS) for n in names))
    outcome = dict(zip(names, results, strict=True))
    ready = all(r == "ok" for r in results)
    body = Health(
        status="ok" if ready else "unavailable",
        service=request.app.state.service_name,
        checks=outcome,
    )
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
