"""``heap.settle``: start-up's objects frozen out of later collections, the rest
collected as before. Run in a fresh interpreter: freezing the test process would keep
every app the other tests drop."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import gc, weakref
from agora_kit import heap

class Node:
    pass

def cycle():
    node = Node()
    node.self = node
    return node

young_before, middle, oldest = gc.get_threshold()
early = cycle()
early_ref = weakref.ref(early)
heap.settle()
assert gc.get_freeze_count() > 0, gc.get_freeze_count()
assert gc.get_threshold() == (heap.YOUNG_THRESHOLD, middle, oldest), gc.get_threshold()
assert young_before != heap.YOUNG_THRESHOLD

late = cycle()
late_ref = weakref.ref(late)
del early, late
gc.collect()
# A cycle made after start-up is collected; one frozen at start-up is not walked.
assert late_ref() is None
assert early_ref() is not None
print("settled")
"""


def test_settle_freezes_what_exists_and_collects_what_comes_later() -> None:
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "settled"
