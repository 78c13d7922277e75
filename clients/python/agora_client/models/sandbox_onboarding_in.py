from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.sandbox_onboarding_in_outcome import SandboxOnboardingInOutcome

T = TypeVar("T", bound="SandboxOnboardingIn")


@_attrs_define
class SandboxOnboardingIn:
    """
    Attributes:
        outcome (SandboxOnboardingInOutcome): How Stripe's onboarding ends: `verified` enables charges and payouts,
            `rejected` refuses the account, `pending` leaves details due
    """

    outcome: SandboxOnboardingInOutcome

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "outcome": outcome,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = SandboxOnboardingInOutcome(d.pop("outcome"))

        sandbox_onboarding_in = cls(
            outcome=outcome,
        )

        return sandbox_onboarding_in
