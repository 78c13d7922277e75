from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.connect_onboarding_out import ConnectOnboardingOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/vendors/me/connect",
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConnectOnboardingOut | Problem | None:
    if response.status_code == 200:
        response_200 = ConnectOnboardingOut.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = ConnectOnboardingOut.from_dict(response.json())

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
) -> Response[ConnectOnboardingOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ConnectOnboardingOut | Problem]:
    """Your store's Stripe account and an onboarding link

     Create the store's Stripe Connect (Express) account the first time (201), or
    get it (200), with a fresh onboarding link each call: send the store's owner to
    `onboarding_url` (single use, it expires within minutes; ask again for a new one).
    Payouts are held until Stripe enables charges and payouts on the account. Calling
    again is safe: a store has one account.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectOnboardingOut | Problem]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> ConnectOnboardingOut | Problem | None:
    """Your store's Stripe account and an onboarding link

     Create the store's Stripe Connect (Express) account the first time (201), or
    get it (200), with a fresh onboarding link each call: send the store's owner to
    `onboarding_url` (single use, it expires within minutes; ask again for a new one).
    Payouts are held until Stripe enables charges and payouts on the account. Calling
    again is safe: a store has one account.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectOnboardingOut | Problem
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[ConnectOnboardingOut | Problem]:
    """Your store's Stripe account and an onboarding link

     Create the store's Stripe Connect (Express) account the first time (201), or
    get it (200), with a fresh onboarding link each call: send the store's owner to
    `onboarding_url` (single use, it expires within minutes; ask again for a new one).
    Payouts are held until Stripe enables charges and payouts on the account. Calling
    again is safe: a store has one account.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConnectOnboardingOut | Problem]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> ConnectOnboardingOut | Problem | None:
    """Your store's Stripe account and an onboarding link

     Create the store's Stripe Connect (Express) account the first time (201), or
    get it (200), with a fresh onboarding link each call: send the store's owner to
    `onboarding_url` (single use, it expires within minutes; ask again for a new one).
    Payouts are held until Stripe enables charges and payouts on the account. Calling
    again is safe: a store has one account.

    API keys cannot call this endpoint: sign in as the user.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConnectOnboardingOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
