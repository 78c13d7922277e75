from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.currency_table import CurrencyTable
from ...models.problem import Problem
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/currencies",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CurrencyTable | Problem | None:
    if response.status_code == 200:
        response_200 = CurrencyTable.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

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
) -> Response[CurrencyTable | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CurrencyTable | Problem]:
    """The currencies prices can be shown in, and their exchange rates

     The exchange rates that `?currency=` on product reads and the cart converts
    with: units of each currency per unit of the `base`, on `date`. Amounts are
    converted in minor units through the base and rounded half to even; what is
    charged stays in the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CurrencyTable | Problem]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
) -> CurrencyTable | Problem | None:
    """The currencies prices can be shown in, and their exchange rates

     The exchange rates that `?currency=` on product reads and the cart converts
    with: units of each currency per unit of the `base`, on `date`. Amounts are
    converted in minor units through the base and rounded half to even; what is
    charged stays in the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CurrencyTable | Problem
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
) -> Response[CurrencyTable | Problem]:
    """The currencies prices can be shown in, and their exchange rates

     The exchange rates that `?currency=` on product reads and the cart converts
    with: units of each currency per unit of the `base`, on `date`. Amounts are
    converted in minor units through the base and rounded half to even; what is
    charged stays in the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CurrencyTable | Problem]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
) -> CurrencyTable | Problem | None:
    """The currencies prices can be shown in, and their exchange rates

     The exchange rates that `?currency=` on product reads and the cart converts
    with: units of each currency per unit of the `base`, on `date`. Amounts are
    converted in minor units through the base and rounded half to even; what is
    charged stays in the product's own currency.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CurrencyTable | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
