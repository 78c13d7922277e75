"""The `agora run` image store served at ``/media/``: the files the catalog's local
media store writes (ADR 0103). Every file's name is final (a new upload gets a new
key), so answers are cacheable for a year and immutable, with an ETag for revalidation
and the content type from the file's extension. Starlette's static files refuse any
path that resolves outside the directory (``..``, symlinks) with 404."""

from __future__ import annotations

from pathlib import Path

from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

MEDIA_PREFIX = "/media"
CACHE_CONTROL = "public, max-age=31536000, immutable"


class MediaFiles(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = CACHE_CONTROL
        return response


def media_route(directory: Path) -> Mount:
    # check_dir=False: the catalog creates the directory with its first upload.
    return Mount(MEDIA_PREFIX, app=MediaFiles(directory=directory, check_dir=False))
