"""The garbage collector of a long-running part of the fleet (ADR 0108).

Once every app of a process has started, what start-up built (modules, routes,
schemas, mapped classes, compiled templates: several hundred thousand objects) lives
as long as the process. CPython's default collector walks all of it on every full
collection, which in ``agora run`` under checkout load took about 175 ms each (a
pause of the whole event loop), and collects the youngest generation every 700
allocations. ``settle`` freezes what exists into the permanent generation, so later
collections walk only what was made since, and collects the youngest generation every
``YOUNG_THRESHOLD`` allocations. Reference counting frees almost everything a request
makes; the collector is left with cycles, a few per request.

Called by the serving entry points (``agora serve``, ``agora run``), never by an app's
own lifespan: a test process builds and drops many apps, and a frozen app that later
becomes garbage would never be collected.
"""

from __future__ import annotations

import gc

# Allocations (net of deallocations) between collections of the youngest generation;
# CPython's default is 700. The older generations keep their defaults (10, 10).
YOUNG_THRESHOLD = 20_000


def settle() -> None:
    """Freeze every object alive now out of later collections and raise the youngest
    generation's threshold. Cycles that are garbage at this moment stay for good (a
    one-time handful at start-up); objects made later are collected as usual."""
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, oldest)
