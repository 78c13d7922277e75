from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.wish_in import WishIn
from ...models.wish_out import WishOut
from ...types import Response


def _get_kwargs(
    *,
    body: WishIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/wishlist",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WishOut | None:
    if response.status_code == 200:
        response_200 = WishOut.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = WishOut.from_dict(response.json())

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
) -> Response[Problem | WishOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WishIn,
) -> Response[Problem | WishOut]:
    """Add a product, or one of its variants, to your wishlist

     Add a product for sale (or one of its variants, `sku`) to the wishlist: 201. It is
    already there: 200 with the same item, so retrying is safe. You are told (in the
    app and by e-mail, as your preferences say) when it is back in stock or cheaper.
    An unknown product or variant is 422.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (WishIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WishOut]
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
    body: WishIn,
) -> Problem | WishOut | None:
    """Add a product, or one of its variants, to your wishlist

     Add a product for sale (or one of its variants, `sku`) to the wishlist: 201. It is
    already there: 200 with the same item, so retrying is safe. You are told (in the
    app and by e-mail, as your preferences say) when it is back in stock or cheaper.
    An unknown product or variant is 422.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (WishIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WishOut
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WishIn,
) -> Response[Problem | WishOut]:
    """Add a product, or one of its variants, to your wishlist

     Add a product for sale (or one of its variants, `sku`) to the wishlist: 201. It is
    already there: 200 with the same item, so retrying is safe. You are told (in the
    app and by e-mail, as your preferences say) when it is back in stock or cheaper.
    An unknown product or variant is 422.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (WishIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WishOut]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WishIn,
) -> Problem | WishOut | None:
    """Add a product, or one of its variants, to your wishlist

     Add a product for sale (or one of its variants, `sku`) to the wishlist: 201. It is
    already there: 200 with the same item, so retrying is safe. You are told (in the
    app and by e-mail, as your preferences say) when it is back in stock or cheaper.
    An unknown product or variant is 422.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        body (WishIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WishOut
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
