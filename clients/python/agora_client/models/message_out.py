from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.message_out_side import MessageOutSide

if TYPE_CHECKING:
    from ..models.attachment import Attachment


T = TypeVar("T", bound="MessageOut")


@_attrs_define
class MessageOut:
    """
    Attributes:
        id (UUID):
        seq (int): Its place: later messages have larger ones
        conversation_id (UUID):
        side (MessageOutSide): `buyer`, or `store` (the store's owner, or support)
        sender_id (None | UUID): Null once the writer was erased
        body (str):
        attachments (list[Attachment]):
        created_at (datetime.datetime):
        erased (bool):
        removed (bool): An admin removed it after a report: its text and attachments are gone
    """

    id: UUID
    seq: int
    conversation_id: UUID
    side: MessageOutSide
    sender_id: None | UUID
    body: str
    attachments: list[Attachment]
    created_at: datetime.datetime
    erased: bool
    removed: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        seq = self.seq

        conversation_id = str(self.conversation_id)

        side = self.side.value

        sender_id: None | str
        if isinstance(self.sender_id, UUID):
            sender_id = str(self.sender_id)
        else:
            sender_id = self.sender_id

        body = self.body

        attachments = []
        for attachments_item_data in self.attachments:
            attachments_item = attachments_item_data.to_dict()
            attachments.append(attachments_item)

        created_at = self.created_at.isoformat()

        erased = self.erased

        removed = self.removed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "seq": seq,
                "conversation_id": conversation_id,
                "side": side,
                "sender_id": sender_id,
                "body": body,
                "attachments": attachments,
                "created_at": created_at,
                "erased": erased,
                "removed": removed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.attachment import Attachment  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        seq = d.pop("seq")

        conversation_id = UUID(d.pop("conversation_id"))

        side = MessageOutSide(d.pop("side"))

        def _parse_sender_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sender_id_type_0 = UUID(data)

                return sender_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        sender_id = _parse_sender_id(d.pop("sender_id"))

        body = d.pop("body")

        attachments = []
        _attachments = d.pop("attachments")
        for attachments_item_data in _attachments:
            attachments_item = Attachment.from_dict(attachments_item_data)

            attachments.append(attachments_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        erased = d.pop("erased")

        removed = d.pop("removed")

        message_out = cls(
            id=id,
            seq=seq,
            conversation_id=conversation_id,
            side=side,
            sender_id=sender_id,
            body=body,
            attachments=attachments,
            created_at=created_at,
            erased=erased,
            removed=removed,
        )

        message_out.additional_properties = d
        return message_out

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
