"""The faults ``agora-chaos`` plays on the fleet while the buyers shop: parts killed
with SIGKILL and started again, the Kafka broker cut off for a while, and a service
scaled out and back in under load (see ``agora_tools.chaos``)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agora_tools import fleet, fleetdb, journeys, kafka_groups
from agora_tools.chaos_audit import Shop
from agora_tools.infra import ProvisionError, server
from agora_tools.infra.base import HOST
from agora_tools.infra.postgres import Postgres

# The parts each fleet scenario kills.
VICTIMS = {
    "order-payment-kill": ("order", "payment"),
    "every-part-kill": ("gateway", "user", "catalog", "order", "payment", "notification"),
    "rebalance": (),  # none killed: one service scaled out and back in
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


def start_replica(
    part: str, number: int, postgres: Postgres
) -> tuple[subprocess.Popen[bytes], int]:
    """Another process of ``part``, as a Deployment's next replica: the same database,
    broker and consumer groups, its own port; with the port."""
    port = fleet.port(part) + 100 * number
    env = {**fleet.part_environment(part, postgres), f"AGORA_{part.upper()}_PORT": str(port)}
    return fleet.spawn(part, env, f"fleet-{part}-{number}.log"), port


def rebalance(
    done: threading.Event,
    chaos: Chaos,
    progress: Callable[[], float],
    part: str,
    *,
    replicas: int = 3,
    hold: float = 0.5,
) -> None:
    """Scale ``part`` from one process to ``replicas`` and back under load, as a
    Deployment's replicas changed: the new processes join its consumer group (the
    broker moves partitions to them) and serve; once ``hold`` of the checkouts are done
    (or the shopping ended) they are stopped with SIGTERM, as a scale-down does, and
    the partitions move back. A replica that is not ready in 120 s, or does not stop
    within 30 s of its SIGTERM, is a problem."""
    bootstrap = server("kafka").endpoints()["bootstrap"]
    figures: dict[str, Any] = {"part": part, "replicas": replicas}
    chaos.figures["rebalance"] = figures
    started = time.monotonic()
    extra = [start_replica(part, number, Postgres()) for number in range(2, replicas + 1)]
    chaos.log.append(f"{time.strftime('%H:%M:%S')} scaled {part} to {replicas}")
    try:
        for process, port in extra:
            while not fleet.ready_at(f"http://{HOST}:{port}"):
                if time.monotonic() - started > 120 or process.poll() is not None:
                    chaos.problems.append(f"a replica of {part} on port {port} was not ready")
                    break
                time.sleep(0.5)
        figures["ready_seconds"] = round(time.monotonic() - started, 1)
        figures["members_scaled_out"] = asyncio.run(kafka_groups.group_members(bootstrap, part))
        figures["scaled_out_at_progress"] = round(progress(), 2)
        while progress() < hold and not done.wait(0.2):
            pass
        figures["scaled_in_at_progress"] = round(progress(), 2)
    finally:
        _scale_in(extra, part, chaos, figures)
    chaos.log.append(f"{time.strftime('%H:%M:%S')} scaled {part} back to 1")
    figures["members_scaled_in"] = asyncio.run(kafka_groups.group_members(bootstrap, part))


def _scale_in(
    extra: list[tuple[subprocess.Popen[bytes], int]],
    part: str,
    chaos: Chaos,
    figures: dict[str, Any],
) -> None:
    """SIGTERM each replica, as a scale-down does; one that ignores it for 30 s is killed."""
    stops = []
    for process, port in extra:
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            chaos.problems.append(f"the replica of {part} on port {port} ignored SIGTERM")
            process.kill()
            process.wait()
        stops.append(round(time.monotonic() - began, 1))
    figures["stop_seconds"] = stops


@dataclass
class Target:
    """The Agora a run shops at and breaks: where its gateway and its user service
    listen, how an operator makes an admin there, whether it is ready, and the chaos
    played on it while the buyers shop (given the event that ends it, the record to
    keep, and the share of checkouts finished so far)."""

    gateway_url: str
    users_url: str
    create_admin: Callable[[], journeys.Customer]
    wait_ready: Callable[[], bool]
    rampage: Callable[[threading.Event, Chaos, Callable[[], float]], None]
    # A fresh Agora holds only the run's orders: the audit takes every one of them,
    # those no buyer heard of too (a retried checkout that placed a second order).
    fresh: bool = False
    # Where its mail arrives (a maildir, or ``agora run``'s .eml files); None: the mails
    # are not audited, only the notifications.
    mail_dir: Path | None = None
    # Told the shop once it is set up (a prober that signs in as its admin or vendors).
    on_shop: Callable[[Shop], None] | None = None


def fleet_target(
    pause: float,
    seed: int,
    parts: tuple[str, ...],
    *,
    outages: int = 0,
    outage_seconds: float = 30,
    scaled: str | None = None,
) -> Target:
    """The distributed fleet ``agora-fleet up`` started; ``parts`` killed, the Kafka
    broker ``outages`` times for ``outage_seconds``, and ``scaled`` scaled 1 -> 3 -> 1
    meanwhile."""
    rng = random.Random(seed + 1)  # noqa: S311 - not cryptography

    def chaos_on_the_fleet(
        done: threading.Event, chaos: Chaos, progress: Callable[[], float]
    ) -> None:
        broker = threading.Thread(
            target=broker_outages,
            args=(done, chaos, progress, outages, outage_seconds),
            daemon=True,
        )
        broker.start()
        threads = [broker]
        if scaled is not None:
            threads.append(
                threading.Thread(
                    target=rebalance, args=(done, chaos, progress, scaled), daemon=True
                )
            )
            threads[-1].start()
        if parts:
            rampage(done, chaos, rng, pause, parts)
        else:
            done.wait()
        for thread in threads:
            thread.join()

    return fleet_shop(chaos_on_the_fleet)


def fleet_shop(
    rampage: Callable[[threading.Event, Chaos, Callable[[], float]], None],
    on_shop: Callable[[Shop], None] | None = None,
) -> Target:
    """The fleet ``agora-fleet up`` started as a run's target, with ``rampage`` played
    on it while the buyers shop."""
    return Target(
        gateway_url=f"http://{HOST}:{fleet.port('gateway')}",
        users_url=f"http://{HOST}:{fleet.port('user')}",
        create_admin=fleetdb.create_admin,
        wait_ready=fleet.wait_ready,
        rampage=rampage,
        mail_dir=Path(server("smtp").endpoints()["maildir"]),
        on_shop=on_shop,
    )


def restart_with(part: str, variables: dict[str, str] | None) -> bool:
    """Start ``part`` of the fleet again with ``variables`` in its environment (None:
    its own again); whether it was ready again."""
    fleet.reroute(part, variables)
    return fleet.restart(part, kill=False) == 0


def undo_when_terminated(undo: Callable[[], None]) -> None:
    """Stopped from outside (a test's timeout): ``undo`` the fault, then out at once
    (the buyers' threads would keep the interpreter up for minutes)."""

    def terminated(*_: object) -> None:
        undo()
        os._exit(143)

    signal.signal(signal.SIGTERM, terminated)
