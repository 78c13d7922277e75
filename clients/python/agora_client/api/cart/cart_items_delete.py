from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cart_out import CartOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    sku: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/api/v1/cart/items/{sku}".format(
            sku=quote(str(sku), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CartOut | Problem | None:
    if response.status_code == 200:
        response_200 = CartOut.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[CartOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    sku: str,
    *,
    client: AuthenticatedClient,
) -> Response[CartOut | Problem]:
    """Remove a SKU from your cart

     Remove a SKU from the caller's cart; a SKU not in the cart is 404.

    An API key needs the scope `orders:write`.

    Args:
        sku (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CartOut | Problem]
    """

    kwargs = _get_kwargs(
        sku=sku,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    sku: str,
    *,
    client: AuthenticatedClient,
) -> CartOut | Problem | None:
    """Remove a SKU from your cart

     Remove a SKU from the caller's cart; a SKU not in the cart is 404.

    An API key needs the scope `orders:write`.

    Args:
        sku (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CartOut | Problem
    """

    return sync_detailed(
        sku=sku,
        client=client,
    ).parsed


async def asyncio_detailed(
    sku: str,
    *,
    client: AuthenticatedClient,
) -> Response[CartOut | Problem]:
    """Remove a SKU from your cart

     Remove a SKU from the caller's cart; a SKU not in the cart is 404.

    An API key needs the scope `orders:write`.

    Args:
        sku (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CartOut | Problem]
    """

    kwargs = _get_kwargs(
        sku=sku,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    sku: str,
    *,
    client: AuthenticatedClient,
) -> CartOut | Problem | None:
    """Remove a SKU from your cart

     Remove a SKU from the caller's cart; a SKU not in the cart is 404.

    An API key needs the scope `orders:write`.

    Args:
        sku (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CartOut | Problem
    """

    return (
        await asyncio_detailed(
            sku=sku,
            client=client,
        )
    ).parsed
