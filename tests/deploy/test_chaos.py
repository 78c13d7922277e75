"""200 checkouts on the distributed fleet while its order and payment processes are
killed with SIGKILL at random moments and started again (``agora-chaos``, the script an
operator runs too), with a 50 % coupon: every order ends final and consistent with its
payment, nothing is charged twice, no unit of stock is lost or sold twice, and once the
vendors ship and deliver, each is paid, never more than the order collected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agora_tools.deploy_testing import Fleet

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]


def test_killing_order_and_payment_during_200_checkouts_loses_nothing(fleet: Fleet) -> None:
    done = subprocess.run(  # noqa: S603 - our own tool
        [
            str(Path(sys.executable).parent / "agora-chaos"),
            "--checkouts",
            "200",
            "--seed",
            "42",
            "--coupon-percent",
            "50",
        ],
        env=fleet.env,
        capture_output=True,
        text=True,
        timeout=1500,
        check=False,
    )
    assert done.stdout, done.stderr[-3000:]
    report = json.loads(done.stdout)
    print(json.dumps(report, indent=2))  # the counts, in the test's log
    assert report["problems"] == [], report["problems"]
    assert done.returncode == 0, done.stderr[-3000:]
    # The run really was violent, and really bought and declined things.
    assert report["kills"].get("order", 0) >= 2, report["kills"]
    assert report["kills"].get("payment", 0) >= 2, report["kills"]
    outcomes = report["outcomes"]
    assert sum(outcomes.values()) == 200
    assert outcomes.get("failed", 0) == 0
    assert outcomes.get("confirmed", 0) >= 50
    assert report["payments"].get("failed", 0) >= 1, "declined cards were tried"
    assert report["charges"] == report["payments"]["succeeded"]
    # Every unit is either sold to a confirmed order or back on hand.
    assert report["units_sold"] + report["units_on_hand"] == report["units_at_start"]
    assert report["coupon_redemptions"] <= 25
    # With the coupon, vendors are paid what the buyers paid for their parts, on
    # delivery, and no order paid out more than it collected.
    assert report["coupon_orders"] >= 1
    assert report["payout_invariant_violations"] == 0
    assert report["parcels_delivered"] >= outcomes["confirmed"]
    assert report["payouts"].get("paid", 0) >= outcomes["confirmed"]
    assert report["payouts"].get("held", 0) == 0
    assert report["orders"].get("delivered", 0) >= 1
