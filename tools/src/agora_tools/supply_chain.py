"""The supply chain: ``make audit`` runs pip-audit over the resolved environment and
fails on a known vulnerability that has a fix, unless ``tools/pip-audit-allow.toml``
allows it (with a reason, until a date); ``make sbom`` writes a CycloneDX SBOM of the
environment (ADR 0094).

Both tools run with ``uv tool run`` at pinned versions, apart from the environment they
look at, so neither they nor what they need end up in it.

    python -m agora_tools.supply_chain audit [--service osv|pypi]
    python -m agora_tools.supply_chain sbom OUT.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from agora_tools.infra.base import REPO_ROOT, run
from agora_tools.ops import uv_command

ALLOW_LIST = REPO_ROOT / "tools" / "pip-audit-allow.toml"
PIP_AUDIT = "pip-audit==2.10.1"
CYCLONEDX = "cyclonedx-bom==7.5.0"


@dataclass(frozen=True)
class Allowed:
    id: str
    package: str
    reason: str
    until: date


@dataclass
class Verdict:
    failing: list[str]  # vulnerabilities with a fix, not allowed
    unfixed: list[str]  # known, no fix yet: reported, not failing
    allowed: list[str]
    unaudited: list[str]  # packages the service could not answer for
    expired: list[str]  # allow-list entries past their date

    @property
    def ok(self) -> bool:
        return not (self.failing or self.unaudited or self.expired)


def read_allow_list(path: Path = ALLOW_LIST) -> list[Allowed]:
    """Entries of ``[[allow]]`` with ``id``, ``package``, ``reason`` and ``until``; each
    must say why and until when, or the list is refused."""
    entries = tomllib.loads(path.read_text()).get("allow", []) if path.exists() else []
    found = []
    for entry in entries:
        missing = {"id", "package", "reason", "until"} - set(entry)
        if missing or not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path}: an entry lacks {', '.join(sorted(missing)) or 'a reason'}")
        until = entry["until"]
        if not isinstance(until, date):
            raise ValueError(f"{path}: until of {entry['id']} is not a date")
        found.append(Allowed(entry["id"], entry["package"], entry["reason"], until))
    return found


def judge(report: dict[str, Any], allow: list[Allowed], today: date) -> Verdict:
    """What pip-audit's JSON report means here."""
    verdict = Verdict([], [], [], [], [])
    live = {entry.id: entry for entry in allow if entry.until >= today}
    verdict.expired = [
        f"{entry.id} ({entry.package}) was allowed until {entry.until}"
        for entry in allow
        if entry.until < today
    ]
    for dependency in report.get("dependencies", []):
        name = dependency["name"]
        if "skip_reason" in dependency:
            verdict.unaudited.append(f"{name}: {dependency['skip_reason']}")
            continue
        for vuln in dependency.get("vulns", []):
            ids = [vuln["id"], *vuln.get("aliases", [])]
            line = f"{name} {dependency['version']}: {vuln['id']}"
            if any(i in live for i in ids):
                verdict.allowed.append(line)
            elif vuln.get("fix_versions"):
                verdict.failing.append(f"{line}, fixed in {', '.join(vuln['fix_versions'])}")
            else:
                verdict.unfixed.append(f"{line}, no fix yet")
    return verdict


def _resolved(directory: Path) -> Path:
    """The environment's third-party packages, pinned (the workspace's own are not on
    any index, and are left out)."""
    frozen = run([*uv_command(), "pip", "freeze", "--exclude-editable"], cwd=REPO_ROOT)
    requirements = directory / "requirements.txt"
    requirements.write_text("".join(line + "\n" for line in frozen.splitlines() if "==" in line))
    return requirements


def audit(service: str) -> Verdict:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        report = directory / "audit.json"
        # Not infra.base.run: pip-audit exits 1 when it finds a vulnerability.
        done = subprocess.run(  # noqa: S603 - fixed arguments
            [
                *(*uv_command(), "tool", "run", "--from", PIP_AUDIT, "pip-audit"),
                *("--requirement", str(_resolved(directory)), "--no-deps", "--disable-pip"),
                *("--vulnerability-service", service, "--format", "json"),
                *("--output", str(report), "--progress-spinner", "off"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if not report.exists():
            raise RuntimeError(f"pip-audit wrote no report: {done.stderr.strip()[-2000:]}")
        return judge(json.loads(report.read_text()), read_allow_list(), date.today())


def sbom(out: Path) -> dict[str, Any]:
    """A CycloneDX (JSON) SBOM of the workspace's environment, written to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    run(
        [
            *(*uv_command(), "tool", "run", "--from", CYCLONEDX, "cyclonedx-py", "environment"),
            *("--output-format", "JSON", "--output-file", str(out)),
            str(REPO_ROOT / ".venv" / "bin" / "python"),
        ]
    )
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agora_tools.supply_chain")
    commands = parser.add_subparsers(dest="command", required=True)
    audit_command = commands.add_parser("audit", help="pip-audit the environment")
    audit_command.add_argument("--service", choices=("osv", "pypi"), default="osv")
    sbom_command = commands.add_parser("sbom", help="write a CycloneDX SBOM")
    sbom_command.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    if args.command == "sbom":
        document = sbom(args.out)
        print(f"{args.out}: {len(document.get('components', []))} components")
        return 0
    try:
        verdict = audit(args.service)
    except RuntimeError as exc:
        print(f"the audit could not run: {exc}")
        return 2
    for title, lines in (
        ("vulnerable, with a fix", verdict.failing),
        ("known, no fix yet", verdict.unfixed),
        ("allowed", verdict.allowed),
        ("expired allow-list entries", verdict.expired),
        ("not audited", verdict.unaudited),
    ):
        if lines:
            print(f"{title} ({len(lines)}):")
            print("".join(f"  {line}\n" for line in lines), end="")
    if verdict.unaudited:
        print(f"the {args.service} vulnerability service answered for none of these: unreachable?")
    print("ok" if verdict.ok else "FAILED")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
