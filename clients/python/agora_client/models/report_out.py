from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.message_out import MessageOut


T = TypeVar("T", bound="ReportOut")


@_attrs_define
class ReportOut:
    """
    Attributes:
        id (UUID):
        conversation_id (UUID):
        message_id (UUID):
        reporter_id (None | UUID):
        reason (str):
        created_at (datetime.datetime):
        message (MessageOut | None | Unset): The message reported (in the admins' list)
    """

    id: UUID
    conversation_id: UUID
    message_id: UUID
    reporter_id: None | UUID
    reason: str
    created_at: datetime.datetime
    message: MessageOut | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.message_out import MessageOut  # noqa: PLC0415

        id = str(self.id)

        conversation_id = str(self.conversation_id)

        message_id = str(self.message_id)

        reporter_id: None | str
        if isinstance(self.reporter_id, UUID):
            reporter_id = str(self.reporter_id)
        else:
            reporter_id = self.reporter_id

        reason = self.reason

        created_at = self.created_at.isoformat()

        message: dict[str, Any] | None | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        elif isinstance(self.message, MessageOut):
            message = self.message.to_dict()
        else:
            message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "conversation_id": conversation_id,
                "message_id": message_id,
                "reporter_id": reporter_id,
                "reason": reason,
                "created_at": created_at,
            }
        )
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.message_out import MessageOut  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        conversation_id = UUID(d.pop("conversation_id"))

        message_id = UUID(d.pop("message_id"))

        def _parse_reporter_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                reporter_id_type_0 = UUID(data)

                return reporter_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        reporter_id = _parse_reporter_id(d.pop("reporter_id"))

        reason = d.pop("reason")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_message(data: object) -> MessageOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                message_type_0 = MessageOut.from_dict(data)

                return message_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MessageOut | None | Unset, data)

        message = _parse_message(d.pop("message", UNSET))

        report_out = cls(
            id=id,
            conversation_id=conversation_id,
            message_id=message_id,
            reporter_id=reporter_id,
            reason=reason,
            created_at=created_at,
            message=message,
        )

        report_out.additional_properties = d
        return report_out

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
