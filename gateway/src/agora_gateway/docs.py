"""The API's documentation pages: Swagger UI at ``/docs`` (sign in with the OAuth2
password flow, a bearer token or an API key, then try any endpoint) and ReDoc at
``/redoc``, both reading the merged ``/openapi.json``. Their files are served by the
gateway itself (from the ``fastapi-offline`` wheel), never from a CDN, so the pages
work offline and under a strict Content Security Policy."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from agora_gateway.runtime import Gateway
from agora_kit.errors import NotFound

STATIC_PREFIX = "/docs/static"
_VENDOR = Path(str(files("fastapi_offline") / "static"))
_OWN = Path(str(files("agora_gateway") / "static"))
STATIC_FILES: dict[str, tuple[Path, str]] = {
    "swagger-ui-bundle.js": (_VENDOR / "swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": (_VENDOR / "swagger-ui.css", "text/css"),
    "redoc.standalone.js": (_VENDOR / "redoc.standalone.js", "text/javascript"),
    "favicon.png": (_VENDOR / "favicon.png", "image/png"),
    "swagger-init.js": (_OWN / "swagger-init.js", "text/javascript"),
}

SWAGGER_HTML = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agora API</title>
<link rel="stylesheet" href="{STATIC_PREFIX}/swagger-ui.css">
<link rel="icon" type="image/png" href="{STATIC_PREFIX}/favicon.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{STATIC_PREFIX}/swagger-ui-bundle.js"></script>
<script src="{STATIC_PREFIX}/swagger-init.js"></script>
</body>
</html>
"""

REDOC_HTML = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agora API</title>
<link rel="icon" type="image/png" href="{STATIC_PREFIX}/favicon.png">
</head>
<body>
<redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="{STATIC_PREFIX}/redoc.standalone.js"></script>
</body>
</html>
"""

router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
async def openapi_json(request: Request) -> Response:
    aggregator = Gateway.of(request.app).openapi
    body = await aggregator.document_bytes()
    headers = {"ETag": aggregator.etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == aggregator.etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return HTMLResponse(SWAGGER_HTML, headers={"Cache-Control": "no-cache"})


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return HTMLResponse(REDOC_HTML, headers={"Cache-Control": "no-cache"})


@router.get(STATIC_PREFIX + "/{name}")
async def static_file(name: str) -> FileResponse:
    entry = STATIC_FILES.get(name)
    if entry is None:
        raise NotFound(f"No file {name!r}")
    path, media_type = entry
    return FileResponse(
        path, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"}
    )
