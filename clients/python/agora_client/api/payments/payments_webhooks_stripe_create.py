from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.payments_webhooks_stripe_create_response_payments_webhooks_stripe_create import (
    PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate,
)
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    stripe_signature: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(stripe_signature, Unset):
        headers["Stripe-Signature"] = stripe_signature

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/payments/webhooks/stripe",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem | None:
    if response.status_code == 200:
        response_200 = (
            PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate.from_dict(
                response.json()
            )
        )

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
) -> Response[
    PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,
) -> Response[
    PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem
]:
    """Stripe webhooks, verified with Stripe-Signature

     Where Stripe sends its events. The `Stripe-Signature` header is verified against
    the webhook secret; a bad or too old signature is 400. Not for clients.

    Open to every caller.

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem]
    """

    kwargs = _get_kwargs(
        stripe_signature=stripe_signature,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,
) -> PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem | None:
    """Stripe webhooks, verified with Stripe-Signature

     Where Stripe sends its events. The `Stripe-Signature` header is verified against
    the webhook secret; a bad or too old signature is 400. Not for clients.

    Open to every caller.

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem
    """

    return sync_detailed(
        client=client,
        stripe_signature=stripe_signature,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,
) -> Response[
    PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem
]:
    """Stripe webhooks, verified with Stripe-Signature

     Where Stripe sends its events. The `Stripe-Signature` header is verified against
    the webhook secret; a bad or too old signature is 400. Not for clients.

    Open to every caller.

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem]
    """

    kwargs = _get_kwargs(
        stripe_signature=stripe_signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    stripe_signature: None | str | Unset = UNSET,
) -> PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem | None:
    """Stripe webhooks, verified with Stripe-Signature

     Where Stripe sends its events. The `Stripe-Signature` header is verified against
    the webhook secret; a bad or too old signature is 400. Not for clients.

    Open to every caller.

    Args:
        stripe_signature (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PaymentsWebhooksStripeCreateResponsePaymentsWebhooksStripeCreate | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            stripe_signature=stripe_signature,
        )
    ).parsed
