"""The web console (``console/``, ADR 0106) served at ``/console/``: the files Vite
builds. Its assets carry a hash of their content in their names, so they are cacheable
for a year and immutable; ``index.html`` names the newest ones and is revalidated on
every visit (``no-cache``, with its ETag). A path that is no file is one of the
console's own client-side routes: ``index.html`` answers it, except under ``assets/``,
where a missing file is a 404. The Content-Security-Policy of these answers
(``hardening.CONSOLE_CSP``) lets only this origin's scripts and styles run."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from agora_gateway.media import CACHE_CONTROL as IMMUTABLE_FILE

CONSOLE_PREFIX = "/console"
ASSETS = "assets/"
REVALIDATE = "no-cache"


class ConsoleFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404 or path.startswith(ASSETS):
                raise
            response = await super().get_response("index.html", scope)
            response.headers["Cache-Control"] = REVALIDATE
            return response
        if response.status_code in (200, 304):
            immutable = path.startswith(ASSETS)
            response.headers["Cache-Control"] = IMMUTABLE_FILE if immutable else REVALIDATE
        return response


async def _to_console(request: Request) -> Response:
    return RedirectResponse(f"{CONSOLE_PREFIX}/", status_code=308)


def console_routes(directory: Path) -> list[Route | Mount]:
    """``/console`` (redirected to ``/console/``) and the files under it; the build may
    come after the gateway starts (``check_dir=False``)."""
    return [
        Route(CONSOLE_PREFIX, _to_console, methods=["GET", "HEAD"]),
        Mount(CONSOLE_PREFIX, app=ConsoleFiles(directory=directory, check_dir=False)),
    ]
