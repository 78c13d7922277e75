"""``agora-chaos --scenario skew --victim SERVICE --skew SECONDS``: the checkouts of
``agora_tools.chaos`` while one service's clock is really off (ADR 0107).

Once the shop is set up, the victim is started again with Debian's libfaketime
preloaded (``LD_PRELOAD``, ``FAKETIME=+120`` or ``-120``): every call of its process to
the wall clock (``clock_gettime(CLOCK_REALTIME)``, ``time()``, ``gettimeofday()``: what
Python's ``time.time`` and ``datetime.now`` read, PyJWT's, Stripe's and aiokafka's
included) answers ``--skew`` seconds off. The monotonic clock is left alone
(``FAKETIME_DONT_FAKE_MONOTONIC=1``): asyncio's timers, timeouts and the pools' waits
measure durations with it, and a real skewed machine's monotonic clock is not skewed
either. The spec is a constant offset in the environment, so libfaketime's cache of its
spec (``FAKETIME_NO_CACHE``, for a spec read from a file that changes) does not matter.
The victim keeps the skew while the buyers shop and gets its own clock back (started
again) before the audit.

Besides the audit of every scenario, it checks what ADR 0107 documents, each against
the victim's clock as measured (its ``Date`` header), not as asked:

- tokens: a token the user service signed just now is taken by the gateway and every
  service (``AGORA_JWT_CLOCK_SKEW_SECONDS``, 180 s, before ``iat``/``nbf``), whichever
  of them is the skewed one; the checkouts rely on it too;
- Stripe's webhooks: a signature is taken up to ``AGORA_PAYMENT_STRIPE_WEBHOOK_TOLERANCE
  _SECONDS`` (300 s) old on the payment service's clock, and refused beyond: signed
  webhooks of several ages are sent, and taken or refused as that rule says;
- stock holds: every hold made during the run lasts the order's
  ``reservation_ttl_seconds`` (900 s) on the catalog's clock (its ``expires_at``, on the
  catalog's clock, minus its ``created_at``, on PostgreSQL's), and none expired during
  the run (no checkout lasts 900 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import stripe

from agora_kit.settings import CommonSettings
from agora_tools import fleet, fleetdb
from agora_tools.chaos_audit import Shop
from agora_tools.chaos_client import API, sign_in
from agora_tools.chaos_faults import Chaos, fleet_shop, restart_with, undo_when_terminated
from agora_tools.chaos_toxic import VICTIM_READS
from agora_tools.infra.base import HOST, say
from agora_tools.infra.toolchains import libfaketime

# What ADR 0107 documents, at the fleet's defaults.
TOKEN_SKEW = int(CommonSettings.model_fields["jwt_clock_skew_seconds"].default)
WEBHOOK_TOLERANCE = 300  # AGORA_PAYMENT_STRIPE_WEBHOOK_TOLERANCE_SECONDS
HOLD_SECONDS = 900  # AGORA_ORDER_RESERVATION_TTL_SECONDS, sent with each order
# The victim's measured offset may differ from the one asked by this much: its Date
# header has a resolution of a second and is refreshed once a second.
MEASURE_SLACK = 3.0
HOLD_SLACK = 5.0


def clock_variables(seconds: int, library: Path) -> dict[str, str]:
    """The environment that shifts a process's wall clock by ``seconds``."""
    preload = " ".join(p for p in (str(library), os.environ.get("LD_PRELOAD", "")) if p)
    return {
        "LD_PRELOAD": preload,
        "FAKETIME": f"{seconds:+d}",
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
    }


def clock_offset(url: str, samples: int = 5) -> float:
    """How far the clock of the part at ``url`` is ahead of ours (negative: behind), by
    the ``Date`` header of its answers (the median of a few)."""
    offsets = []
    for _ in range(samples):
        before = time.time()
        answer = httpx.get(f"{url}/healthz", timeout=5)
        after = time.time()
        stamped = parsedate_to_datetime(answer.headers["date"]).timestamp()
        # The header is whole seconds, refreshed once a second: on average half a
        # second behind the moment it was read.
        offsets.append(stamped + 0.5 - (before + after) / 2)
        time.sleep(0.3)
    return round(statistics.median(offsets), 1)


