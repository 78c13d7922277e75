from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connect_onboarding_out_kyc_status import ConnectOnboardingOutKycStatus

T = TypeVar("T", bound="ConnectOnboardingOut")


@_attrs_define
class ConnectOnboardingOut:
    """
    Attributes:
        vendor_id (UUID):
        account_id (str): The store's Stripe Connect account
        kyc_status (ConnectOnboardingOutKycStatus): `pending` until onboarding is done and Stripe enables the account,
            `verified` once it may take charges and be paid, `rejected` when Stripe refused it
        charges_enabled (bool):
        payouts_enabled (bool):
        details_submitted (bool):
        disabled_reason (None | str): Stripe's reason, while it is disabled
        requirements_due (list[str]): What Stripe still asks of the store
        payouts_held (bool): True while payouts wait for charges and payouts to be enabled
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        onboarding_url (str): Where the store's owner onboards (single use)
        onboarding_expires_at (datetime.datetime):
    """

    vendor_id: UUID
    account_id: str
    kyc_status: ConnectOnboardingOutKycStatus
    charges_enabled: bool
    payouts_enabled: bool
    details_submitted: bool
    disabled_reason: None | str
    requirements_due: list[str]
    payouts_held: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    onboarding_url: str
    onboarding_expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vendor_id = str(self.vendor_id)

        account_id = self.account_id

        kyc_status = self.kyc_status.value

        charges_enabled = self.charges_enabled

        payouts_enabled = self.payouts_enabled

        details_submitted = self.details_submitted

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        requirements_due = self.requirements_due

        payouts_held = self.payouts_held

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        onboarding_url = self.onboarding_url

        onboarding_expires_at = self.onboarding_expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vendor_id": vendor_id,
                "account_id": account_id,
                "kyc_status": kyc_status,
                "charges_enabled": charges_enabled,
                "payouts_enabled": payouts_enabled,
                "details_submitted": details_submitted,
                "disabled_reason": disabled_reason,
                "requirements_due": requirements_due,
                "payouts_held": payouts_held,
                "created_at": created_at,
                "updated_at": updated_at,
                "onboarding_url": onboarding_url,
                "onboarding_expires_at": onboarding_expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        vendor_id = UUID(d.pop("vendor_id"))

        account_id = d.pop("account_id")

        kyc_status = ConnectOnboardingOutKycStatus(d.pop("kyc_status"))

        charges_enabled = d.pop("charges_enabled")

        payouts_enabled = d.pop("payouts_enabled")

        details_submitted = d.pop("details_submitted")

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        requirements_due = cast(list[str], d.pop("requirements_due"))

        payouts_held = d.pop("payouts_held")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        onboarding_url = d.pop("onboarding_url")

        onboarding_expires_at = datetime.datetime.fromisoformat(
            d.pop("onboarding_expires_at")
        )

        connect_onboarding_out = cls(
            vendor_id=vendor_id,
            account_id=account_id,
            kyc_status=kyc_status,
            charges_enabled=charges_enabled,
            payouts_enabled=payouts_enabled,
            details_submitted=details_submitted,
            disabled_reason=disabled_reason,
            requirements_due=requirements_due,
            payouts_held=payouts_held,
            created_at=created_at,
            updated_at=updated_at,
            onboarding_url=onboarding_url,
            onboarding_expires_at=onboarding_expires_at,
        )

        connect_onboarding_out.additional_properties = d
        return connect_onboarding_out

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
