"""``agora run`` killed with SIGKILL twice in the middle of 30 checkouts and started
again on the same data directory, once alone and once with its PostgreSQL (as when the
machine loses power): every order ends final and consistent with its payment, nothing
is charged twice, no unit of stock is lost or sold twice, and vendors are paid for what
they deliver (``agora-chaos --scenario agora-run-kill``, the short version of
``make chaos-full``)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.timeout(900)]

CHECKOUTS = 30


def test_killing_agora_run_twice_during_30_checkouts_loses_nothing(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    chaos = subprocess.Popen(  # noqa: S603 - our own tool
        [
            str(Path(sys.executable).parent / "agora-chaos"),
            *("--scenario", "agora-run-kill", "--checkouts", str(CHECKOUTS), "--kills", "2"),
            *("--stock", "12", "--seed", "42", "--data-dir", str(data_dir)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = chaos.communicate(timeout=780)
    finally:
        if chaos.poll() is None:
            # It kills its `agora run` and PostgreSQL on SIGTERM.
            chaos.send_signal(signal.SIGTERM)
            chaos.communicate(timeout=60)
    assert out, err[-3000:]
    report = json.loads(out)
    print(json.dumps(report, indent=2))  # the counts, in the test's log
    assert report["problems"] == [], report["problems"]
    assert chaos.returncode == 0, err[-3000:]
    # Killed twice, once each way, and back each time; stopped cleanly at the end.
    assert report["kills"] == {"agora run": 1, "agora run + PostgreSQL": 1}, report["kills"]
    assert len(report["seconds_down"]) == 2
    # PostgreSQL died with the machine only: it started at first and once more after the
    # power cut, recovering from its WAL; the killed process alone left it running.
    assert report["postgresql_starts"] == 2
    assert report["postgresql_recoveries"] == 1
    assert not (data_dir / "postgres" / "pgdata" / "postmaster.pid").exists()
    # Every checkout ended, and really bought, declined and sold out.
    outcomes = report["outcomes"]
    assert sum(outcomes.values()) == CHECKOUTS
    assert outcomes.get("failed", 0) == 0
    assert outcomes.get("confirmed", 0) >= 10
    assert report["payments"].get("failed", 0) >= 1, "declined cards were tried"
    assert report["charges"] == report["payments"]["succeeded"] == outcomes["confirmed"]
    assert report["units_sold"] + report["units_on_hand"] == report["units_at_start"]
    # Every confirmed order was delivered and its vendors paid, within what it collected.
    assert report["orders"].get("delivered", 0) == outcomes["confirmed"]
    assert report["payout_invariant_violations"] == 0
    assert report["payouts"].get("paid", 0) >= outcomes["confirmed"]
    assert report["payouts"].get("held", 0) == 0
    # Every confirmed order's buyer was told once, by a mail that arrived (its .eml file).
    told = report["notifications"]
    assert told["orders_confirmed"] == told["buyers_told"] == told["mails_sent"]
    assert told["orders_confirmed"] == outcomes["confirmed"]
    assert told["mail_copies_same_message_id"] is not None
