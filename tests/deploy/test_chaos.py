"""120 checkouts on the distributed fleet while every part of it, the gateway and the
five services, is killed with SIGKILL in turn at random moments and started again, and
the Kafka broker is killed once for 30 s (``agora-chaos --scenario every-part-kill
--broker-outages 1``, the script an operator runs too), with a
50 % coupon: every order ends final and consistent with its payment, nothing is charged
twice, no unit of stock is lost or sold twice, once the vendors ship and deliver each
is paid, never more than the order collected, and every confirmed order's buyer is told
once, by a mail that reached the mail server. And 100 checkouts while the order service
is scaled from one process to three and back (``--scenario rebalance``), and 30 while
the payment service's clock is 2 minutes behind (``--scenario skew``), with the same
audit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agora_tools.deploy_testing import Fleet

pytestmark = [pytest.mark.integration, pytest.mark.timeout(1800)]


def test_killing_every_part_during_120_checkouts_loses_nothing(fleet: Fleet) -> None:
    done = subprocess.run(  # noqa: S603 - our own tool
        [
            str(Path(sys.executable).parent / "agora-chaos"),
            "--scenario",
            "every-part-kill",
            "--broker-outages",
            "1",
            "--checkouts",
            "120",
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
    parts = ("gateway", "user", "catalog", "order", "payment", "notification")
    assert all(report["kills"].get(part, 0) >= 1 for part in parts), report["kills"]
    assert report["kills"].get("kafka") == 1, report["kills"]
    outcomes = report["outcomes"]
    assert sum(outcomes.values()) == 120
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
    # Every confirmed order's buyer was told once, by a mail the SMTP server received.
    told = report["notifications"]
    assert told["orders_confirmed"] == told["buyers_told"] == told["mails_sent"]
    assert told["orders_confirmed"] >= outcomes["confirmed"]
    assert told["mail_copies_same_message_id"] is not None


def test_scaling_the_order_service_out_and_in_during_checkouts_loses_nothing(
    fleet: Fleet,
) -> None:
    """``agora-chaos --scenario rebalance``: while 100 checkouts run, two more order
    processes start and join its consumer group (the broker moves partitions to them),
    then are stopped with SIGTERM as a scale-down would, and the partitions move back."""
    done = subprocess.run(  # noqa: S603 - our own tool
        [
            str(Path(sys.executable).parent / "agora-chaos"),
            "--scenario",
            "rebalance",
            "--victim",
            "order",
            "--checkouts",
            "100",
            "--seed",
            "7",
        ],
        env=fleet.env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.stdout, done.stderr[-3000:]
    report = json.loads(done.stdout)
    print(json.dumps(report, indent=2))
    assert report["problems"] == [], report["problems"]
    assert done.returncode == 0, done.stderr[-3000:]
    scaled = report["rebalance"]
    # Three members while scaled out, one after, and the buyers still shopping when
    # the replicas joined.
    assert (scaled["members_scaled_out"], scaled["members_scaled_in"]) == (3, 1), scaled
    assert scaled["scaled_out_at_progress"] < 1.0, scaled
    assert report["kills"] == {}
    outcomes = report["outcomes"]
    assert sum(outcomes.values()) == 100
    assert outcomes.get("failed", 0) == 0
    assert report["charges"] == report["payments"]["succeeded"]
    assert report["units_sold"] + report["units_on_hand"] == report["units_at_start"]
    assert report["payout_invariant_violations"] == 0
    assert report["dead_letters"] == 0
    told = report["notifications"]
    assert told["orders_confirmed"] == told["buyers_told"] == told["mails_sent"]


def test_a_payment_service_two_minutes_behind_during_checkouts_behaves_as_documented(
    fleet: Fleet,
) -> None:
    """``agora-chaos --scenario skew``: the payment service started again with its wall
    clock really 2 minutes behind (Debian's libfaketime preloaded) while 30 checkouts
    run. Fresh tokens of the user service, 2 minutes in its future, are taken (ADR 0107's
    3 minutes of leeway); Stripe's webhooks are taken up to 5 minutes old on its clock
    (7 on ours) and refused beyond; stock holds last their 15 minutes; and the audit of
    every scenario finds nothing."""
    done = subprocess.run(  # noqa: S603 - our own tool
        [
            str(Path(sys.executable).parent / "agora-chaos"),
            "--scenario",
            "skew",
            "--victim",
            "payment",
            "--skew=-120",
            "--checkouts",
            "30",
            "--seed",
            "11",
        ],
        env=fleet.env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.stdout, done.stderr[-3000:]
    report = json.loads(done.stdout)
    print(json.dumps(report, indent=2))
    assert report["problems"] == [], report["problems"]
    assert done.returncode == 0, done.stderr[-3000:]
    skew = report["skew"]
    # The clock really was off, as its own answers' Date header shows.
    assert abs(skew["measured_offset"] + 120) <= 3, skew
    # Every part took a token its clock saw about 2 minutes in the future...
    assert set(skew["fresh_token_answers"].values()) == {200}, skew
    assert 100 <= skew["token_iat_ahead_of_verifier"]["payment"] <= 140, skew
    # ...and the webhooks: 400 s old on our clock is 280 s on the payment service's,
    # taken; 440 s is 320 s, refused; and from the future, taken.
    assert skew["webhook_answers_by_age"] == {
        "-60 s": 200,
        "+0 s": 200,
        "+400 s": 200,
        "+440 s": 400,
    }, skew
    assert skew["holds"]["seen"] >= 1
    assert skew["holds"]["expired_during_run"] == 0
    assert 895 <= skew["holds"]["seconds_min"] <= skew["holds"]["seconds_max"] <= 905, skew
    outcomes = report["outcomes"]
    assert sum(outcomes.values()) == 30
    assert outcomes.get("failed", 0) == 0
    assert outcomes.get("confirmed", 0) >= 15
    assert report["charges"] == report["payments"]["succeeded"]
    assert report["units_sold"] + report["units_on_hand"] == report["units_at_start"]
    assert report["payout_invariant_violations"] == 0
    assert report["dead_letters"] == 0
    told = report["notifications"]
    assert told["orders_confirmed"] == told["buyers_told"] == told["mails_sent"]
