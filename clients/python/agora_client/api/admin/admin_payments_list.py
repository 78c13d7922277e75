from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.admin_payments_list_status_type_0 import AdminPaymentsListStatusType0
from ...models.page_admin_payment_out import PageAdminPaymentOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    order_id: None | Unset | UUID = UNSET,
    order_number: None | str | Unset = UNSET,
    status: AdminPaymentsListStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_order_id: None | str | Unset
    if isinstance(order_id, Unset):
        json_order_id = UNSET
    elif isinstance(order_id, UUID):
        json_order_id = str(order_id)
    else:
        json_order_id = order_id
    params["order_id"] = json_order_id

    json_order_number: None | str | Unset
    if isinstance(order_number, Unset):
        json_order_number = UNSET
    else:
        json_order_number = order_number
    params["order_number"] = json_order_number

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, AdminPaymentsListStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/admin/payments",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageAdminPaymentOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageAdminPaymentOut.from_dict(response.json())

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
) -> Response[PageAdminPaymentOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    order_number: None | str | Unset = UNSET,
    status: AdminPaymentsListStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageAdminPaymentOut | Problem]:
    """Find payments

     Every buyer's payments, newest first, cursor-paginated: the one of an order
    (by id or number), or those in a state. The id to refund is the payment's ``id``;
    what is left to refund is ``amount`` less ``refunded``. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        order_id (None | Unset | UUID): The order's id
        order_number (None | str | Unset): The order's number, as its buyer and vendors see it
        status (AdminPaymentsListStatusType0 | None | Unset): Only payments in this state
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAdminPaymentOut | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        order_number=order_number,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    order_number: None | str | Unset = UNSET,
    status: AdminPaymentsListStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageAdminPaymentOut | Problem | None:
    """Find payments

     Every buyer's payments, newest first, cursor-paginated: the one of an order
    (by id or number), or those in a state. The id to refund is the payment's ``id``;
    what is left to refund is ``amount`` less ``refunded``. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        order_id (None | Unset | UUID): The order's id
        order_number (None | str | Unset): The order's number, as its buyer and vendors see it
        status (AdminPaymentsListStatusType0 | None | Unset): Only payments in this state
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAdminPaymentOut | Problem
    """

    return sync_detailed(
        client=client,
        order_id=order_id,
        order_number=order_number,
        status=status,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    order_number: None | str | Unset = UNSET,
    status: AdminPaymentsListStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageAdminPaymentOut | Problem]:
    """Find payments

     Every buyer's payments, newest first, cursor-paginated: the one of an order
    (by id or number), or those in a state. The id to refund is the payment's ``id``;
    what is left to refund is ``amount`` less ``refunded``. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        order_id (None | Unset | UUID): The order's id
        order_number (None | str | Unset): The order's number, as its buyer and vendors see it
        status (AdminPaymentsListStatusType0 | None | Unset): Only payments in this state
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAdminPaymentOut | Problem]
    """

    kwargs = _get_kwargs(
        order_id=order_id,
        order_number=order_number,
        status=status,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    order_id: None | Unset | UUID = UNSET,
    order_number: None | str | Unset = UNSET,
    status: AdminPaymentsListStatusType0 | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageAdminPaymentOut | Problem | None:
    """Find payments

     Every buyer's payments, newest first, cursor-paginated: the one of an order
    (by id or number), or those in a state. The id to refund is the payment's ``id``;
    what is left to refund is ``amount`` less ``refunded``. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        order_id (None | Unset | UUID): The order's id
        order_number (None | str | Unset): The order's number, as its buyer and vendors see it
        status (AdminPaymentsListStatusType0 | None | Unset): Only payments in this state
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAdminPaymentOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            order_id=order_id,
            order_number=order_number,
            status=status,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
