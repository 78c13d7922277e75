"""agora-ops's pieces that need no server: finding metric names in PromQL, reading the
metric catalogue, the configuration reference, the journeys' checks, the command."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from agora_tools import config_reference, dashboards, journeys, promql
from agora_tools.fleet import PARTS
from agora_tools.ops import main


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("up", {"up"}),
        (
            'sum by (service) (rate(agora_http_requests_total{route!~"/a|/b"}[5m]))',
            {"agora_http_requests_total"},
        ),
        (
            "histogram_quantile(0.99, sum by (le) (rate(x_bucket[$__rate_interval])))",
            {"x_bucket"},
        ),
        ("a / on (service) group_left (topic) b", {"a", "b"}),
        ("max without (pod) (c) > bool 5 unless d offset 1h", {"c", "d"}),
        (
            "service:agora_http_requests:rate5m > 0.1 and e[5m:1m]",
            {"service:agora_http_requests:rate5m", "e"},
        ),
        ('count(up{job="agora"} == 0) or vector(0)', {"up"}),
        ('topk(10, f{label="sum(g)"})', {"f"}),
        ("1e3 * 2", set()),
    ],
)
def test_metric_names_finds_the_metrics_and_nothing_else(expr: str, names: set[str]) -> None:
    assert promql.metric_names(expr) == names


def test_grafana_variables_become_values_prometheus_accepts() -> None:
    expr = "rate(x[$__rate_interval]) + increase(y[$__range])"
    assert promql.for_prometheus(expr) == "rate(x[1m]) + increase(y[1h])"


def test_the_catalogue_is_read_with_status_and_owner() -> None:
    entries = promql.catalogue()
    http = entries["agora_http_requests_total"]
    assert http.type == "counter"
    assert http.labels == ("service", "method", "route", "status")
    assert http.status == "emitted"
    assert entries["agora_payment_attempts_total"].status == "emitted"
    assert entries["process_cpu_seconds_total"].status == promql.PLANNED


def test_series_names_follow_the_exposition_format() -> None:
    assert promql.series_names("a_total", "counter") == {"a_total", "a_created"}
    assert "h_bucket" in promql.series_names("h", "histogram")
    assert promql.series_names("g", "gauge") == {"g"}


def test_label_values_variables_are_checked_as_their_metric(tmp_path: Path) -> None:
    board = {
        "templating": {
            "list": [
                {
                    "name": "service",
                    "type": "query",
                    "query": {"query": "label_values(agora_outbox_backlog, service)"},
                }
            ]
        },
        "panels": [{"title": "p", "targets": [{"refId": "A", "expr": "up"}]}],
    }
    (tmp_path / "b.json").write_text(json.dumps(board))
    found = list(promql.dashboard_queries(tmp_path))
    assert [q.expr for q in found] == ["agora_outbox_backlog", "up"]


def test_the_reference_has_every_setting_of_every_part() -> None:
    settings = config_reference.all_settings()
    variables = {s.variable for s in settings}
    for part in PARTS:
        cls = config_reference.settings_class(part)
        prefix = f"AGORA_{part.upper()}_"
        for field in cls.model_fields:
            if field != "common":
                assert f"{prefix}{field.upper()}" in variables
    assert "AGORA_ENVIRONMENT" in variables
    user_secret = next(s for s in settings if s.variable == "AGORA_USER_SECRET_KEY")
    assert user_secret.secret
    assert "placeholder" in user_secret.default
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" in config_reference.known_variables()


def test_every_part_gets_its_dashboard() -> None:
    boards = dashboards.all_dashboards()
    for part in PARTS:
        board = boards[f"service-{part}.json"]
        assert board["uid"] == f"agora-service-{part}"


def test_a_journey_step_that_answers_wrong_fails_with_its_name() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(409, json={"type": "https://agora.dev/problems/conflict"})

    client = httpx.Client(transport=httpx.MockTransport(answer), base_url="http://gw")
    with client, pytest.raises(journeys.JourneyFailed, match="register: expected 201, got 409"):
        journeys.register(client)


def test_the_verification_token_is_read_from_the_mail() -> None:
    seen = {}

    def answer(request: httpx.Request) -> httpx.Response:
        seen["body"] = json.loads(request.content)
        return httpx.Response(204)

    customer = journeys.Customer(email="a@example.com", user_id="1")
    with httpx.Client(transport=httpx.MockTransport(answer), base_url="http://gw") as client:
        journeys.verify_email(
            client, customer, lambda _: "Click https://shop/verify?token=abc%2Bdef&x=1"
        )
    assert seen["body"] == {"token": "abc+def"}


def test_unknown_tools_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tools", "terraform"]) == 2
    assert "unknown tools: terraform" in capsys.readouterr().err
