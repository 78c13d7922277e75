from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.conversation_out_about import ConversationOutAbout
from ..models.conversation_out_your_side import ConversationOutYourSide

T = TypeVar("T", bound="ConversationOut")


@_attrs_define
class ConversationOut:
    """
    Attributes:
        id (UUID):
        about (ConversationOutAbout):
        buyer_id (UUID):
        vendor_id (None | UUID):
        product_id (None | UUID):
        order_id (None | UUID):
        your_side (ConversationOutYourSide): The side the caller writes on
        unread_count (int): Messages of the other side the caller's side has not read
        buyer_read_seq (int): The buyer read every message up to this `seq` (0: none)
        store_read_seq (int): The store (or support) read every message up to this `seq`
        buyer_read_at (datetime.datetime | None): When the buyer last read
        store_read_at (datetime.datetime | None): When the store (or support) last read
        created_at (datetime.datetime):
        last_message_at (datetime.datetime):
    """

    id: UUID
    about: ConversationOutAbout
    buyer_id: UUID
    vendor_id: None | UUID
    product_id: None | UUID
    order_id: None | UUID
    your_side: ConversationOutYourSide
    unread_count: int
    buyer_read_seq: int
    store_read_seq: int
    buyer_read_at: datetime.datetime | None
    store_read_at: datetime.datetime | None
    created_at: datetime.datetime
    last_message_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        about = self.about.value

        buyer_id = str(self.buyer_id)

        vendor_id: None | str
        if isinstance(self.vendor_id, UUID):
            vendor_id = str(self.vendor_id)
        else:
            vendor_id = self.vendor_id

        product_id: None | str
        if isinstance(self.product_id, UUID):
            product_id = str(self.product_id)
        else:
            product_id = self.product_id

        order_id: None | str
        if isinstance(self.order_id, UUID):
            order_id = str(self.order_id)
        else:
            order_id = self.order_id

        your_side = self.your_side.value

        unread_count = self.unread_count

        buyer_read_seq = self.buyer_read_seq

        store_read_seq = self.store_read_seq

        buyer_read_at: None | str
        if isinstance(self.buyer_read_at, datetime.datetime):
            buyer_read_at = self.buyer_read_at.isoformat()
        else:
            buyer_read_at = self.buyer_read_at

        store_read_at: None | str
        if isinstance(self.store_read_at, datetime.datetime):
            store_read_at = self.store_read_at.isoformat()
        else:
            store_read_at = self.store_read_at

        created_at = self.created_at.isoformat()

        last_message_at = self.last_message_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "about": about,
                "buyer_id": buyer_id,
                "vendor_id": vendor_id,
                "product_id": product_id,
                "order_id": order_id,
                "your_side": your_side,
                "unread_count": unread_count,
                "buyer_read_seq": buyer_read_seq,
                "store_read_seq": store_read_seq,
                "buyer_read_at": buyer_read_at,
                "store_read_at": store_read_at,
                "created_at": created_at,
                "last_message_at": last_message_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        about = ConversationOutAbout(d.pop("about"))

        buyer_id = UUID(d.pop("buyer_id"))

        def _parse_vendor_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                vendor_id_type_0 = UUID(data)

                return vendor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        vendor_id = _parse_vendor_id(d.pop("vendor_id"))

        def _parse_product_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                product_id_type_0 = UUID(data)

                return product_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        product_id = _parse_product_id(d.pop("product_id"))

        def _parse_order_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                order_id_type_0 = UUID(data)

                return order_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        order_id = _parse_order_id(d.pop("order_id"))

        your_side = ConversationOutYourSide(d.pop("your_side"))

        unread_count = d.pop("unread_count")

        buyer_read_seq = d.pop("buyer_read_seq")

        store_read_seq = d.pop("store_read_seq")

        def _parse_buyer_read_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                buyer_read_at_type_0 = datetime.datetime.fromisoformat(data)

                return buyer_read_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        buyer_read_at = _parse_buyer_read_at(d.pop("buyer_read_at"))

        def _parse_store_read_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                store_read_at_type_0 = datetime.datetime.fromisoformat(data)

                return store_read_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        store_read_at = _parse_store_read_at(d.pop("store_read_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        last_message_at = datetime.datetime.fromisoformat(d.pop("last_message_at"))

        conversation_out = cls(
            id=id,
            about=about,
            buyer_id=buyer_id,
            vendor_id=vendor_id,
            product_id=product_id,
            order_id=order_id,
            your_side=your_side,
            unread_count=unread_count,
            buyer_read_seq=buyer_read_seq,
            store_read_seq=store_read_seq,
            buyer_read_at=buyer_read_at,
            store_read_at=store_read_at,
            created_at=created_at,
            last_message_at=last_message_at,
        )

        conversation_out.additional_properties = d
        return conversation_out

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
