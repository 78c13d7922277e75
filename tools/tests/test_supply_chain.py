"""``make audit``'s judgement of a pip-audit report and its allow-list, and ``make
sbom``'s CycloneDX document of the environment."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import pytest

from agora_tools import supply_chain
from agora_tools.infra.base import REPO_ROOT
from agora_tools.supply_chain import Allowed, judge, read_allow_list

REPORT = {
    "dependencies": [
        {"name": "fine", "version": "1.0", "vulns": []},
        {
            "name": "fixable",
            "version": "2.0",
            "vulns": [{"id": "PYSEC-1", "aliases": ["CVE-1"], "fix_versions": ["2.1"]}],
        },
        {
            "name": "unfixed",
            "version": "3.0",
            "vulns": [{"id": "GHSA-2", "aliases": [], "fix_versions": []}],
        },
        {
            "name": "excused",
            "version": "4.0",
            "vulns": [{"id": "PYSEC-3", "aliases": ["GHSA-3"], "fix_versions": ["4.1"]}],
        },
        {"name": "private", "skip_reason": "Dependency not found on PyPI"},
    ]
}
TODAY = date(2026, 12, 6)


def test_a_vulnerability_with_a_fix_fails_one_without_is_reported() -> None:
    allow = [Allowed("GHSA-3", "excused", "not reachable from Agora", date(2027, 1, 1))]
    verdict = judge(REPORT, allow, TODAY)
    assert verdict.failing == ["fixable 2.0: PYSEC-1, fixed in 2.1"]
    assert verdict.unfixed == ["unfixed 3.0: GHSA-2, no fix yet"]
    assert verdict.allowed == ["excused 4.0: PYSEC-3"]  # matched by its alias
    assert verdict.unaudited == ["private: Dependency not found on PyPI"]
    assert not verdict.ok


def test_a_clean_report_passes_and_an_expired_exception_fails() -> None:
    clean = {"dependencies": [REPORT["dependencies"][0], REPORT["dependencies"][3]]}
    allow = [Allowed("PYSEC-3", "excused", "not reachable from Agora", date(2026, 12, 6))]
    assert judge(clean, allow, TODAY).ok
    later = judge(clean, allow, date(2026, 12, 7))
    assert later.failing == ["excused 4.0: PYSEC-3, fixed in 4.1"]
    assert later.expired == ["PYSEC-3 (excused) was allowed until 2026-12-06"]
    assert not later.ok


def test_the_allow_list_needs_a_reason_and_a_date(tmp_path: Path) -> None:
    assert isinstance(read_allow_list(), list)  # the repo's own parses
    bad = tmp_path / "allow.toml"
    bad.write_text('[[allow]]\nid = "X"\npackage = "p"\nreason = " "\nuntil = 2027-01-01\n')
    with pytest.raises(ValueError, match="a reason"):
        read_allow_list(bad)
    bad.write_text('[[allow]]\nid = "X"\npackage = "p"\nreason = "r"\n')
    with pytest.raises(ValueError, match="until"):
        read_allow_list(bad)


def test_the_sbom_lists_the_pinned_packages_of_the_environment(tmp_path: Path) -> None:
    document = supply_chain.sbom(tmp_path / "sbom.json")
    assert document["bomFormat"] == "CycloneDX"
    found = {c["name"].lower(): c["version"] for c in document["components"]}
    pins = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    checked = 0
    for pin in pins["tool"]["uv"]["constraint-dependencies"]:
        name, version = pin.split("==")
        if name in found:  # some pins are of optional extras not installed here
            assert found[name] == version, name
            checked += 1
    assert checked > 100
    for package in ("fastapi", "sqlalchemy", "pydantic", "agora-kit", "agora-cli"):
        assert package in found, package
