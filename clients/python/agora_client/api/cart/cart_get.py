from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cart_out import CartOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    country: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    coupon_code: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_country: None | str | Unset
    if isinstance(country, Unset):
        json_country = UNSET
    else:
        json_country = country
    params["country"] = json_country

    json_region: None | str | Unset
    if isinstance(region, Unset):
        json_region = UNSET
    else:
        json_region = region
    params["region"] = json_region

    json_coupon_code: None | str | Unset
    if isinstance(coupon_code, Unset):
        json_coupon_code = UNSET
    else:
        json_coupon_code = coupon_code
    params["coupon_code"] = json_coupon_code

    json_currency: None | str | Unset
    if isinstance(currency, Unset):
        json_currency = UNSET
    else:
        json_currency = currency
    params["currency"] = json_currency

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/cart",
        "params": params,
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
    *,
    client: AuthenticatedClient,
    country: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    coupon_code: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Response[CartOut | Problem]:
    """Your cart

     The caller's cart with live prices and totals: each line's current unit price and
    stock, the subtotal and the currency, and, for the `country` given (with its
    `region`), each store's shipping and tax: checkout to an address there (with the
    same `coupon_code`) charges exactly these amounts. A coupon that checkout would
    refuse is 422 `bad-coupon`. Without a country, shipping follows the default rule
    and the stores with their own shipping zones show `ships: null`. With `currency`,
    each line's price and the subtotal and total are also shown converted to it
    (`display_*`: amount, currency, rate, the rates' date), each amount converted on its
    own; checkout still charges `total` in the cart's currency. An unknown currency is
    422 `unknown-currency`.

    An API key needs the scope `orders:write`.

    Args:
        country (None | str | Unset): Price shipping and tax to this country (ISO 3166-1 alpha-2)
        region (None | str | Unset): The region's ISO 3166-2 code without the country (CA for US-
            CA), where its tax differs
        coupon_code (None | str | Unset): Show the discount this coupon would give at checkout
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CartOut | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        region=region,
        coupon_code=coupon_code,
        currency=currency,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    country: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    coupon_code: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> CartOut | Problem | None:
    """Your cart

     The caller's cart with live prices and totals: each line's current unit price and
    stock, the subtotal and the currency, and, for the `country` given (with its
    `region`), each store's shipping and tax: checkout to an address there (with the
    same `coupon_code`) charges exactly these amounts. A coupon that checkout would
    refuse is 422 `bad-coupon`. Without a country, shipping follows the default rule
    and the stores with their own shipping zones show `ships: null`. With `currency`,
    each line's price and the subtotal and total are also shown converted to it
    (`display_*`: amount, currency, rate, the rates' date), each amount converted on its
    own; checkout still charges `total` in the cart's currency. An unknown currency is
    422 `unknown-currency`.

    An API key needs the scope `orders:write`.

    Args:
        country (None | str | Unset): Price shipping and tax to this country (ISO 3166-1 alpha-2)
        region (None | str | Unset): The region's ISO 3166-2 code without the country (CA for US-
            CA), where its tax differs
        coupon_code (None | str | Unset): Show the discount this coupon would give at checkout
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CartOut | Problem
    """

    return sync_detailed(
        client=client,
        country=country,
        region=region,
        coupon_code=coupon_code,
        currency=currency,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    country: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    coupon_code: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> Response[CartOut | Problem]:
    """Your cart

     The caller's cart with live prices and totals: each line's current unit price and
    stock, the subtotal and the currency, and, for the `country` given (with its
    `region`), each store's shipping and tax: checkout to an address there (with the
    same `coupon_code`) charges exactly these amounts. A coupon that checkout would
    refuse is 422 `bad-coupon`. Without a country, shipping follows the default rule
    and the stores with their own shipping zones show `ships: null`. With `currency`,
    each line's price and the subtotal and total are also shown converted to it
    (`display_*`: amount, currency, rate, the rates' date), each amount converted on its
    own; checkout still charges `total` in the cart's currency. An unknown currency is
    422 `unknown-currency`.

    An API key needs the scope `orders:write`.

    Args:
        country (None | str | Unset): Price shipping and tax to this country (ISO 3166-1 alpha-2)
        region (None | str | Unset): The region's ISO 3166-2 code without the country (CA for US-
            CA), where its tax differs
        coupon_code (None | str | Unset): Show the discount this coupon would give at checkout
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CartOut | Problem]
    """

    kwargs = _get_kwargs(
        country=country,
        region=region,
        coupon_code=coupon_code,
        currency=currency,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    country: None | str | Unset = UNSET,
    region: None | str | Unset = UNSET,
    coupon_code: None | str | Unset = UNSET,
    currency: None | str | Unset = UNSET,
) -> CartOut | Problem | None:
    """Your cart

     The caller's cart with live prices and totals: each line's current unit price and
    stock, the subtotal and the currency, and, for the `country` given (with its
    `region`), each store's shipping and tax: checkout to an address there (with the
    same `coupon_code`) charges exactly these amounts. A coupon that checkout would
    refuse is 422 `bad-coupon`. Without a country, shipping follows the default rule
    and the stores with their own shipping zones show `ships: null`. With `currency`,
    each line's price and the subtotal and total are also shown converted to it
    (`display_*`: amount, currency, rate, the rates' date), each amount converted on its
    own; checkout still charges `total` in the cart's currency. An unknown currency is
    422 `unknown-currency`.

    An API key needs the scope `orders:write`.

    Args:
        country (None | str | Unset): Price shipping and tax to this country (ISO 3166-1 alpha-2)
        region (None | str | Unset): The region's ISO 3166-2 code without the country (CA for US-
            CA), where its tax differs
        coupon_code (None | str | Unset): Show the discount this coupon would give at checkout
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CartOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            country=country,
            region=region,
            coupon_code=coupon_code,
            currency=currency,
        )
    ).parsed
