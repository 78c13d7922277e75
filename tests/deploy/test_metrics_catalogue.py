"""The metric catalogue (docs/operations/metrics.md) tells the truth about the chassis:
every metric agora_kit registers is listed as emitted with its type and labels, and
every planned metric names its owner. The PromQL test checks the running fleet."""

from __future__ import annotations

from agora_kit.metrics import ServiceMetrics
from agora_tools.promql import PLANNED, catalogue


def registered() -> dict[str, tuple[str, tuple[str, ...]]]:
    metrics = ServiceMetrics("catalogue-test")
    found = {}
    for collector in metrics.registry._collector_to_names:
        name = collector._name  # type: ignore[attr-defined]
        kind = collector._type  # type: ignore[attr-defined]
        if kind == "counter":
            name += "_total"
        found[name] = (kind, tuple(collector._labelnames))  # type: ignore[attr-defined]
    return found


def test_every_chassis_metric_is_catalogued_as_emitted_with_its_type_and_labels() -> None:
    entries = catalogue()
    for name, (kind, labels) in registered().items():
        assert name in entries, f"{name} is not in docs/operations/metrics.md"
        entry = entries[name]
        assert entry.status == "emitted", name
        assert entry.type == kind, name
        assert entry.labels == labels, name


def test_catalogue_entries_are_complete() -> None:
    entries = catalogue()
    assert len(entries) >= len(registered())
    for entry in entries.values():
        assert entry.status in {"emitted", PLANNED}, entry
        assert entry.type in {"counter", "gauge", "histogram"}, entry
        assert entry.owner, entry
        assert "service" in entry.labels, f"{entry.name}: every series has a service label"
        if entry.type == "counter":
            assert entry.name.endswith("_total"), entry.name


def test_the_business_metrics_are_emitted_by_their_owners() -> None:
    entries = catalogue()
    for name, owner in {
        "agora_orders_placed_total": "order",
        "agora_orders_gmv_minor_units_total": "order",
        "agora_carts_created_total": "order",
        "agora_payment_attempts_total": "payment",
    }.items():
        assert entries[name].owner == owner
        assert entries[name].status == "emitted", name
