"""A dependency made slow and then cut off while the buyers shop, for ``agora-chaos``
(ADR 0111).

``--scenario slow-db --victim PART`` puts a toxiproxy proxy between one service and its
PostgreSQL database, ``--scenario slow-stripe`` between the payment service and Stripe
(stripe-mock; the fleet must pay through it): the victim is started again with its
database URL or its Stripe API base pointing at the proxy (``agora_tools.fleet``'s
routes). Once a share of the checkouts is done, every answer through the proxy is
delayed ``--latency`` ms (5000) for ``--fault-seconds`` (30), then every connection is
reset (toxiproxy's ``reset_peer``) as long, then the proxy is clean again.

Meanwhile a prober reads through the gateway, a few times a second, a route the fault
should not touch (the catalog's products; a buyer's orders when the catalog is the
victim) and one that needs the victim's dependency (its database, or Stripe: a
vendor's onboarding link), and watches the gateway's circuit breaker for the victim.
Figures: the unaffected route's p50/p99 per phase; the victim route's answers by
status and the longest; whether the breaker opened; how long after the fault the
victim route answered 200 again. Problems: the unaffected route's p99 during the fault
above ``--p99-bound`` seconds, a victim answer slower than the gateway's own bound
(it hung), a 500, or a 5xx that is not problem+json. Then ``agora_tools.chaos``'s
audit runs as for every scenario: nothing may be lost once it heals.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy.engine import make_url

from agora_tools import fleet, journeys
from agora_tools.chaos_audit import Shop
from agora_tools.chaos_client import API
from agora_tools.chaos_faults import Chaos, fleet_shop, restart_with, undo_when_terminated
from agora_tools.infra import server
from agora_tools.infra.base import HOST, say
from agora_tools.infra.postgres import Postgres
from agora_tools.infra.toxiproxy import Proxy

FAULTS = ("slow-db", "slow-stripe")
# A read of each service that needs its database, through the gateway.
VICTIM_READS = {
    "user": ("GET", f"{API}/users/me"),
    "catalog": ("GET", f"{API}/products"),
    "order": ("GET", f"{API}/orders"),
    "payment": ("GET", f"{API}/payments"),
    "notification": ("GET", f"{API}/notifications/unread-count"),
}
# Asks Stripe for a new onboarding link of the vendor's account.
STRIPE_CALL = ("POST", f"{API}/vendors/me/connect")
# Longer than this is a hang: the gateway gives up on an upstream after 30 s.
HANG_SECONDS = 35.0


@dataclass
class Sample:
    phase: str
    status: int | None  # None: no answer at all
    seconds: float
    problem_json: bool


@dataclass
class Fault:
    """The proxy, the phases it goes through and what the prober saw meanwhile."""

    scenario: str
    victim: str
    proxy: Proxy
    latency_ms: int
    seconds: float
    p99_bound: float = 2.0
    start_share: float = 0.2
    phase: str = "before"
    stop: threading.Event = field(default_factory=threading.Event)
    shop: Shop | None = None
    samples: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))
    breaker: Counter[str] = field(default_factory=Counter)
    healed_at: float | None = None
    back_after: float | None = None

    # ---- the fault ----

    def play(self, done: threading.Event, chaos: Chaos, progress: Callable[[], float]) -> None:
        probers = [
            threading.Thread(target=self.probe, args=(which,), daemon=True)
            for which in ("unaffected", "victim")
        ]
        probers.append(threading.Thread(target=self.watch_breaker, daemon=True))
        for prober in probers:
            prober.start()
        while progress() < self.start_share:
            if done.wait(0.2):
                break
        phases: list[tuple[str, str, dict[str, Any]]] = [
            ("slow", "latency", {"latency": self.latency_ms}),
            ("cut", "reset_peer", {"timeout": 0}),
        ]
        for phase, kind, attributes in phases:
            self.proxy.add(phase, kind, **attributes)
            self.phase = phase
            chaos.log.append(f"{time.strftime('%H:%M:%S')} {self.scenario}: {phase} ({kind})")
            time.sleep(self.seconds)
            self.proxy.remove(phase)
        self.phase, self.healed_at = "after", time.monotonic()
        chaos.log.append(f"{time.strftime('%H:%M:%S')} {self.scenario}: healed")
        # Probe on until the victim answers again (or 5 minutes) and the buyers are done.
        while self.back_after is None and time.monotonic() - self.healed_at < 300:
            time.sleep(0.2)
        done.wait()
        self.stop.set()
        for prober in probers:
            prober.join()
        chaos.figures.update(self.figures())
        chaos.problems.extend(self.problems)

    # ---- the prober ----

    def route(self, which: str) -> tuple[str, str, journeys.Customer]:
        assert self.shop is not None
        if which == "victim":
            if self.scenario == "slow-stripe":
                return (*STRIPE_CALL, self.shop.vendors[0])
            return (*VICTIM_READS[self.victim], self.shop.admin)
        if self.victim == "catalog":
            return (*VICTIM_READS["order"], self.shop.admin)
        return (*VICTIM_READS["catalog"], self.shop.admin)

    def probe(self, which: str) -> None:
        method, path, who = self.route(which)
        gateway = f"http://{HOST}:{fleet.port('gateway')}"
        users = f"http://{HOST}:{fleet.port('user')}"
        signed_in = 0.0
        with (
            httpx.Client(base_url=gateway, timeout=HANG_SECONDS + 30) as client,
            httpx.Client(base_url=users, timeout=30) as user_service,
        ):
            while not self.stop.is_set():
                if time.monotonic() - signed_in > 300:  # tokens live 15 minutes
                    with contextlib.suppress(journeys.JourneyFailed, httpx.HTTPError):
                        journeys.log_in(user_service, who)
                        signed_in = time.monotonic()
                phase, started = self.phase, time.monotonic()
                try:
                    answer = client.request(
                        method, path, headers={"Authorization": f"Bearer {who.access_token}"}
                    )
                    status: int | None = answer.status_code
                    problem = answer.headers.get("content-type") == "application/problem+json"
                except httpx.HTTPError:
                    status, problem = None, False
                self.samples[which].append(
                    Sample(phase, status, time.monotonic() - started, problem)
                )
                back = which == "victim" and phase == "after" and status == 200
                if back and self.back_after is None and self.healed_at is not None:
                    self.back_after = time.monotonic() - self.healed_at
                time.sleep(0.25 if which == "unaffected" else 0.5)

    def watch_breaker(self) -> None:
        """The gateway's breaker for the victim, by phase: the highest state seen."""
        pattern = re.compile(
            r'^agora_gateway_circuit_state\{[^}]*upstream="' + self.victim + r'"[^}]*\} (\S+)$',
            re.MULTILINE,
        )
        url = f"http://{HOST}:{fleet.port('gateway')}/metrics"
        while not self.stop.wait(0.5):
            with contextlib.suppress(httpx.HTTPError):
                found = pattern.search(httpx.get(url, timeout=5).text)
                if found:
                    state = int(float(found.group(1)))
                    self.breaker[self.phase] = max(self.breaker[self.phase], state)

    # ---- the report ----

    def figures(self) -> dict[str, Any]:
        unaffected: dict[str, dict[str, Any]] = {}
        for phase in ("before", "slow", "cut", "after"):
            times = [s.seconds for s in self.samples["unaffected"] if s.phase == phase]
            if times:
                unaffected[phase] = {
                    "requests": len(times),
                    "p50": round(statistics.median(times), 3),
                    "p99": round(percentile(times, 99), 3),
                    "errors": sum(
                        1
                        for s in self.samples["unaffected"]
                        if s.phase == phase and s.status != 200
                    ),
                }
        victim: dict[str, dict[str, Any]] = {}
        for phase in ("before", "slow", "cut", "after"):
            seen = [s for s in self.samples["victim"] if s.phase == phase]
            if seen:
                victim[phase] = {
                    "answers": dict(Counter(str(s.status) for s in seen)),
                    "longest": round(max(s.seconds for s in seen), 2),
                    "p50": round(statistics.median(s.seconds for s in seen), 2),
                }
        names = {0: "closed", 1: "half-open", 2: "open"}
        return {
            "fault": {
                "victim": self.victim,
                "dependency": "Stripe" if self.scenario == "slow-stripe" else "PostgreSQL",
                "latency_ms": self.latency_ms,
                "seconds_each": self.seconds,
            },
            "unaffected_route": unaffected,
            "victim_route": victim,
            "victim_breaker": {phase: names[state] for phase, state in self.breaker.items()},
            "victim_back_after_seconds": (
                round(self.back_after, 1) if self.back_after is not None else None
            ),
        }

    @property
    def problems(self) -> list[str]:
        found = []
        bound = self.p99_bound
        for phase in ("slow", "cut"):
            times = [s.seconds for s in self.samples["unaffected"] if s.phase == phase]
            if times and percentile(times, 99) > bound:
                found.append(
                    f"the unaffected route's p99 was {percentile(times, 99):.2f} s while the "
                    f"{self.victim}'s dependency was {phase} (bound {bound} s)"
                )
        for sample in self.samples["victim"]:
            if sample.seconds > HANG_SECONDS:
                found.append(f"a request to {self.victim} hung {sample.seconds:.0f} s")
            elif sample.status == 500:
                found.append(f"{self.victim} answered 500 while its dependency was {sample.phase}")
            elif sample.status is not None and sample.status >= 500 and not sample.problem_json:
                found.append(f"{self.victim} answered {sample.status} without problem+json")
        if self.back_after is None:
            found.append(f"{self.victim} did not answer 200 again after the fault")
        return sorted(set(found))


