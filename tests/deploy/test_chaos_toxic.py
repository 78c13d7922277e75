"""The order service's PostgreSQL, then the payment service's Stripe (stripe-mock),
reached through toxiproxy and made slow (5 s on every answer) and then cut off (every
connection reset) for 6 s each during 20 checkouts on the distributed fleet
(``agora-chaos --scenario slow-db --victim order`` and ``--scenario slow-stripe``, the
scripts an operator runs too; ADR 0111): the victim answers 503 problem+json at once
while cut off and never hangs, the gateway's breaker for it opens, a route of another
service keeps its p99 under 2 s, the victim answers again soon after, and the audit
finds nothing lost: every order final, one charge per paid order, stock conserved,
every confirmed buyer told once."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agora_tools.deploy_testing import Fleet
from agora_tools.pytest_plugin import ToxiproxyServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

CHECKOUTS = 20


def chaos(fleet: Fleet, *scenario: str) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own tool
        [
            str(Path(sys.executable).parent / "agora-chaos"),
            *scenario,
            "--checkouts",
            str(CHECKOUTS),
            "--fault-seconds",
            "6",
            "--seed",
            "42",
        ],
        env=fleet.env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.stdout, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout)
    print(json.dumps(report, indent=2))  # the counts, in the test's log
    assert report["problems"] == [], report["problems"]
    assert done.returncode == 0, done.stderr[-3000:]
    return report


def check(report: dict[str, Any]) -> None:
    # Cut off, the victim answered 503 (problem+json: a 5xx without it is a problem)
    # at once; slow, it answered within the gateway's bound (a hang is a problem).
    cut = report["victim_route"]["cut"]
    assert set(cut["answers"]) <= {"503", "504"}, cut
    assert cut["longest"] < 5, cut
    assert report["victim_route"].get("slow", {"longest": 0})["longest"] < 35
    assert report["victim_breaker"]["cut"] == "open", report["victim_breaker"]
    # The other service's route was as quick as before (the p99 bound is checked by
    # the tool too) and answered every request.
    for phase in ("slow", "cut"):
        unaffected = report["unaffected_route"][phase]
        assert unaffected["requests"] >= 10
        assert unaffected["errors"] == 0
        assert unaffected["p99"] < 2
    assert report["victim_back_after_seconds"] < 30
    # Nothing lost once it healed.
    outcomes = report["outcomes"]
    assert sum(outcomes.values()) == CHECKOUTS
    assert outcomes.get("failed", 0) == 0
    assert outcomes.get("confirmed", 0) >= 10
    assert report["charges"] == report["payments"]["succeeded"]
    assert report["units_sold"] + report["units_on_hand"] == report["units_at_start"]
    assert report["payout_invariant_violations"] == 0
    told = report["notifications"]
    assert told["orders_confirmed"] == told["buyers_told"] == told["mails_sent"]
    assert report["dead_letters"] == 0


def test_the_order_database_slow_then_cut_off_loses_nothing(
    fleet: Fleet, toxiproxy_server: ToxiproxyServer
) -> None:
    report = chaos(fleet, "--scenario", "slow-db", "--victim", "order")
    assert report["fault"] == {
        "victim": "order",
        "dependency": "PostgreSQL",
        "latency_ms": 5000,
        "seconds_each": 6.0,
    }
    check(report)


def test_stripe_slow_then_cut_off_loses_nothing(
    fleet: Fleet, toxiproxy_server: ToxiproxyServer
) -> None:
    report = chaos(fleet, "--scenario", "slow-stripe")
    assert report["fault"]["dependency"] == "Stripe"
    check(report)
