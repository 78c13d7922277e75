import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.vendor_stats_out import VendorStatsOut
from ...models.vendors_me_stats_get_interval import VendorsMeStatsGetInterval
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: VendorsMeStatsGetInterval | Unset = VendorsMeStatsGetInterval.DAY,
    low_stock: int | Unset = 5,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to = to.isoformat()
    params["to"] = json_to

    json_interval: str | Unset = UNSET
    if not isinstance(interval, Unset):
        json_interval = interval.value

    params["interval"] = json_interval

    params["low_stock"] = low_stock

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/vendors/me/stats",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | VendorStatsOut | None:
    if response.status_code == 200:
        response_200 = VendorStatsOut.from_dict(response.json())

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
) -> Response[Problem | VendorStatsOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: VendorsMeStatsGetInterval | Unset = VendorsMeStatsGetInterval.DAY,
    low_stock: int | Unset = 5,
) -> Response[Problem | VendorStatsOut]:
    """Your store's figures

     The caller's store in periods of the range and in total: paid orders placed in
    it, units, gross sales, refunds, platform fees, net payouts and average order
    value; its products by units sold in the range; and its SKUs low on stock now.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (VendorsMeStatsGetInterval | Unset): Length of a period (UTC) Default:
            VendorsMeStatsGetInterval.DAY.
        low_stock (int | Unset): SKUs with at most this many available Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VendorStatsOut]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        interval=interval,
        low_stock=low_stock,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: VendorsMeStatsGetInterval | Unset = VendorsMeStatsGetInterval.DAY,
    low_stock: int | Unset = 5,
) -> Problem | VendorStatsOut | None:
    """Your store's figures

     The caller's store in periods of the range and in total: paid orders placed in
    it, units, gross sales, refunds, platform fees, net payouts and average order
    value; its products by units sold in the range; and its SKUs low on stock now.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (VendorsMeStatsGetInterval | Unset): Length of a period (UTC) Default:
            VendorsMeStatsGetInterval.DAY.
        low_stock (int | Unset): SKUs with at most this many available Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VendorStatsOut
    """

    return sync_detailed(
        client=client,
        from_=from_,
        to=to,
        interval=interval,
        low_stock=low_stock,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: VendorsMeStatsGetInterval | Unset = VendorsMeStatsGetInterval.DAY,
    low_stock: int | Unset = 5,
) -> Response[Problem | VendorStatsOut]:
    """Your store's figures

     The caller's store in periods of the range and in total: paid orders placed in
    it, units, gross sales, refunds, platform fees, net payouts and average order
    value; its products by units sold in the range; and its SKUs low on stock now.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (VendorsMeStatsGetInterval | Unset): Length of a period (UTC) Default:
            VendorsMeStatsGetInterval.DAY.
        low_stock (int | Unset): SKUs with at most this many available Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VendorStatsOut]
    """

    kwargs = _get_kwargs(
        from_=from_,
        to=to,
        interval=interval,
        low_stock=low_stock,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: VendorsMeStatsGetInterval | Unset = VendorsMeStatsGetInterval.DAY,
    low_stock: int | Unset = 5,
) -> Problem | VendorStatsOut | None:
    """Your store's figures

     The caller's store in periods of the range and in total: paid orders placed in
    it, units, gross sales, refunds, platform fees, net payouts and average order
    value; its products by units sold in the range; and its SKUs low on stock now.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (VendorsMeStatsGetInterval | Unset): Length of a period (UTC) Default:
            VendorsMeStatsGetInterval.DAY.
        low_stock (int | Unset): SKUs with at most this many available Default: 5.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VendorStatsOut
    """

    return (
        await asyncio_detailed(
            client=client,
            from_=from_,
            to=to,
            interval=interval,
            low_stock=low_stock,
        )
    ).parsed
