from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.body_products_images_create import BodyProductsImagesCreate
from ...models.problem import Problem
from ...models.uploaded_image_out import UploadedImageOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    product_id: UUID,
    *,
    body: BodyProductsImagesCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/products/{product_id}/images".format(
            product_id=quote(str(product_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | UploadedImageOut | None:
    if response.status_code == 201:
        response_201 = UploadedImageOut.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

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
) -> Response[Problem | UploadedImageOut]:
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
    body: BodyProductsImagesCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | UploadedImageOut]:
    """Upload a product image (owner or admin)

     Add an image to a product. Its type is judged by its content alone (JPEG, PNG or
    WebP; 415 otherwise), never by its name or declared type; larger than 10 MB is 413,
    one that cannot be decoded 422, and nothing is kept then. The stored original is
    re-encoded without EXIF or other metadata. It answers in state `processing`; its
    thumbnails are made in the background and the image turns `ready` (or `failed`).
    503 when the image store cannot be reached. The owning vendor or an admin. A retry
    with the same `Idempotency-Key` and the same file gets the first answer again and
    makes no second image; the same key with another file is 422.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (printable ASCII, up to 255); a
            retry with the same key and body gets the first answer again
        body (BodyProductsImagesCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadedImageOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    body: BodyProductsImagesCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | UploadedImageOut | None:
    """Upload a product image (owner or admin)

     Add an image to a product. Its type is judged by its content alone (JPEG, PNG or
    WebP; 415 otherwise), never by its name or declared type; larger than 10 MB is 413,
    one that cannot be decoded 422, and nothing is kept then. The stored original is
    re-encoded without EXIF or other metadata. It answers in state `processing`; its
    thumbnails are made in the background and the image turns `ready` (or `failed`).
    503 when the image store cannot be reached. The owning vendor or an admin. A retry
    with the same `Idempotency-Key` and the same file gets the first answer again and
    makes no second image; the same key with another file is 422.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (printable ASCII, up to 255); a
            retry with the same key and body gets the first answer again
        body (BodyProductsImagesCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadedImageOut
    """

    return sync_detailed(
        product_id=product_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    body: BodyProductsImagesCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | UploadedImageOut]:
    """Upload a product image (owner or admin)

     Add an image to a product. Its type is judged by its content alone (JPEG, PNG or
    WebP; 415 otherwise), never by its name or declared type; larger than 10 MB is 413,
    one that cannot be decoded 422, and nothing is kept then. The stored original is
    re-encoded without EXIF or other metadata. It answers in state `processing`; its
    thumbnails are made in the background and the image turns `ready` (or `failed`).
    503 when the image store cannot be reached. The owning vendor or an admin. A retry
    with the same `Idempotency-Key` and the same file gets the first answer again and
    makes no second image; the same key with another file is 422.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (printable ASCII, up to 255); a
            retry with the same key and body gets the first answer again
        body (BodyProductsImagesCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | UploadedImageOut]
    """

    kwargs = _get_kwargs(
        product_id=product_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    product_id: UUID,
    *,
    client: AuthenticatedClient,
    body: BodyProductsImagesCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | UploadedImageOut | None:
    """Upload a product image (owner or admin)

     Add an image to a product. Its type is judged by its content alone (JPEG, PNG or
    WebP; 415 otherwise), never by its name or declared type; larger than 10 MB is 413,
    one that cannot be decoded 422, and nothing is kept then. The stored original is
    re-encoded without EXIF or other metadata. It answers in state `processing`; its
    thumbnails are made in the background and the image turns `ready` (or `failed`).
    503 when the image store cannot be reached. The owning vendor or an admin. A retry
    with the same `Idempotency-Key` and the same file gets the first answer again and
    makes no second image; the same key with another file is 422.

    An API key needs the scope `inventory:write`.

    Args:
        product_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (printable ASCII, up to 255); a
            retry with the same key and body gets the first answer again
        body (BodyProductsImagesCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | UploadedImageOut
    """

    return (
        await asyncio_detailed(
            product_id=product_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
