"""The outbox relay: publishes committed outbox rows to the transport.

Safe with several replicas: each round locks the rows it takes with
``FOR UPDATE SKIP LOCKED``. Keeps per-key order: a round only takes the oldest
unpublished row of each key, so a second replica can never publish a key's later
event while the first still holds the earlier one. A row is marked published in the
same transaction that locked it, after the transport accepted it; a crash in between
(or before that commit, which does not wait for the disk, reached it) publishes it
again, and the consumers' inboxes drop the duplicate.

When a whole round fails (the broker is away, or not reached yet since start-up), the
rows stay in the outbox and the relay tries again with a backoff that doubles up to
``MAX_BACKOFF_SECONDS``; it logs one warning when such a series begins and one line
when publishing works again, not a warning per row per round (ADR 0110).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Row, Update, and_, delete, exists, func, select, update
from sqlalchemy.orm import aliased

from agora_kit.db import Database
from agora_kit.events.envelope import CloudEvent, to_message
from agora_kit.events.tables import inbox, outbox
from agora_kit.events.transport import Transport
from agora_kit.logging import service_var
from agora_kit.metrics import ServiceMetrics
from agora_kit.waking import woken

logger = logging.getLogger("agora.events.relay")

# The longest wait between two rounds that could publish nothing (a commit wakes the
# relay earlier): short enough that a broker back is used within seconds.
MAX_BACKOFF_SECONDS = 5.0

# A condition of the update that marks rows published (evaluated once, and true), so
# the round's commit does not wait for the disk (synchronous_commit off for that
# transaction alone): a mark a crash loses publishes the row again, and the consumers'
# inboxes drop the copy. The transport holds the message durably before the mark.
_NO_FLUSH = select(func.set_config("synchronous_commit", "off", True)).scalar_subquery()


def mark_published(ids: list[int]) -> Update:
    return (
        update(outbox)
        .where(outbox.c.id.in_(ids), _NO_FLUSH.is_not(None))
        .values(published_at=func.now(), attempts=outbox.c.attempts + 1)
    )


_earlier = aliased(outbox)
_later = aliased(outbox)


def _heads_query(batch_size: int):  # type: ignore[no-untyped-def]
    earlier_unpublished = exists().where(
        and_(
            _earlier.c.key == outbox.c.key,
            _earlier.c.published_at.is_(None),
            _earlier.c.id < outbox.c.id,
        )
    )
    # Whether the key has more rows waiting behind this one: the next round's work.
    behind = exists().where(
        and_(
            _later.c.key == outbox.c.key,
            _later.c.published_at.is_(None),
            _later.c.id > outbox.c.id,
        )
    )
    return (
        select(outbox.c.id, outbox.c.topic, outbox.c.key, outbox.c.event, behind.label("behind"))
        .where(outbox.c.published_at.is_(None), ~earlier_unpublished)
        .order_by(outbox.c.id)
        .limit(batch_size)
        .with_for_update(skip_locked=True, of=outbox)
    )


class OutboxRelay:
    def __init__(
        self,
        database: Database,
        transport: Transport,
        metrics: ServiceMetrics,
        *,
        poll_seconds: float = 0.5,
        batch_size: int = 100,
        retention: timedelta = timedelta(days=7),
        inbox_retention: timedelta = timedelta(days=30),
        observe_seconds: float = 10.0,
        trim_seconds: float = 600.0,
    ) -> None:
        self.database = database
        self.transport = transport
        self.metrics = metrics
        self.poll_seconds = poll_seconds
        self.batch_size = batch_size
        # Built once: a statement's construction costs a round as much as its run.
        self._heads = _heads_query(batch_size)
        self.retention = retention
        # Inbox rows (handled event ids) outlive any redelivery of their event: the
        # in-process log keeps what every group read for 7 days, Kafka by its own
        # retention; a copy delivered later than this would be handled again.
        self.inbox_retention = inbox_retention
        self.trim_seconds = trim_seconds
        self._trimmed_at = -trim_seconds
        # How often the backlog gauges are refreshed (and old rows deleted, at most
        # every ``trim_seconds``): by the clock, not every so many rounds, since a busy
        # relay runs a round per commit.
        self.observe_seconds = observe_seconds
        self._wake = asyncio.Event()
        # Whether the last round left rows it could have taken (a full batch, or keys
        # with rows behind the ones it published): then the next round starts at once.
        self._more = False
        # When the rounds began to fail as a whole (None while publishing works).
        self._failing_since: float | None = None
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    @property
    def failing(self) -> bool:
        """Whether the last round that had rows published none of them."""
        return self._failing_since is not None

    async def _publish(
        self, row: Row[tuple[int, str, str, dict[str, object], bool]]
    ) -> Exception | None:
        message = to_message(row.topic, row.key, CloudEvent.model_validate(row.event))
        try:
            await self.transport.publish(message)
        except Exception as exc:
            self.metrics.publish_failures.labels(self.metrics.service, row.topic).inc()
            return exc
        self.metrics.events_published.labels(self.metrics.service, row.topic).inc()
        return None

    def _log_round(
        self,
        rows: Sequence[Row[Any]],
        errors: Sequence[Exception | None],
    ) -> None:
        """One warning when rounds begin to fail as a whole, one line when one publishes
        again; a row that fails while others go out is the row's own story."""
        failures = [(row.id, e) for row, e in zip(rows, errors, strict=True) if e is not None]
        if not rows:
            return
        if len(failures) < len(rows):
            if self._failing_since is not None:
                logger.info(
                    "publishing events works again after %.0f s",
                    time.monotonic() - self._failing_since,
                )
                self._failing_since = None
            for row_id, error in failures:
                logger.warning("publishing outbox row %s failed: %s", row_id, error)
            return
        if self._failing_since is None:
            self._failing_since = time.monotonic()
            logger.warning(
                "publishing events fails (%d outbox rows in this round, first: %r); they "
                "stay in the outbox and the relay tries again, every %.0f s at most",
                len(rows),
                failures[0][1],
                MAX_BACKOFF_SECONDS,
            )

    async def run_once(self) -> int:
        """Publish one round of rows; return how many were published."""
        # A Core connection: the round's statements are Core, and an ORM session's
        # bookkeeping around each of them is CPU the relay does not need.
        async with self.database.engine.begin() as conn:
            rows = (await conn.execute(self._heads)).all()
            self._more = len(rows) == self.batch_size or any(row.behind for row in rows)
            # A round holds at most one row per key (the oldest unpublished), so its
            # rows may be handed over all at once: the transport batches them (one
            # Kafka request per partition, one log transaction) instead of a round
            # trip each, and a broker that is away costs the round one timeout.
            errors = await asyncio.gather(*(self._publish(row) for row in rows))
            self._log_round(rows, errors)
            published = [row.id for row, e in zip(rows, errors, strict=True) if e is None]
            failed = [row.id for row, e in zip(rows, errors, strict=True) if e is not None]
            if published:
                await conn.execute(mark_published(published))
            if failed:
                await conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_(failed))
                    .values(attempts=outbox.c.attempts + 1, last_error="publish failed")
                )
        return len(published)

    async def observe_backlog(self) -> int:
        async with self.database.transaction() as session:
            count, oldest = (
                await session.execute(
                    select(func.count(), func.min(outbox.c.created_at)).where(
                        outbox.c.published_at.is_(None)
                    )
                )
            ).one()
            # Both scan their table (no index on the times): not on every observation.
            if time.monotonic() - self._trimmed_at >= self.trim_seconds:
                self._trimmed_at = time.monotonic()
                now = datetime.now(UTC)
                await session.execute(
                    delete(outbox).where(outbox.c.published_at < now - self.retention)
                )
                await session.execute(
                    delete(inbox).where(inbox.c.handled_at < now - self.inbox_retention)
                )
        self.metrics.outbox_backlog.labels(self.metrics.service).set(count)
        age = (datetime.now(UTC) - oldest).total_seconds() if oldest else 0.0
        self.metrics.outbox_oldest_age.labels(self.metrics.service).set(age)
        return int(count)

    async def run(self) -> None:
        service_var.set(self.metrics.service)
        backoff = self.poll_seconds
        observed_at: float | None = None
        while True:
            self._wake.clear()
            try:
                now = time.monotonic()
                if observed_at is None or now - observed_at >= self.observe_seconds:
                    observed_at = now
                    await self.observe_backlog()
                if await self.run_once():
                    backoff = self.poll_seconds
                    if self._more:
                        continue
                    # Otherwise nothing is left but what commits after the round's
                    # query, and each of those commits wakes the relay: wait for it
                    # rather than run an empty round.
                elif self.failing:
                    backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("outbox relay round failed")
                backoff = min(backoff * 2, 30.0)
            await woken(self._wake, backoff)

    def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"outbox-relay-{self.metrics.service}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
