"""The soak's verdict and its report (Markdown): errors, p50/p99 per request type, and
the memory of every process over time with its growth after the warm-up."""

from __future__ import annotations

import datetime
import os
import subprocess
from pathlib import Path

from agora_tools.soak import NOT_JUDGED, Soak

KEPT = "<!-- written by hand below: kept when the figures are rewritten -->"


def passed(soak: Soak, max_growth: float) -> tuple[bool, str]:
    """No failed request, and no process grown beyond ``max_growth`` after warm-up."""
    if soak.errors():
        return False, f"{soak.errors()} failed requests"
    grown = {
        name: g
        for name, (_, _, g) in soak.growth().items()
        if g > max_growth and name not in NOT_JUDGED
    }
    if grown:
        return False, "grown: " + ", ".join(f"{n} {g:+.1%}" for n, g in grown.items())
    return True, ""


def _machine() -> str:
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{os.cpu_count()} cores, load average at the end {load}; commit {commit or 'unknown'}"


def render(soak: Soak, max_growth: float) -> str:
    ok, why = passed(soak, max_growth)
    total = soak.total
    count = int(total.get("Request Count", "0") or 0)
    errors = soak.errors()
    lines = [
        "# Soak: a steady load through the gateway of `agora run`",
        "",
        f"Written by `agora-soak` (`make soak`) on {datetime.date.today().isoformat()}: "
        f"{soak.users} shoppers at {soak.rate:g} tasks/s each for {soak.seconds:g} s, "
        f"the journeys' mix (`agora_tools.soak_locustfile`), memory growth counted after "
        f"{soak.warm_up:g} s of warm-up. Machine: {_machine()}.",
        "",
        f"**{'Passed' if ok else 'Failed: ' + why}.** {count} requests, {errors} failed "
        f"({errors / max(count, 1):.3%}), {float(total.get('Requests/s', '0') or 0):.1f} "
        "requests/s.",
        "",
        "## Requests",
        "",
        "| request | count | failed | p50 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in soak.requests:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
            f"{row['50%']} | {row['99%']} | {float(row['Max Response Time'] or 0):.0f} |"
        )
    if soak.failures:
        lines += ["", "Failures:", ""]
        lines += [f"- {f['Name']}: {f['Occurrences']} x {f['Error'][:200]}" for f in soak.failures]
    lines += [
        "",
        "## Memory (MB)",
        "",
        f"Growth: the last stretch's mean over the first stretch's after warm-up (pass: "
        f"at most {max_growth:.0%}; PostgreSQL's PSS, which counts the shared buffers "
        "filling as the tables grow, is shown and not judged).",
        "",
        "| process | after warm-up | at the end | growth |",
        "|---|---:|---:|---:|",
    ]
    for name, (before, after, growth) in soak.growth().items():
        lines.append(f"| {name} | {before:.1f} | {after:.1f} | {growth:+.1%} |")
    names = list(soak.samples[0][1]) if soak.samples else []
    lines += ["", "Sampled over time:", "", "| s | " + " | ".join(names) + " |"]
    lines.append("|---:|" + "---:|" * len(names))
    step = max(1, len(soak.samples) // 20)
    for at, values in soak.samples[::step]:
        cells = " | ".join(f"{values.get(name, 0.0):.1f}" for name in names)
        lines.append(f"| {at:.0f} | {cells} |")
    return "\n".join(lines) + "\n"


def write_report(soak: Soak, path: Path, max_growth: float) -> None:
    """The figures, and below them what was written by hand, kept."""
    kept = ""
    if path.exists() and KEPT in path.read_text():
        kept = path.read_text().split(KEPT, 1)[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(soak, max_growth) + "\n" + KEPT + kept)