def percentile(values: list[float], n: int) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[n - 1]


# ---- routing the victim through the proxy ----


def reroute(scenario: str, victim: str, api_url: str) -> Proxy:
    """A proxy in front of the victim's dependency; the victim started again through it."""
    if scenario == "slow-db":
        direct = make_url(Postgres().url(f"agora_{victim}"))
        proxy = Proxy(api_url, f"agora-{victim}-database", f"{direct.host}:{direct.port}")
        through = direct.set(port=proxy.port).render_as_string(hide_password=False)
        variables = {f"AGORA_{victim.upper()}_DATABASE_URL": through}
    else:
        stripe = urlsplit(server("stripe-mock").endpoints()["url"])
        proxy = Proxy(api_url, "agora-stripe", stripe.netloc)
        variables = {"AGORA_PAYMENT_STRIPE_API_BASE": f"http://{proxy.listen}"}
    if not restart_with(victim, variables):
        raise SystemExit(f"{victim} was not ready again through the proxy")
    return proxy


def play(args: argparse.Namespace, shop_and_audit: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Route, shop with the fault (``shop_and_audit`` is ``agora_tools.chaos.run``),
    route back; the report."""
    victim = "payment" if args.scenario == "slow-stripe" else args.victim
    if args.scenario == "slow-stripe" and fleet.payment_provider() != "stripe-mock":
        raise SystemExit("slow-stripe needs a fleet that pays through stripe-mock")

    toxiproxy = server("toxiproxy")
    started_it = toxiproxy.up()
    proxy = reroute(args.scenario, victim, toxiproxy.endpoints()["api"])

    def route_back() -> None:
        restart_with(victim, None)
        proxy.close()
        if started_it:
            toxiproxy.down()

    undo_when_terminated(route_back)
    fault = Fault(args.scenario, victim, proxy, args.latency, args.fault_seconds, args.p99_bound)

    def shop_is_ready(shop: Shop) -> None:
        fault.shop = shop

    try:
        say(f"{args.scenario}: {victim} now reaches its dependency through {proxy.listen}")
        return shop_and_audit(
            fleet_shop(fault.play, shop_is_ready),
            args.checkouts,
            args.buyers,
            args.stock,
            args.seed,
            coupon_percent=args.coupon_percent,
        )
    finally:
        route_back()
