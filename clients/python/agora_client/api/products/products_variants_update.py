from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.variant_out import VariantOut
from ...models.variant_patch import VariantPatch
from ...types import Response


def _get_kwargs(
    product_id: UUID,
    sku: str,
    *,
    body: VariantPatch,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/products/{product_id}/variants/{sku}".format(
            product_id=quote(str(product_id), safe=""),
            sku=quote(str(sku), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | VariantOut | None:
    if response.status_code == 200:
        response_200 = VariantOut.from_dict(response.json())

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
) -> Response[Problem | VariantOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    product_id: UUID,
    sku: str,
    *,
    client: AuthenticatedClient,
    body: VariantPatch,
) -> Response[Problem | VariantOut]:
    """Change a variant's price or attributes (owner or admin)

     Change a variant's price or attributes. Carts show the new price at once; orders
    keep the price they were placed at.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        sku (str):
        body (VariantPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VariantOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        sku=sku,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    product_id: UUID,
    sku: str,
    *,
    client: AuthenticatedClient,
    body: VariantPatch,
) -> Problem | VariantOut | None:
    """Change a variant's price or attributes (owner or admin)

     Change a variant's price or attributes. Carts show the new price at once; orders
    keep the price they were placed at.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        sku (str):
        body (VariantPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VariantOut
    """

    return sync_detailed(
        product_id=product_id,
        sku=sku,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    product_id: UUID,
    sku: str,
    *,
    client: AuthenticatedClient,
    body: VariantPatch,
) -> Response[Problem | VariantOut]:
    """Change a variant's price or attributes (owner or admin)

     Change a variant's price or attributes. Carts show the new price at once; orders
    keep the price they were placed at.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        sku (str):
        body (VariantPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VariantOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        sku=sku,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    product_id: UUID,
    sku: str,
    *,
    client: AuthenticatedClient,
    body: VariantPatch,
) -> Problem | VariantOut | None:
    """Change a variant's price or attributes (owner or admin)

     Change a variant's price or attributes. Carts show the new price at once; orders
    keep the price they were placed at.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        sku (str):
        body (VariantPatch):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VariantOut
    """

    return (
        await asyncio_detailed(
            product_id=product_id,
            sku=sku,
            client=client,
            body=body,
        )
    ).parsed
