from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.product_page import ProductPage
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_category: None | str | Unset
    if isinstance(category, Unset):
        json_category = UNSET
    elif isinstance(category, UUID):
        json_category = str(category)
    else:
        json_category = category
    params["category"] = json_category

    json_vendor: None | str | Unset
    if isinstance(vendor, Unset):
        json_vendor = UNSET
    elif isinstance(vendor, UUID):
        json_vendor = str(vendor)
    else:
        json_vendor = vendor
    params["vendor"] = json_vendor

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_currency: None | str | Unset
    if isinstance(currency, Unset):
        json_currency = UNSET
    else:
        json_currency = currency
    params["currency"] = json_currency

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/products",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ProductPage | None:
    if response.status_code == 200:
        response_200 = ProductPage.from_dict(response.json())

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
) -> Response[Problem | ProductPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Response[Problem | ProductPage]:
    """Products for sale, newest first

     Published products, newest first, cursor-paginated; filter by `category` (and its
    subcategories) or `vendor`. With `currency`, each price is also shown converted to
    it (`display_price_from`); an unknown currency is 422 `unknown-currency`.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID): One store's products
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProductPage]
    """

    kwargs = _get_kwargs(
        category=category,
        vendor=vendor,
        limit=limit,
        cursor=cursor,
        currency=currency,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Problem | ProductPage | None:
    """Products for sale, newest first

     Published products, newest first, cursor-paginated; filter by `category` (and its
    subcategories) or `vendor`. With `currency`, each price is also shown converted to
    it (`display_price_from`); an unknown currency is 422 `unknown-currency`.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID): One store's products
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProductPage
    """

    return sync_detailed(
        client=client,
        category=category,
        vendor=vendor,
        limit=limit,
        cursor=cursor,
        currency=currency,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Response[Problem | ProductPage]:
    """Products for sale, newest first

     Published products, newest first, cursor-paginated; filter by `category` (and its
    subcategories) or `vendor`. With `currency`, each price is also shown converted to
    it (`display_price_from`); an unknown currency is 422 `unknown-currency`.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID): One store's products
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProductPage]
    """

    kwargs = _get_kwargs(
        category=category,
        vendor=vendor,
        limit=limit,
        cursor=cursor,
        currency=currency,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Problem | ProductPage | None:
    """Products for sale, newest first

     Published products, newest first, cursor-paginated; filter by `category` (and its
    subcategories) or `vendor`. With `currency`, each price is also shown converted to
    it (`display_price_from`); an unknown currency is 422 `unknown-currency`.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID): One store's products
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProductPage
    """

    return (
        await asyncio_detailed(
            client=client,
            category=category,
            vendor=vendor,
            limit=limit,
            cursor=cursor,
            currency=currency,
        )
    ).parsed
