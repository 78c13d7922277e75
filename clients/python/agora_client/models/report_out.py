from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.report_out_outcome_type_0 import ReportOutOutcomeType0
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
        outcome (None | ReportOutOutcomeType0): Null while the report is open
        resolved_at (datetime.datetime | None):
        resolved_by (None | UUID): The admin who resolved it
        note (None | str):
        message (MessageOut | None | Unset): The message reported (in the admins' list)
    """

    id: UUID
    conversation_id: UUID
    message_id: UUID
    reporter_id: None | UUID
    reason: str
    created_at: datetime.datetime
    outcome: None | ReportOutOutcomeType0
    resolved_at: datetime.datetime | None
    resolved_by: None | UUID
    note: None | str
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

        outcome: None | str
        if isinstance(self.outcome, ReportOutOutcomeType0):
            outcome = self.outcome.value
        else:
            outcome = self.outcome

        resolved_at: None | str
        if isinstance(self.resolved_at, datetime.datetime):
            resolved_at = self.resolved_at.isoformat()
        else:
            resolved_at = self.resolved_at

        resolved_by: None | str
        if isinstance(self.resolved_by, UUID):
            resolved_by = str(self.resolved_by)
        else:
            resolved_by = self.resolved_by

        note: None | str
        note = self.note

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
                "outcome": outcome,
                "resolved_at": resolved_at,
                "resolved_by": resolved_by,
                "note": note,
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

        def _parse_outcome(data: object) -> None | ReportOutOutcomeType0:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                outcome_type_0 = ReportOutOutcomeType0(data)

                return outcome_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReportOutOutcomeType0, data)

        outcome = _parse_outcome(d.pop("outcome"))

        def _parse_resolved_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_at_type_0 = datetime.datetime.fromisoformat(data)

                return resolved_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        resolved_at = _parse_resolved_at(d.pop("resolved_at"))

        def _parse_resolved_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                resolved_by_type_0 = UUID(data)

                return resolved_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        resolved_by = _parse_resolved_by(d.pop("resolved_by"))

        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))

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
            outcome=outcome,
            resolved_at=resolved_at,
            resolved_by=resolved_by,
            note=note,
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
