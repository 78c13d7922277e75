from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.audit_entry_out_after_type_0 import AuditEntryOutAfterType0
    from ..models.audit_entry_out_before_type_0 import AuditEntryOutBeforeType0


T = TypeVar("T", bound="AuditEntryOut")


@_attrs_define
class AuditEntryOut:
    """One admin or vendor action: who, what, when, and the changed fields.

    Attributes:
        id (UUID):
        occurred_at (datetime.datetime):
        service (str): The service that made the change
        actor_id (None | str): The acting user; null for the system
        actor_role (None | str): admin, vendor or customer
        api_key_id (None | str): The API key acted with, if any
        action (str): `<resource>.<verb>`, e.g. `vendor.approve`
        resource_type (str):
        resource_id (str):
        before (AuditEntryOutBeforeType0 | None): The changed fields before
        after (AuditEntryOutAfterType0 | None): The changed fields after
        request_id (None | str): `X-Request-ID` of the call that acted
        trace_id (None | str):
    """

    id: UUID
    occurred_at: datetime.datetime
    service: str
    actor_id: None | str
    actor_role: None | str
    api_key_id: None | str
    action: str
    resource_type: str
    resource_id: str
    before: AuditEntryOutBeforeType0 | None
    after: AuditEntryOutAfterType0 | None
    request_id: None | str
    trace_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_entry_out_after_type_0 import AuditEntryOutAfterType0  # noqa: PLC0415
        from ..models.audit_entry_out_before_type_0 import AuditEntryOutBeforeType0  # noqa: PLC0415

        id = str(self.id)

        occurred_at = self.occurred_at.isoformat()

        service = self.service

        actor_id: None | str
        actor_id = self.actor_id

        actor_role: None | str
        actor_role = self.actor_role

        api_key_id: None | str
        api_key_id = self.api_key_id

        action = self.action

        resource_type = self.resource_type

        resource_id = self.resource_id

        before: dict[str, Any] | None
        if isinstance(self.before, AuditEntryOutBeforeType0):
            before = self.before.to_dict()
        else:
            before = self.before

        after: dict[str, Any] | None
        if isinstance(self.after, AuditEntryOutAfterType0):
            after = self.after.to_dict()
        else:
            after = self.after

        request_id: None | str
        request_id = self.request_id

        trace_id: None | str
        trace_id = self.trace_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "occurred_at": occurred_at,
                "service": service,
                "actor_id": actor_id,
                "actor_role": actor_role,
                "api_key_id": api_key_id,
                "action": action,
                "resource_type": resource_type,
                "resource_id": resource_id,
                "before": before,
                "after": after,
                "request_id": request_id,
                "trace_id": trace_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_entry_out_after_type_0 import AuditEntryOutAfterType0  # noqa: PLC0415
        from ..models.audit_entry_out_before_type_0 import AuditEntryOutBeforeType0  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        service = d.pop("service")

        def _parse_actor_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_id = _parse_actor_id(d.pop("actor_id"))

        def _parse_actor_role(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor_role = _parse_actor_role(d.pop("actor_role"))

        def _parse_api_key_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id"))

        action = d.pop("action")

        resource_type = d.pop("resource_type")

        resource_id = d.pop("resource_id")

        def _parse_before(data: object) -> AuditEntryOutBeforeType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                before_type_0 = AuditEntryOutBeforeType0.from_dict(data)

                return before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryOutBeforeType0 | None, data)

        before = _parse_before(d.pop("before"))

        def _parse_after(data: object) -> AuditEntryOutAfterType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                after_type_0 = AuditEntryOutAfterType0.from_dict(data)

                return after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEntryOutAfterType0 | None, data)

        after = _parse_after(d.pop("after"))

        def _parse_request_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        request_id = _parse_request_id(d.pop("request_id"))

        def _parse_trace_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        trace_id = _parse_trace_id(d.pop("trace_id"))

        audit_entry_out = cls(
            id=id,
            occurred_at=occurred_at,
            service=service,
            actor_id=actor_id,
            actor_role=actor_role,
            api_key_id=api_key_id,
            action=action,
            resource_type=resource_type,
            resource_id=resource_id,
            before=before,
            after=after,
            request_id=request_id,
            trace_id=trace_id,
        )

        audit_entry_out.additional_properties = d
        return audit_entry_out

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
