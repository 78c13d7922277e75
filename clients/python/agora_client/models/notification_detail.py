from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.delivery_out import DeliveryOut
    from ..models.notification_detail_data import NotificationDetailData


T = TypeVar("T", bound="NotificationDetail")


@_attrs_define
class NotificationDetail:
    """
    Attributes:
        id (UUID):
        kind (str): What happened: order_confirmed, password_changed, ...
        category (str): account, orders, messages or marketing
        title (str):
        body (str):
        link (None | str): Where the entry leads in the frontend
        data (NotificationDetailData): Ids for clients: order_id, sku, vendor_id, ...
        created_at (datetime.datetime):
        read_at (datetime.datetime | None):
        read (bool):
        deliveries (list[DeliveryOut]):
    """

    id: UUID
    kind: str
    category: str
    title: str
    body: str
    link: None | str
    data: NotificationDetailData
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    read: bool
    deliveries: list[DeliveryOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        kind = self.kind

        category = self.category

        title = self.title

        body = self.body

        link: None | str
        link = self.link

        data = self.data.to_dict()

        created_at = self.created_at.isoformat()

        read_at: None | str
        if isinstance(self.read_at, datetime.datetime):
            read_at = self.read_at.isoformat()
        else:
            read_at = self.read_at

        read = self.read

        deliveries = []
        for deliveries_item_data in self.deliveries:
            deliveries_item = deliveries_item_data.to_dict()
            deliveries.append(deliveries_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "kind": kind,
                "category": category,
                "title": title,
                "body": body,
                "link": link,
                "data": data,
                "created_at": created_at,
                "read_at": read_at,
                "read": read,
                "deliveries": deliveries,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_out import DeliveryOut  # noqa: PLC0415
        from ..models.notification_detail_data import NotificationDetailData  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        kind = d.pop("kind")

        category = d.pop("category")

        title = d.pop("title")

        body = d.pop("body")

        def _parse_link(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        link = _parse_link(d.pop("link"))

        data = NotificationDetailData.from_dict(d.pop("data"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_read_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                read_at_type_0 = datetime.datetime.fromisoformat(data)

                return read_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        read_at = _parse_read_at(d.pop("read_at"))

        read = d.pop("read")

        deliveries = []
        _deliveries = d.pop("deliveries")
        for deliveries_item_data in _deliveries:
            deliveries_item = DeliveryOut.from_dict(deliveries_item_data)

            deliveries.append(deliveries_item)

        notification_detail = cls(
            id=id,
            kind=kind,
            category=category,
            title=title,
            body=body,
            link=link,
            data=data,
            created_at=created_at,
            read_at=read_at,
            read=read,
            deliveries=deliveries,
        )

        notification_detail.additional_properties = d
        return notification_detail

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
