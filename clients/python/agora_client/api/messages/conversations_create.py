from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conversation_in import ConversationIn
from ...models.opened import Opened
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: ConversationIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/conversations",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Opened | Problem | None:
    if response.status_code == 201:
        response_201 = Opened.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())

        return response_431

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Problem.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Opened | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ConversationIn,
) -> Response[Opened | Problem]:
    """Write to a store about a product or an order, or to support

     The first message of a conversation: 201 with a new conversation, 200 when the
    caller already has one on the same subject (the message is added to it). About a
    product, the product's store answers; about an order (the caller's), the store
    named by `vendor_id` (optional when the order has one store); support's admins
    answer `support`.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (ConversationIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Opened | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: ConversationIn,
) -> Opened | Problem | None:
    """Write to a store about a product or an order, or to support

     The first message of a conversation: 201 with a new conversation, 200 when the
    caller already has one on the same subject (the message is added to it). About a
    product, the product's store answers; about an order (the caller's), the store
    named by `vendor_id` (optional when the order has one store); support's admins
    answer `support`.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (ConversationIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Opened | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ConversationIn,
) -> Response[Opened | Problem]:
    """Write to a store about a product or an order, or to support

     The first message of a conversation: 201 with a new conversation, 200 when the
    caller already has one on the same subject (the message is added to it). About a
    product, the product's store answers; about an order (the caller's), the store
    named by `vendor_id` (optional when the order has one store); support's admins
    answer `support`.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (ConversationIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Opened | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ConversationIn,
) -> Opened | Problem | None:
    """Write to a store about a product or an order, or to support

     The first message of a conversation: 201 with a new conversation, 200 when the
    caller already has one on the same subject (the message is added to it). About a
    product, the product's store answers; about an order (the caller's), the store
    named by `vendor_id` (optional when the order has one store); support's admins
    answer `support`.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (ConversationIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Opened | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
