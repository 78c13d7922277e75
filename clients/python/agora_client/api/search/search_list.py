from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.search_list_mode import SearchListMode
from ...models.search_list_sort import SearchListSort
from ...models.search_response import SearchResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    q: None | str | Unset = UNSET,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    min_price: int | None | Unset = UNSET,
    max_price: int | None | Unset = UNSET,
    attr: list[str] | None | Unset = UNSET,
    sort: SearchListSort | Unset = SearchListSort.RELEVANCE,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    mode: SearchListMode | Unset = SearchListMode.TEXT,
    currency: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_q: None | str | Unset
    if isinstance(q, Unset):
        json_q = UNSET
    else:
        json_q = q
    params["q"] = json_q

    json_category: None | str | Unset
    if isinstance(category, Unset):
        json_category = UNSET
    elif isinstance(category, UUID):
        json_category = str(category)
    else:
        json_category = category
    params["category"] = json_category

    json_vendor: None | str | Unset
    if isinstance(vendor, Unset):
        json_vendor = UNSET
    elif isinstance(vendor, UUID):
        json_vendor = str(vendor)
    else:
        json_vendor = vendor
    params["vendor"] = json_vendor

    json_min_price: int | None | Unset
    if isinstance(min_price, Unset):
        json_min_price = UNSET
    else:
        json_min_price = min_price
    params["min_price"] = json_min_price

    json_max_price: int | None | Unset
    if isinstance(max_price, Unset):
        json_max_price = UNSET
    else:
        json_max_price = max_price
    params["max_price"] = json_max_price

    json_attr: list[str] | None | Unset
    if isinstance(attr, Unset):
        json_attr = UNSET
    elif isinstance(attr, list):
        json_attr = attr

    else:
        json_attr = attr
    params["attr"] = json_attr

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_mode: str | Unset = UNSET
    if not isinstance(mode, Unset):
        json_mode = mode.value

    params["mode"] = json_mode

    json_currency: None | str | Unset
    if isinstance(currency, Unset):
        json_currency = UNSET
    else:
        json_currency = currency
    params["currency"] = json_currency

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/search",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SearchResponse | None:
    if response.status_code == 200:
        response_200 = SearchResponse.from_dict(response.json())

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
) -> Response[Problem | SearchResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    min_price: int | None | Unset = UNSET,
    max_price: int | None | Unset = UNSET,
    attr: list[str] | None | Unset = UNSET,
    sort: SearchListSort | Unset = SearchListSort.RELEVANCE,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    mode: SearchListMode | Unset = SearchListMode.TEXT,
    currency: None | str | Unset = UNSET,
) -> Response[Problem | SearchResponse]:
    """Product search by words, meaning or both, with filters, facets, sorts and pages

     Full-text search over the products for sale, typo tolerant, with filters
    (category, vendor, price range), facets, sorts (`relevance`, `price_asc`,
    `price_desc`, `newest`) and cursor pages. With `currency`, each item's lowest price
    is also shown converted to it (`display_price`); an unknown currency is 422
    `unknown-currency`. Price filters and facets stay in minor units of the prices'
    own currencies.

    `mode=vector` ranks by meaning: the query's embedding (all-MiniLM-L6-v2) against
    each product's, nearest first; `mode=hybrid` fuses that list with the text
    ranking by reciprocal rank. Both find at most the 100 best of each list after the
    filters; `total` and the facets count those. Without `q` every mode lists as
    `text` does. Both search backends answer every mode.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        q (None | str | Unset): Words to look for
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID):
        min_price (int | None | Unset): Minor units, inclusive
        max_price (int | None | Unset): Minor units, inclusive
        attr (list[str] | None | Unset): name:value, repeatable:
            colour:red&attr=colour:blue&attr=size:M
        sort (SearchListSort | Unset):  Default: SearchListSort.RELEVANCE.
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        mode (SearchListMode | Unset): text: by the words (typo tolerant); vector: by meaning
            (text embeddings); hybrid: both, fused by reciprocal rank Default: SearchListMode.TEXT.
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SearchResponse]
    """

    kwargs = _get_kwargs(
        q=q,
        category=category,
        vendor=vendor,
        min_price=min_price,
        max_price=max_price,
        attr=attr,
        sort=sort,
        limit=limit,
        cursor=cursor,
        mode=mode,
        currency=currency,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    min_price: int | None | Unset = UNSET,
    max_price: int | None | Unset = UNSET,
    attr: list[str] | None | Unset = UNSET,
    sort: SearchListSort | Unset = SearchListSort.RELEVANCE,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    mode: SearchListMode | Unset = SearchListMode.TEXT,
    currency: None | str | Unset = UNSET,
) -> Problem | SearchResponse | None:
    """Product search by words, meaning or both, with filters, facets, sorts and pages

     Full-text search over the products for sale, typo tolerant, with filters
    (category, vendor, price range), facets, sorts (`relevance`, `price_asc`,
    `price_desc`, `newest`) and cursor pages. With `currency`, each item's lowest price
    is also shown converted to it (`display_price`); an unknown currency is 422
    `unknown-currency`. Price filters and facets stay in minor units of the prices'
    own currencies.

    `mode=vector` ranks by meaning: the query's embedding (all-MiniLM-L6-v2) against
    each product's, nearest first; `mode=hybrid` fuses that list with the text
    ranking by reciprocal rank. Both find at most the 100 best of each list after the
    filters; `total` and the facets count those. Without `q` every mode lists as
    `text` does. Both search backends answer every mode.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        q (None | str | Unset): Words to look for
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID):
        min_price (int | None | Unset): Minor units, inclusive
        max_price (int | None | Unset): Minor units, inclusive
        attr (list[str] | None | Unset): name:value, repeatable:
            colour:red&attr=colour:blue&attr=size:M
        sort (SearchListSort | Unset):  Default: SearchListSort.RELEVANCE.
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        mode (SearchListMode | Unset): text: by the words (typo tolerant); vector: by meaning
            (text embeddings); hybrid: both, fused by reciprocal rank Default: SearchListMode.TEXT.
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SearchResponse
    """

    return sync_detailed(
        client=client,
        q=q,
        category=category,
        vendor=vendor,
        min_price=min_price,
        max_price=max_price,
        attr=attr,
        sort=sort,
        limit=limit,
        cursor=cursor,
        mode=mode,
        currency=currency,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    min_price: int | None | Unset = UNSET,
    max_price: int | None | Unset = UNSET,
    attr: list[str] | None | Unset = UNSET,
    sort: SearchListSort | Unset = SearchListSort.RELEVANCE,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    mode: SearchListMode | Unset = SearchListMode.TEXT,
    currency: None | str | Unset = UNSET,
) -> Response[Problem | SearchResponse]:
    """Product search by words, meaning or both, with filters, facets, sorts and pages

     Full-text search over the products for sale, typo tolerant, with filters
    (category, vendor, price range), facets, sorts (`relevance`, `price_asc`,
    `price_desc`, `newest`) and cursor pages. With `currency`, each item's lowest price
    is also shown converted to it (`display_price`); an unknown currency is 422
    `unknown-currency`. Price filters and facets stay in minor units of the prices'
    own currencies.

    `mode=vector` ranks by meaning: the query's embedding (all-MiniLM-L6-v2) against
    each product's, nearest first; `mode=hybrid` fuses that list with the text
    ranking by reciprocal rank. Both find at most the 100 best of each list after the
    filters; `total` and the facets count those. Without `q` every mode lists as
    `text` does. Both search backends answer every mode.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        q (None | str | Unset): Words to look for
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID):
        min_price (int | None | Unset): Minor units, inclusive
        max_price (int | None | Unset): Minor units, inclusive
        attr (list[str] | None | Unset): name:value, repeatable:
            colour:red&attr=colour:blue&attr=size:M
        sort (SearchListSort | Unset):  Default: SearchListSort.RELEVANCE.
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        mode (SearchListMode | Unset): text: by the words (typo tolerant); vector: by meaning
            (text embeddings); hybrid: both, fused by reciprocal rank Default: SearchListMode.TEXT.
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SearchResponse]
    """

    kwargs = _get_kwargs(
        q=q,
        category=category,
        vendor=vendor,
        min_price=min_price,
        max_price=max_price,
        attr=attr,
        sort=sort,
        limit=limit,
        cursor=cursor,
        mode=mode,
        currency=currency,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    q: None | str | Unset = UNSET,
    category: None | Unset | UUID = UNSET,
    vendor: None | Unset | UUID = UNSET,
    min_price: int | None | Unset = UNSET,
    max_price: int | None | Unset = UNSET,
    attr: list[str] | None | Unset = UNSET,
    sort: SearchListSort | Unset = SearchListSort.RELEVANCE,
    limit: int | Unset = 20,
    cursor: None | str | Unset = UNSET,
    mode: SearchListMode | Unset = SearchListMode.TEXT,
    currency: None | str | Unset = UNSET,
) -> Problem | SearchResponse | None:
    """Product search by words, meaning or both, with filters, facets, sorts and pages

     Full-text search over the products for sale, typo tolerant, with filters
    (category, vendor, price range), facets, sorts (`relevance`, `price_asc`,
    `price_desc`, `newest`) and cursor pages. With `currency`, each item's lowest price
    is also shown converted to it (`display_price`); an unknown currency is 422
    `unknown-currency`. Price filters and facets stay in minor units of the prices'
    own currencies.

    `mode=vector` ranks by meaning: the query's embedding (all-MiniLM-L6-v2) against
    each product's, nearest first; `mode=hybrid` fuses that list with the text
    ranking by reciprocal rank. Both find at most the 100 best of each list after the
    filters; `total` and the facets count those. Without `q` every mode lists as
    `text` does. Both search backends answer every mode.

    An API key needs the scope `catalog:read` or `inventory:write`.

    Args:
        q (None | str | Unset): Words to look for
        category (None | Unset | UUID): This category and every one below it
        vendor (None | Unset | UUID):
        min_price (int | None | Unset): Minor units, inclusive
        max_price (int | None | Unset): Minor units, inclusive
        attr (list[str] | None | Unset): name:value, repeatable:
            colour:red&attr=colour:blue&attr=size:M
        sort (SearchListSort | Unset):  Default: SearchListSort.RELEVANCE.
        limit (int | Unset):  Default: 20.
        cursor (None | str | Unset):
        mode (SearchListMode | Unset): text: by the words (typo tolerant); vector: by meaning
            (text embeddings); hybrid: both, fused by reciprocal rank Default: SearchListMode.TEXT.
        currency (None | str | Unset): Also show prices in this currency (ISO 4217), converted at
            the rates of GET /currencies; orders are still charged in the product's currency

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SearchResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            q=q,
            category=category,
            vendor=vendor,
            min_price=min_price,
            max_price=max_price,
            attr=attr,
            sort=sort,
            limit=limit,
            cursor=cursor,
            mode=mode,
            currency=currency,
        )
    ).parsed
