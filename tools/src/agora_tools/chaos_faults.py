"""The faults ``agora-chaos`` plays on the fleet while the buyers shop: parts killed
with SIGKILL and started again, and the Kafka broker cut off for a while (see
``agora_tools.chaos``)."""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agora_tools import fleet
from agora_tools.infra import ProvisionError, server
from agora_tools.infra.postgres import Postgres

# The parts each fleet scenario kills.
VICTIMS = {
    "order-payment-kill": ("order", "payment"),
    "every-part-kill": ("gateway", "user", "catalog", "order", "payment", "notification"),
}


@dataclass
class Chaos:
    """What the chaos did: kills by victim, a line per kill, what went wrong with the
    chaos itself (a part that did not come back), and figures for the report."""

    kills: Counter[str] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def rampage(
    done: threading.Event,
    chaos: Chaos,
    rng: random.Random,
    pause: float,
    parts: tuple[str, ...] = VICTIMS["order-payment-kill"],
) -> None:
    """Kill one of ``parts`` (each in turn, in a random order each round) at random
    moments, and start it again after a random pause."""
    postgres = Postgres()
    victims: list[str] = []
    while not done.wait(rng.uniform(pause / 2, pause * 1.5)):
        if not victims:
            victims = rng.sample(parts, len(parts))
        victim = victims.pop()
        pid = fleet.kill_part(victim)
        if pid is None:
            continue
        chaos.kills[victim] += 1
        chaos.log.append(f"{time.strftime('%H:%M:%S')} killed {victim} (pid {pid})")
        time.sleep(rng.uniform(0, 2))
        bring_back(victim, postgres, chaos)


def bring_back(part: str, postgres: Postgres, chaos: Chaos, seconds: float = 300) -> None:
    """Start ``part`` again, and again each time it exits before it is ready, as its
    platform's restart policy would (compose's ``unless-stopped``, a Kubernetes
    Deployment's ``Always``), until it is ready or ``seconds`` have passed. A service no
    longer exits when the Kafka broker is down (ADR 0110): it waits, not ready, for the
    broker; the loop is for any other exit at start."""
    deadline = time.monotonic() + seconds
    fleet.start_part(part, postgres, migrate=False)
    while not fleet.ready(part):
        if time.monotonic() > deadline:
            chaos.problems.append(f"{part} was not ready {seconds:.0f} s after it was killed")
            return
        if not fleet.running(part):
            chaos.figures.setdefault("failed_starts", Counter())[part] += 1
            chaos.log.append(f"{time.strftime('%H:%M:%S')} {part} exited at start; again")
            time.sleep(2)
            fleet.start_part(part, postgres, migrate=False)
        time.sleep(0.5)


def broker_outages(
    done: threading.Event,
    chaos: Chaos,
    progress: Callable[[], float],
    outages: int,
    seconds: float,
) -> None:
    """``outages`` times, once an even share of the checkouts is done: SIGKILL the
    Kafka broker (its whole process group), keep it down ``seconds``, start it again on
    the same data directory."""
    kafka = server("kafka")
    for number in range(outages):
        mark = (number + 1) / (outages + 1)
        while progress() < mark:
            if done.wait(0.1):
                return
        pid = kafka.pid()
        if pid is None:
            chaos.problems.append("the chaos found no Kafka broker of its own to kill")
            return
        os.killpg(pid, signal.SIGKILL)
        chaos.kills["kafka"] += 1
        chaos.log.append(f"{time.strftime('%H:%M:%S')} killed the Kafka broker (pid {pid})")
        time.sleep(seconds)
        try:
            kafka.up()
        except ProvisionError as exc:
            chaos.problems.append(f"the Kafka broker did not come back: {exc}")
            return
        chaos.log.append(f"{time.strftime('%H:%M:%S')} the Kafka broker is back")
