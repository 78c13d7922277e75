import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.admin_analytics_get_interval import AdminAnalyticsGetInterval
from ...models.admin_analytics_get_metric import AdminAnalyticsGetMetric
from ...models.analytics_out import AnalyticsOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    metric: AdminAnalyticsGetMetric,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: AdminAnalyticsGetInterval | Unset = AdminAnalyticsGetInterval.DAY,
    currency: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_metric = metric.value
    params["metric"] = json_metric

    json_from_ = from_.isoformat()
    params["from"] = json_from_

    json_to = to.isoformat()
    params["to"] = json_to

    json_interval: str | Unset = UNSET
    if not isinstance(interval, Unset):
        json_interval = interval.value

    params["interval"] = json_interval

    json_currency: None | str | Unset
    if isinstance(currency, Unset):
        json_currency = UNSET
    else:
        json_currency = currency
    params["currency"] = json_currency

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/admin/analytics",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnalyticsOut | Problem | None:
    if response.status_code == 200:
        response_200 = AnalyticsOut.from_dict(response.json())

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
) -> Response[AnalyticsOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    metric: AdminAnalyticsGetMetric,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: AdminAnalyticsGetInterval | Unset = AdminAnalyticsGetInterval.DAY,
    currency: None | str | Unset = UNSET,
) -> Response[AnalyticsOut | Problem]:
    """The platform's figures by period

     One metric per period of the range (orders by when they were placed, in UTC):
    `gmv`, the totals of paid orders; `orders`, how many were paid; `aov`, GMV per paid
    order; `refund_rate`, what was refunded of them over their GMV; `new_buyers`, buyers
    whose first paid order it was; `conversion`, paid orders over carts begun. Admins
    only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        metric (AdminAnalyticsGetMetric): What to measure
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (AdminAnalyticsGetInterval | Unset): Length of a period (UTC) Default:
            AdminAnalyticsGetInterval.DAY.
        currency (None | str | Unset): Only this currency (money metrics)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsOut | Problem]
    """

    kwargs = _get_kwargs(
        metric=metric,
        from_=from_,
        to=to,
        interval=interval,
        currency=currency,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    metric: AdminAnalyticsGetMetric,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: AdminAnalyticsGetInterval | Unset = AdminAnalyticsGetInterval.DAY,
    currency: None | str | Unset = UNSET,
) -> AnalyticsOut | Problem | None:
    """The platform's figures by period

     One metric per period of the range (orders by when they were placed, in UTC):
    `gmv`, the totals of paid orders; `orders`, how many were paid; `aov`, GMV per paid
    order; `refund_rate`, what was refunded of them over their GMV; `new_buyers`, buyers
    whose first paid order it was; `conversion`, paid orders over carts begun. Admins
    only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        metric (AdminAnalyticsGetMetric): What to measure
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (AdminAnalyticsGetInterval | Unset): Length of a period (UTC) Default:
            AdminAnalyticsGetInterval.DAY.
        currency (None | str | Unset): Only this currency (money metrics)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsOut | Problem
    """

    return sync_detailed(
        client=client,
        metric=metric,
        from_=from_,
        to=to,
        interval=interval,
        currency=currency,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    metric: AdminAnalyticsGetMetric,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: AdminAnalyticsGetInterval | Unset = AdminAnalyticsGetInterval.DAY,
    currency: None | str | Unset = UNSET,
) -> Response[AnalyticsOut | Problem]:
    """The platform's figures by period

     One metric per period of the range (orders by when they were placed, in UTC):
    `gmv`, the totals of paid orders; `orders`, how many were paid; `aov`, GMV per paid
    order; `refund_rate`, what was refunded of them over their GMV; `new_buyers`, buyers
    whose first paid order it was; `conversion`, paid orders over carts begun. Admins
    only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        metric (AdminAnalyticsGetMetric): What to measure
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (AdminAnalyticsGetInterval | Unset): Length of a period (UTC) Default:
            AdminAnalyticsGetInterval.DAY.
        currency (None | str | Unset): Only this currency (money metrics)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnalyticsOut | Problem]
    """

    kwargs = _get_kwargs(
        metric=metric,
        from_=from_,
        to=to,
        interval=interval,
        currency=currency,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    metric: AdminAnalyticsGetMetric,
    from_: datetime.datetime,
    to: datetime.datetime,
    interval: AdminAnalyticsGetInterval | Unset = AdminAnalyticsGetInterval.DAY,
    currency: None | str | Unset = UNSET,
) -> AnalyticsOut | Problem | None:
    """The platform's figures by period

     One metric per period of the range (orders by when they were placed, in UTC):
    `gmv`, the totals of paid orders; `orders`, how many were paid; `aov`, GMV per paid
    order; `refund_rate`, what was refunded of them over their GMV; `new_buyers`, buyers
    whose first paid order it was; `conversion`, paid orders over carts begun. Admins
    only.

    API keys cannot call this endpoint: sign in as the user.

    Args:
        metric (AdminAnalyticsGetMetric): What to measure
        from_ (datetime.datetime): First instant, with a time zone
        to (datetime.datetime): End of the range (excluded), with a time zone
        interval (AdminAnalyticsGetInterval | Unset): Length of a period (UTC) Default:
            AdminAnalyticsGetInterval.DAY.
        currency (None | str | Unset): Only this currency (money metrics)

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnalyticsOut | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            metric=metric,
            from_=from_,
            to=to,
            interval=interval,
            currency=currency,
        )
    ).parsed
