"""ConditionalGet: ETags on the GET answers it covers, nothing on the rest."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from agora_kit.caching import ConditionalGet, entity_tag, none_match


async def chunks() -> AsyncIterator[bytes]:
    for part in (b"[1,", b"2,", b"3]"):
        yield part


async def streamed(request: Request) -> Response:
    return StreamingResponse(chunks(), media_type="application/json")


async def echo(request: Request) -> Response:
    return JSONResponse({"method": request.method})


app = Starlette(
    routes=[
        Route("/public/stream", streamed),
        Route("/public/echo", echo, methods=["GET", "POST"]),
        Route("/private/echo", echo),
    ],
    middleware=[Middleware(ConditionalGet, prefixes=("/public",))],
)


def client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_body_sent_in_chunks_is_tagged_whole() -> None:
    async with client() as c:
        first = await c.get("/public/stream")
        assert first.content == b"[1,2,3]"
        assert first.headers["etag"] == entity_tag(b"[1,2,3]")
        again = await c.get("/public/stream", headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")


async def test_writes_and_paths_outside_the_prefixes_are_left_alone() -> None:
    async with client() as c:
        posted = await c.post("/public/echo")
        other = await c.get("/private/echo")
    assert posted.status_code == 200
    assert "etag" not in posted.headers
    assert other.status_code == 200
    assert "etag" not in other.headers


def test_if_none_match_parsing() -> None:
    tag = '"abc"'
    assert none_match('"abc"', tag)
    assert none_match('W/"abc"', tag)
    assert none_match('"x", "abc"', tag)
    assert none_match("*", tag)
    assert not none_match('"abcd"', tag)
    assert not none_match(None, tag)
