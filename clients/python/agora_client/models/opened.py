from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.conversation_out import ConversationOut
    from ..models.message_out import MessageOut


T = TypeVar("T", bound="Opened")


@_attrs_define
class Opened:
    """
    Attributes:
        conversation (ConversationOut):
        message (MessageOut):
    """

    conversation: ConversationOut
    message: MessageOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        conversation = self.conversation.to_dict()

        message = self.message.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "conversation": conversation,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.conversation_out import ConversationOut  # noqa: PLC0415
        from ..models.message_out import MessageOut  # noqa: PLC0415

        d = dict(src_dict)
        conversation = ConversationOut.from_dict(d.pop("conversation"))

        message = MessageOut.from_dict(d.pop("message"))

        opened = cls(
            conversation=conversation,
            message=message,
        )

        opened.additional_properties = d
        return opened

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
