from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_delivery_out_status import WebhookDeliveryOutStatus

if TYPE_CHECKING:
    from ..models.webhook_delivery_out_body import WebhookDeliveryOutBody


T = TypeVar("T", bound="WebhookDeliveryOut")


@_attrs_define
class WebhookDeliveryOut:
    """
    Attributes:
        id (UUID): The webhook-id header of every attempt
        event_type (str):
        status (WebhookDeliveryOutStatus):
        attempts (int):
        response_status (int | None): The last attempt's HTTP status
        latency_ms (int | None): How long the last attempt took
        last_error (None | str):
        last_attempt_at (datetime.datetime | None):
        next_attempt_at (datetime.datetime | None):
        created_at (datetime.datetime):
        body (WebhookDeliveryOutBody): What is sent: type, timestamp and data
    """

    id: UUID
    event_type: str
    status: WebhookDeliveryOutStatus
    attempts: int
    response_status: int | None
    latency_ms: int | None
    last_error: None | str
    last_attempt_at: datetime.datetime | None
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime
    body: WebhookDeliveryOutBody
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        event_type = self.event_type

        status = self.status.value

        attempts = self.attempts

        response_status: int | None
        response_status = self.response_status

        latency_ms: int | None
        latency_ms = self.latency_ms

        last_error: None | str
        last_error = self.last_error

        last_attempt_at: None | str
        if isinstance(self.last_attempt_at, datetime.datetime):
            last_attempt_at = self.last_attempt_at.isoformat()
        else:
            last_attempt_at = self.last_attempt_at

        next_attempt_at: None | str
        if isinstance(self.next_attempt_at, datetime.datetime):
            next_attempt_at = self.next_attempt_at.isoformat()
        else:
            next_attempt_at = self.next_attempt_at

        created_at = self.created_at.isoformat()

        body = self.body.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "event_type": event_type,
                "status": status,
                "attempts": attempts,
                "response_status": response_status,
                "latency_ms": latency_ms,
                "last_error": last_error,
                "last_attempt_at": last_attempt_at,
                "next_attempt_at": next_attempt_at,
                "created_at": created_at,
                "body": body,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.webhook_delivery_out_body import WebhookDeliveryOutBody  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        event_type = d.pop("event_type")

        status = WebhookDeliveryOutStatus(d.pop("status"))

        attempts = d.pop("attempts")

        def _parse_response_status(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        response_status = _parse_response_status(d.pop("response_status"))

        def _parse_latency_ms(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        latency_ms = _parse_latency_ms(d.pop("latency_ms"))

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))

        def _parse_last_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_attempt_at = _parse_last_attempt_at(d.pop("last_attempt_at"))

        def _parse_next_attempt_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                next_attempt_at_type_0 = datetime.datetime.fromisoformat(data)

                return next_attempt_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        next_attempt_at = _parse_next_attempt_at(d.pop("next_attempt_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        body = WebhookDeliveryOutBody.from_dict(d.pop("body"))

        webhook_delivery_out = cls(
            id=id,
            event_type=event_type,
            status=status,
            attempts=attempts,
            response_status=response_status,
            latency_ms=latency_ms,
            last_error=last_error,
            last_attempt_at=last_attempt_at,
            next_attempt_at=next_attempt_at,
            created_at=created_at,
            body=body,
        )

        webhook_delivery_out.additional_properties = d
        return webhook_delivery_out

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
