from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.return_out import ReturnOut
from ...types import Response


def _get_kwargs(
    return_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/vendor/returns/{return_id}/receive".format(
            return_id=quote(str(return_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | ReturnOut | None:
    if response.status_code == 200:
        response_200 = ReturnOut.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

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
) -> Response[Problem | ReturnOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    return_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | ReturnOut]:
    """Record a return's parcel received

     The store has the approved return back: the buyer is refunded what they paid
    for those units (after discounts; shipping stays), and the stock restocked when
    the store said so on approval. A second receipt is 409.

    An API key needs the scope `orders:write`.

    Args:
        return_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReturnOut]
    """

    kwargs = _get_kwargs(
        return_id=return_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    return_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Problem | ReturnOut | None:
    """Record a return's parcel received

     The store has the approved return back: the buyer is refunded what they paid
    for those units (after discounts; shipping stays), and the stock restocked when
    the store said so on approval. A second receipt is 409.

    An API key needs the scope `orders:write`.

    Args:
        return_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReturnOut
    """

    return sync_detailed(
        return_id=return_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    return_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | ReturnOut]:
    """Record a return's parcel received

     The store has the approved return back: the buyer is refunded what they paid
    for those units (after discounts; shipping stays), and the stock restocked when
    the store said so on approval. A second receipt is 409.

    An API key needs the scope `orders:write`.

    Args:
        return_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ReturnOut]
    """

    kwargs = _get_kwargs(
        return_id=return_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    return_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Problem | ReturnOut | None:
    """Record a return's parcel received

     The store has the approved return back: the buyer is refunded what they paid
    for those units (after discounts; shipping stays), and the stock restocked when
    the store said so on approval. A second receipt is 409.

    An API key needs the scope `orders:write`.

    Args:
        return_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ReturnOut
    """

    return (
        await asyncio_detailed(
            return_id=return_id,
            client=client,
        )
    ).parsed