def signed_event(age: int) -> tuple[bytes, str]:
    """An event Agora acknowledges and ignores, signed ``age`` seconds ago by our clock."""
    body = json.dumps(
        {"id": f"evt_skew_{secrets.token_hex(8)}", "object": "event", "type": "balance.available"}
    )
    header = stripe.WebhookSignature.generate_signature_header(
        body, fleet.webhook_secret(), timestamp=int(time.time()) - age
    )
    return body.encode(), header


@dataclass
class Skew:
    """The victim's clock shifted by ``seconds`` while the buyers shop, and what was
    checked meanwhile."""

    victim: str
    seconds: int
    since: datetime = field(default_factory=lambda: datetime.now(UTC))
    shop: Shop | None = None
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    holds: dict[str, tuple[datetime, datetime]] = field(default_factory=dict)

    def url(self, part: str) -> str:
        return f"http://{HOST}:{fleet.port(part)}"

    def offset(self, part: str) -> float:
        """The clock offset ADR 0107's rules are checked with: the victim's measured."""
        return float(self.figures["measured_offset"]) if part == self.victim else 0.0

    def apply(self) -> None:
        """Start the victim again with its clock ``seconds`` off, and measure it."""
        if not restart_with(self.victim, clock_variables(self.seconds, libfaketime())):
            raise SystemExit(f"{self.victim} was not ready again with its clock shifted")
        measured = clock_offset(self.url(self.victim))
        self.figures.update(
            {"victim": self.victim, "asked_offset": self.seconds, "measured_offset": measured}
        )
        say(f"skew: {self.victim}'s clock is {measured:+.1f} s off ours")
        if abs(measured - self.seconds) > MEASURE_SLACK:
            self.problems.append(
                f"{self.victim}'s clock is {measured:+.1f} s off, not {self.seconds:+d} s"
            )

    def restore(self) -> None:
        restart_with(self.victim, None)

    # ---- what is checked while skewed ----

    def check_tokens(self) -> None:
        """A token the user service signed just now, at the gateway and every service:
        taken (not 401) by each while its clock is within the documented skew of the
        issuer's."""
        if self.shop is None:
            return
        buyer = self.shop.buyers[0]
        with httpx.Client(base_url=self.url("user"), timeout=30) as users:
            sign_in(users, buyer, time.monotonic() + 120)
        issued = jwt.decode(buyer.access_token, options={"verify_signature": False})
        seen: dict[str, int] = {}
        ahead_by: dict[str, int] = {}
        for part, (method, path) in {**VICTIM_READS, "gateway": VICTIM_READS["order"]}.items():
            answer = httpx.request(
                method,
                f"{self.url(part)}{path}",
                headers={"Authorization": f"Bearer {buyer.access_token}"},
                timeout=30,
            )
            seen[part] = answer.status_code
            # The token's iat (stamped on the issuer's clock) is in the verifier's
            # future by this much.
            ahead = issued["iat"] - (time.time() + self.offset(part))
            ahead_by[part] = round(ahead)
            # The checker's own measure may be off by MEASURE_SLACK; decide only clear cases.
            if ahead <= TOKEN_SKEW - MEASURE_SLACK and answer.status_code == 401:
                self.problems.append(
                    f"{part} refused a token issued {ahead:.0f} s in its future: {answer.text}"
                )
            if ahead > TOKEN_SKEW + MEASURE_SLACK and answer.status_code != 401:
                self.problems.append(f"{part} took a token issued {ahead:.0f} s in its future")
        self.figures["token_iat_minus_our_clock"] = round(issued["iat"] - time.time())
        self.figures["fresh_token_answers"] = seen
        self.figures["token_iat_ahead_of_verifier"] = ahead_by

    def check_webhooks(self) -> None:
        """Signed webhooks of several ages at the payment service: taken while the
        signature is at most WEBHOOK_TOLERANCE old on its clock, refused beyond;
        Stripe's library takes signatures from the future."""
        offset = self.offset("payment")
        # Where the rule turns, on our clock (to 10 s: the offset is measured to ~1 s).
        edge = int(round(WEBHOOK_TOLERANCE - offset, -1))
        ages = sorted({-60, 0, edge - 20, edge + 20})
        seen = {}
        for age in ages:
            body, header = signed_event(age)
            answer = httpx.post(
                f"{self.url('payment')}{API}/payments/webhooks/stripe",
                content=body,
                headers={"Stripe-Signature": header, "Content-Type": "application/json"},
                timeout=30,
            )
            old = age + offset  # the signature's age on the payment service's clock
            expected = 400 if old > WEBHOOK_TOLERANCE else 200
            seen[f"{age:+d} s"] = answer.status_code
            if answer.status_code != expected:
                self.problems.append(
                    f"a webhook signed {age} s ago ({old:.0f} s on the payment service's "
                    f"clock) was answered {answer.status_code}, not {expected}"
                )
        self.figures["webhook_answers_by_age"] = seen

    async def _sample_holds(self) -> None:
        found = await fleetdb.rows(
            fleetdb.url("agora_catalog"),
            "SELECT order_id, created_at, expires_at FROM reservations "
            "WHERE status = 'active' AND created_at >= :since",
            since=self.since,
        )
        for row in found:
            self.holds.setdefault(str(row["order_id"]), (row["created_at"], row["expires_at"]))

    def watch_holds(self, done: threading.Event) -> None:
        """The active holds, read every second while the buyers shop."""
        while not done.wait(1.0):
            asyncio.run(self._sample_holds())

    def check_holds(self) -> None:
        """Each hold lasts HOLD_SECONDS on the catalog's clock (``expires_at`` is on it,
        ``created_at`` on PostgreSQL's), and none expired during the run."""
        expected = HOLD_SECONDS + self.offset("catalog")
        lengths = [(expires - created).total_seconds() for created, expires in self.holds.values()]
        expired = asyncio.run(
            fleetdb.rows(
                fleetdb.url("agora_catalog"),
                "SELECT count(*) AS n FROM reservations "
                "WHERE status = 'expired' AND created_at >= :since",
                since=self.since,
            )
        )[0]["n"]
        self.figures["holds"] = {
            "seen": len(lengths),
            "seconds_min": round(min(lengths), 1) if lengths else None,
            "seconds_max": round(max(lengths), 1) if lengths else None,
            "expected_seconds": round(expected, 1),
            "expired_during_run": int(expired),
        }
        if not lengths:
            self.problems.append("no stock hold was seen during the run")
        off = [length for length in lengths if abs(length - expected) > HOLD_SLACK]
        if off:
            self.problems.append(
                f"{len(off)} hold(s) lasted other than {expected:.0f} s: {sorted(off)[:5]}"
            )
        if expired:
            self.problems.append(f"{expired} hold(s) expired during the run")

    def play(self, done: threading.Event, chaos: Chaos, progress: Callable[[], float]) -> None:
        """While the buyers shop: the tokens and webhooks checked, the holds watched;
        then the victim's clock given back."""
        del progress
        chaos.figures["skew"] = self.figures
        try:
            self.check_tokens()
            self.check_webhooks()
            self.watch_holds(done)
            self.check_tokens()  # again, with the run's load
        finally:
            self.restore()
        self.check_holds()
        chaos.problems.extend(self.problems)


def play(args: argparse.Namespace, shop_and_audit: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Shop with the victim's clock off (``shop_and_audit`` is ``agora_tools.chaos.run``);
    the report."""
    skew = Skew(args.victim, args.skew)

    undo_when_terminated(skew.restore)

    def shop_is_ready(shop: Shop) -> None:
        skew.shop = shop
        skew.since = datetime.now(UTC)
        skew.apply()

    try:
        return shop_and_audit(
            fleet_shop(skew.play, shop_is_ready),
            args.checkouts,
            args.buyers,
            args.stock,
            args.seed,
            coupon_percent=args.coupon_percent,
        )
    finally:
        if fleet.routes().get(args.victim):
            skew.restore()
