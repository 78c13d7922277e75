import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_audit_entry_out import PageAuditEntryOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    resource_type: None | str | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_actor: None | str | Unset
    if isinstance(actor, Unset):
        json_actor = UNSET
    else:
        json_actor = actor
    params["actor"] = json_actor

    json_action: None | str | Unset
    if isinstance(action, Unset):
        json_action = UNSET
    else:
        json_action = action
    params["action"] = json_action

    json_resource_type: None | str | Unset
    if isinstance(resource_type, Unset):
        json_resource_type = UNSET
    else:
        json_resource_type = resource_type
    params["resource_type"] = json_resource_type

    json_resource_id: None | str | Unset
    if isinstance(resource_id, Unset):
        json_resource_id = UNSET
    else:
        json_resource_id = resource_id
    params["resource_id"] = json_resource_id

    json_from_: None | str | Unset
    if isinstance(from_, Unset):
        json_from_ = UNSET
    elif isinstance(from_, datetime.datetime):
        json_from_ = from_.isoformat()
    else:
        json_from_ = from_
    params["from"] = json_from_

    json_to: None | str | Unset
    if isinstance(to, Unset):
        json_to = UNSET
    elif isinstance(to, datetime.datetime):
        json_to = to.isoformat()
    else:
        json_to = to
    params["to"] = json_to

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
        "url": "/api/v1/admin/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageAuditEntryOut | Problem | None:
    if response.status_code == 200:
        response_200 = PageAuditEntryOut.from_dict(response.json())

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
) -> Response[PageAuditEntryOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    resource_type: None | str | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageAuditEntryOut | Problem]:
    """The audit log, newest first

     Every admin and vendor action of every service (who, what, when, the changed
    fields before and after, the request and trace ids), newest first,
    cursor-paginated. Entries cannot be changed or removed. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        actor (None | str | Unset): The acting user's id
        action (None | str | Unset): e.g. `vendor.approve`
        resource_type (None | str | Unset): e.g. `product`
        resource_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset): Entries at or after this time
        to (datetime.datetime | None | Unset): Entries before this time
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditEntryOut | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        from_=from_,
        to=to,
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
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    resource_type: None | str | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageAuditEntryOut | Problem | None:
    """The audit log, newest first

     Every admin and vendor action of every service (who, what, when, the changed
    fields before and after, the request and trace ids), newest first,
    cursor-paginated. Entries cannot be changed or removed. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        actor (None | str | Unset): The acting user's id
        action (None | str | Unset): e.g. `vendor.approve`
        resource_type (None | str | Unset): e.g. `product`
        resource_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset): Entries at or after this time
        to (datetime.datetime | None | Unset): Entries before this time
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditEntryOut | Problem
    """

    return sync_detailed(
        client=client,
        actor=actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        from_=from_,
        to=to,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    resource_type: None | str | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> Response[PageAuditEntryOut | Problem]:
    """The audit log, newest first

     Every admin and vendor action of every service (who, what, when, the changed
    fields before and after, the request and trace ids), newest first,
    cursor-paginated. Entries cannot be changed or removed. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        actor (None | str | Unset): The acting user's id
        action (None | str | Unset): e.g. `vendor.approve`
        resource_type (None | str | Unset): e.g. `product`
        resource_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset): Entries at or after this time
        to (datetime.datetime | None | Unset): Entries before this time
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditEntryOut | Problem]
    """

    kwargs = _get_kwargs(
        actor=actor,
        action=action,
        resource_type=resource_type,
        resource_id=resource_id,
        from_=from_,
        to=to,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    actor: None | str | Unset = UNSET,
    action: None | str | Unset = UNSET,
    resource_type: None | str | Unset = UNSET,
    resource_id: None | str | Unset = UNSET,
    from_: datetime.datetime | None | Unset = UNSET,
    to: datetime.datetime | None | Unset = UNSET,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
) -> PageAuditEntryOut | Problem | None:
    """The audit log, newest first

     Every admin and vendor action of every service (who, what, when, the changed
    fields before and after, the request and trace ids), newest first,
    cursor-paginated. Entries cannot be changed or removed. Admins only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        actor (None | str | Unset): The acting user's id
        action (None | str | Unset): e.g. `vendor.approve`
        resource_type (None | str | Unset): e.g. `product`
        resource_id (None | str | Unset):
        from_ (datetime.datetime | None | Unset): Entries at or after this time
        to (datetime.datetime | None | Unset): Entries before this time
        limit (int | Unset): Items per page Default: 20.
        cursor (None | str | Unset): `next_cursor` of the previous page

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditEntryOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            actor=actor,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            from_=from_,
            to=to,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
