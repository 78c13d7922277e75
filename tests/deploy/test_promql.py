"""Every PromQL expression of the dashboards and the rules, run against a real
Prometheus scraping the running distributed fleet.

A query passes when Prometheus accepts it and every metric it names is exported by
the fleet, made by one of our recording rules, or listed in the metric catalogue
(docs/operations/metrics.md) as planned with its owner. Anything else (a renamed or
misspelt metric) fails the build. The catalogue itself must match what the fleet
exports: an emitted metric the fleet does not export, or an `agora_*` metric it
exports that the catalogue does not list, fails too.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from agora_tools import journeys
from agora_tools.deploy_testing import Fleet, wait_for
from agora_tools.fleet import PARTS
from agora_tools.promql import (
    PLANNED,
    Query,
    catalogue,
    dashboard_queries,
    for_prometheus,
    metric_names,
    recorded_names,
    rule_queries,
    series_names,
)
from agora_tools.pytest_plugin import PrometheusServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}


@pytest.fixture(scope="module")
def scraped(fleet: Fleet, prometheus_server: PrometheusServer) -> Iterator[str]:
    """Prometheus scrapes every part of the fleet; some traffic goes through it."""
    run_id = secrets.token_hex(4)
    targets: list[Path] = [
        prometheus_server.scrape(f"deploy-{run_id}-{part}", f"127.0.0.1:{fleet.ports[part]}")
        for part in PARTS
    ]
    try:
        with httpx.Client(base_url=fleet.gateway, timeout=30) as client:
            customer = journeys.register(client)
            journeys.log_in(client, customer)
            journeys.browse(client)
            assert client.get("/api/v1/no-such-route").status_code == 404
        selector = f'up{{agora_target=~"deploy-{run_id}-.*"}}'
        wait_for(
            lambda: (
                len([s for s in prometheus_server.query(selector) if s["value"][1] == "1"])
                == len(PARTS)
            ),
            60,
            "Prometheus scraping every part",
        )
        yield run_id
    finally:
        for target in targets:
            target.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def exported(fleet: Fleet, scraped: str) -> dict[str, set[str]]:
    """Family name -> the sample names the fleet exports for it (from /metrics, so a
    labelled family with no sample yet still counts as exported)."""
    families: dict[str, set[str]] = {}
    for part in PARTS:
        text = httpx.get(f"{fleet.url(part)}/metrics", timeout=10).text
        for family in text_string_to_metric_families(text):
            if family.name.endswith("_created") and family.type != "counter":
                # prometheus_client's creation times, part of their counter (a counter
                # may itself end in _created: agora_carts_created_total)
                continue
            name = family.name + ("_total" if family.type == "counter" else "")
            families.setdefault(name, set()).update(series_names(name, family.type))
    return families


def known_names(exported: dict[str, set[str]]) -> set[str]:
    names = set().union(*exported.values()) | PROMETHEUS_OWN | recorded_names()
    for entry in catalogue().values():
        if entry.status == PLANNED:
            names |= series_names(entry.name, entry.type)
    return names


def queries() -> list[Query]:
    return [*rule_queries(), *dashboard_queries()]


def test_there_is_something_to_check() -> None:
    found = queries()
    assert len(found) > 100
    assert any(q.source.startswith("agora-alerts.yml") for q in found)
    assert any(q.source.startswith("business.json") for q in found)


def test_every_metric_a_query_names_is_exported_recorded_or_planned(
    exported: dict[str, set[str]],
) -> None:
    known = known_names(exported)
    unknown = {
        f"{query.source}: {name}"
        for query in queries()
        for name in metric_names(query.expr)
        if name not in known
    }
    assert unknown == set(), "rename the query, or add the metric to docs/operations/metrics.md"


def test_a_renamed_metric_would_fail(exported: dict[str, set[str]]) -> None:
    known = known_names(exported)
    assert "agora_http_requests_total" in known
    renamed = 'sum(rate(agora_http_request_total{service="user"}[5m]))'
    assert metric_names(renamed) - known == {"agora_http_request_total"}


def test_prometheus_accepts_every_query(prometheus_server: PrometheusServer, scraped: str) -> None:
    refused = {}
    for query in queries():
        answer = httpx.get(
            f"{prometheus_server.url}/api/v1/query",
            params={"query": for_prometheus(query.expr)},
            timeout=10,
        )
        if answer.status_code != 200 or answer.json().get("status") != "success":
            refused[query.source] = answer.text[:300]
    assert refused == {}


def test_the_queries_see_the_fleet(prometheus_server: PrometheusServer, scraped: str) -> None:
    """Not only accepted: the RED queries return every part's traffic."""
    [overview] = [
        q for q in dashboard_queries() if q.source.startswith("service-user.json:Answers by status")
    ]
    assert prometheus_server.query(for_prometheus(overview.expr))
    by_service = prometheus_server.query(
        f'sum by (service) (agora_http_requests_total{{agora_target=~"deploy-{scraped}-.*"}})'
    )
    assert {sample["metric"]["service"] for sample in by_service} == set(PARTS)
    backlog = prometheus_server.query(
        f'agora_outbox_backlog{{agora_target=~"deploy-{scraped}-.*"}}'
    )
    assert {sample["metric"]["service"] for sample in backlog} == set(PARTS) - {"gateway"}


def test_the_catalogue_matches_what_the_fleet_exports(exported: dict[str, set[str]]) -> None:
    entries = catalogue()
    emitted = {name for name, entry in entries.items() if entry.status == "emitted"}
    ours = {name for name in exported if name.startswith("agora_")}
    assert ours - set(entries) == set(), "exported but not in docs/operations/metrics.md"
    assert emitted - ours == set(), "catalogued as emitted but exported by no part"
    planned_but_exported = {n for n, e in entries.items() if e.status == PLANNED} & set(exported)
    assert planned_but_exported == set(), "emitted now: mark it so in the catalogue"
