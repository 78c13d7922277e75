from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.similar_out import SimilarOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    product_id: UUID,
    *,
    limit: int | Unset = 8,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/products/{product_id}/similar".format(
            product_id=quote(str(product_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SimilarOut | None:
    if response.status_code == 200:
        response_200 = SimilarOut.from_dict(response.json())

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
) -> Response[Problem | SimilarOut]:
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
    limit: int | Unset = 8,
) -> Response[Problem | SimilarOut]:
    """Products similar to this one, by meaning

     The products for sale whose text (title, category, attributes, description) is
    nearest in meaning to this one's, nearest first, itself left out. Empty until the
    product's embedding is made (seconds after it is published or edited). 404 for a
    product that is not for sale.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        limit (int | Unset): How many products at most Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SimilarOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 8,
) -> Problem | SimilarOut | None:
    """Products similar to this one, by meaning

     The products for sale whose text (title, category, attributes, description) is
    nearest in meaning to this one's, nearest first, itself left out. Empty until the
    product's embedding is made (seconds after it is published or edited). 404 for a
    product that is not for sale.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        limit (int | Unset): How many products at most Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SimilarOut
    """

    return sync_detailed(
        product_id=product_id,
        client=client,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 8,
) -> Response[Problem | SimilarOut]:
    """Products similar to this one, by meaning

     The products for sale whose text (title, category, attributes, description) is
    nearest in meaning to this one's, nearest first, itself left out. Empty until the
    product's embedding is made (seconds after it is published or edited). 404 for a
    product that is not for sale.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        limit (int | Unset): How many products at most Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SimilarOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 8,
) -> Problem | SimilarOut | None:
    """Products similar to this one, by meaning

     The products for sale whose text (title, category, attributes, description) is
    nearest in meaning to this one's, nearest first, itself left out. Empty until the
    product's embedding is made (seconds after it is published or edited). 404 for a
    product that is not for sale.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        product_id (UUID):
        limit (int | Unset): How many products at most Default: 8.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SimilarOut
    """

    return (
        await asyncio_detailed(
            product_id=product_id,
            client=client,
            limit=limit,
        )
    ).parsed
