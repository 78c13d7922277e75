from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.users_me_export_get_response_users_me_export_get import (
    UsersMeExportGetResponseUsersMeExportGet,
)
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/users/me/export",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | UsersMeExportGetResponseUsersMeExportGet | None:
    if response.status_code == 200:
        response_200 = UsersMeExportGetResponseUsersMeExportGet.from_dict(
            response.json()
        )

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
) -> Response[Problem | UsersMeExportGetResponseUsersMeExportGet]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Problem | UsersMeExportGetResponseUsersMeExportGet]:
    """Every piece of personal data held about the user (GDPR)

     Every piece of personal data held about the caller, as one JSON document (GDPR):
    the account (`profile`, `sessions`, `api_keys`, `account_emails`), and, added by the
    gateway from each service, `catalog` (store, reviews, wishlist, verified purchases),
    `order` (orders with addresses and lines, cart, coupon redemptions), `payment`
    (payments, refunds) and `notification` (contact, preferences, feed, deliveries,
    push devices, webhooks). 503 when a service cannot give its part: the export is
    never given incomplete.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsersMeExportGetResponseUsersMeExportGet]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> Problem | UsersMeExportGetResponseUsersMeExportGet | None:
    """Every piece of personal data held about the user (GDPR)

     Every piece of personal data held about the caller, as one JSON document (GDPR):
    the account (`profile`, `sessions`, `api_keys`, `account_emails`), and, added by the
    gateway from each service, `catalog` (store, reviews, wishlist, verified purchases),
    `order` (orders with addresses and lines, cart, coupon redemptions), `payment`
    (payments, refunds) and `notification` (contact, preferences, feed, deliveries,
    push devices, webhooks). 503 when a service cannot give its part: the export is
    never given incomplete.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsersMeExportGetResponseUsersMeExportGet
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[Problem | UsersMeExportGetResponseUsersMeExportGet]:
    """Every piece of personal data held about the user (GDPR)

     Every piece of personal data held about the caller, as one JSON document (GDPR):
    the account (`profile`, `sessions`, `api_keys`, `account_emails`), and, added by the
    gateway from each service, `catalog` (store, reviews, wishlist, verified purchases),
    `order` (orders with addresses and lines, cart, coupon redemptions), `payment`
    (payments, refunds) and `notification` (contact, preferences, feed, deliveries,
    push devices, webhooks). 503 when a service cannot give its part: the export is
    never given incomplete.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UsersMeExportGetResponseUsersMeExportGet]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> Problem | UsersMeExportGetResponseUsersMeExportGet | None:
    """Every piece of personal data held about the user (GDPR)

     Every piece of personal data held about the caller, as one JSON document (GDPR):
    the account (`profile`, `sessions`, `api_keys`, `account_emails`), and, added by the
    gateway from each service, `catalog` (store, reviews, wishlist, verified purchases),
    `order` (orders with addresses and lines, cart, coupon redemptions), `payment`
    (payments, refunds) and `notification` (contact, preferences, feed, deliveries,
    push devices, webhooks). 503 when a service cannot give its part: the export is
    never given incomplete.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UsersMeExportGetResponseUsersMeExportGet
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
