from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.product_out import ProductOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    product_id: UUID,
    *,
    currency: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_currency: None | str | Unset
    if isinstance(currency, Unset):
        json_currency = UNSET
    else:
        json_currency = currency
    params["currency"] = json_currency

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/products/{product_id}".format(
            product_id=quote(str(product_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ProductOut | None:
    if response.status_code == 200:
        response_200 = ProductOut.from_dict(response.json())

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
) -> Response[Problem | ProductOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
) -> Response[Problem | ProductOut]:
    """A product with its variants and the stock available per SKU

     A product with its variants and the stock available per SKU. Drafts and
    unpublished products are visible only to their vendor and admins (404 to others).
    With `currency`, each price is also shown converted to it (`display_price`,
    `display_price_from`: amount, currency, rate and the rates' date); an unknown
    currency is 422 `unknown-currency`. Checkout charges the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProductOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        currency=currency,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
) -> Problem | ProductOut | None:
    """A product with its variants and the stock available per SKU

     A product with its variants and the stock available per SKU. Drafts and
    unpublished products are visible only to their vendor and admins (404 to others).
    With `currency`, each price is also shown converted to it (`display_price`,
    `display_price_from`: amount, currency, rate and the rates' date); an unknown
    currency is 422 `unknown-currency`. Checkout charges the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProductOut
    """

    return sync_detailed(
        product_id=product_id,
        client=client,
        currency=currency,
    ).parsed


async def asyncio_detailed(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
) -> Response[Problem | ProductOut]:
    """A product with its variants and the stock available per SKU

     A product with its variants and the stock available per SKU. Drafts and
    unpublished products are visible only to their vendor and admins (404 to others).
    With `currency`, each price is also shown converted to it (`display_price`,
    `display_price_from`: amount, currency, rate and the rates' date); an unknown
    currency is 422 `unknown-currency`. Checkout charges the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProductOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        currency=currency,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
) -> Problem | ProductOut | None:
    """A product with its variants and the stock available per SKU

     A product with its variants and the stock available per SKU. Drafts and
    unpublished products are visible only to their vendor and admins (404 to others).
    With `currency`, each price is also shown converted to it (`display_price`,
    `display_price_from`: amount, currency, rate and the rates' date); an unknown
    currency is 422 `unknown-currency`. Checkout charges the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProductOut
    """

    return (
        await asyncio_detailed(
            product_id=product_id,
            client=client,
            currency=currency,
        )
    ).parsed
