"""The Helm chart: `helm lint`, `helm template` with the default and the production
values, every manifest valid against Kubernetes' own schemas, the restricted Pod
Security Standard on every pod, one of each resource per part, the migration hooks,
secrets, and every variable it sets read by a settings class."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from agora_tools.config_reference import known_variables
from agora_tools.deploy_testing import CHART, Rendered, render, run, validate
from agora_tools.fleet import PARTS, SERVICES
from agora_tools.infra.base import REPO_ROOT
from agora_tools.ops import KUBE_VERSION

OLDEST_KUBE = "1.27.0"  # Chart.yaml's kubeVersion
CRDS = {"ServiceMonitor", "PrometheusRule"}
WORKLOADS = {"Deployment", "Job", "Pod"}


def pod_spec(doc: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = doc["spec"] if doc["kind"] == "Pod" else doc["spec"]["template"]["spec"]
    return spec


def named(rendered: Rendered, kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in rendered.of_kind(kind)}


@pytest.fixture(scope="module", params=["default", "production"])
def chart(request: pytest.FixtureRequest) -> Rendered:
    fixture = "chart_default" if request.param == "default" else "chart_production"
    rendered: Rendered = request.getfixturevalue(fixture)
    return rendered


@pytest.mark.parametrize("values", [[], ["values-production.yaml"]], ids=["default", "production"])
def test_helm_lint_is_clean(helm: Path, values: list[str]) -> None:
    args: list[str | Path] = [helm, "lint", "--strict", CHART]
    for name in values:
        args += ["--values", CHART / name]
    done = run(args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 chart(s) failed" in done.stdout


@pytest.mark.parametrize("version", [OLDEST_KUBE, KUBE_VERSION])
def test_every_manifest_is_valid_for_kubernetes(chart: Rendered, version: str) -> None:
    for doc in chart.docs:
        if doc["kind"] in CRDS:
            continue  # prometheus-operator's: checked by test_monitoring_resources
        validate(doc, version)


def test_one_of_each_per_part(chart: Rendered) -> None:
    for part in PARTS:
        name = f"agora-{part}"
        for kind in ("Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "ConfigMap"):
            assert name in named(chart, kind), f"{kind} {name}"
    jobs = named(chart, "Job")
    assert set(jobs) == {f"agora-{service}-migrate" for service in SERVICES}


def test_production_adds_autoscaling_monitoring_and_an_ingress(chart_production: Rendered) -> None:
    for part in PARTS:
        hpa = named(chart_production, "HorizontalPodAutoscaler")[f"agora-{part}"]
        assert hpa["spec"]["scaleTargetRef"]["name"] == f"agora-{part}"
        monitor = named(chart_production, "ServiceMonitor")[f"agora-{part}"]
        [endpoint] = monitor["spec"]["endpoints"]
        assert endpoint["path"] == "/metrics"
        assert endpoint["honorLabels"] is True
        relabels = {r["targetLabel"]: r["replacement"] for r in endpoint["relabelings"]}
        assert relabels == {"job": "agora", "service": part}
        assert "replicas" not in named(chart_production, "Deployment")[f"agora-{part}"]["spec"]
    [ingress] = chart_production.of_kind("Ingress")
    [rule] = ingress["spec"]["rules"]
    assert rule["http"]["paths"][0]["backend"]["service"]["name"] == "agora-gateway"


def test_monitoring_resources_carry_the_rules_and_dashboards(chart_production: Rendered) -> None:
    [rule] = chart_production.of_kind("PrometheusRule")
    alerts = {r["alert"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r}
    source = REPO_ROOT / "deploy" / "observability" / "prometheus" / "rules" / "agora-alerts.yml"
    expected = {
        r["alert"] for g in yaml.safe_load(source.read_text())["groups"] for r in g["rules"]
    }
    assert alerts == expected
    boards = [
        doc
        for doc in chart_production.of_kind("ConfigMap")
        if "-dashboard-" in doc["metadata"]["name"]
    ]
    files = sorted(
        (REPO_ROOT / "deploy" / "observability" / "grafana" / "dashboards").glob("*.json")
    )
    assert len(boards) == len(files)
    for board in boards:
        assert board["metadata"]["labels"]["grafana_dashboard"] == "1"
        [(name, text)] = board["data"].items()
        assert json.loads(text) == json.loads((files[0].parent / name).read_text())


def test_runbook_links_follow_the_configured_base(helm: Path, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    values.write_text(
        yaml.safe_dump(
            {
                "metrics": {
                    "prometheusRule": {
                        "enabled": True,
                        "runbookBaseUrl": "https://ops.example.com/agora/",
                    }
                }
            }
        )
    )
    [rule] = render(values).of_kind("PrometheusRule")
    for group in rule["spec"]["groups"]:
        for alert in (r for r in group["rules"] if "alert" in r):
            url = alert["annotations"]["runbook_url"]
            assert url.startswith("https://ops.example.com/agora/docs/operations/runbooks/"), url


def test_pods_meet_the_restricted_pod_security_standard(chart: Rendered) -> None:
    for doc in chart.docs:
        if doc["kind"] not in WORKLOADS:
            continue
        spec = pod_spec(doc)
        where = f"{doc['kind']} {doc['metadata']['name']}"
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault", where
        assert spec["automountServiceAccountToken"] is False, where
        assert not spec.get("hostNetwork"), where
        assert not spec.get("hostPID"), where
        for volume in spec.get("volumes", []):
            assert "hostPath" not in volume, where
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["runAsNonRoot"] is True, where
            assert context["runAsUser"] >= 10000, where
            assert context["capabilities"] == {"drop": ["ALL"]}, where
            assert context["seccompProfile"]["type"] == "RuntimeDefault", where
            resources = container["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"]), where


def test_deployments_probe_start_life_and_readiness(chart: Rendered) -> None:
    for part in PARTS:
        deployment = named(chart, "Deployment")[f"agora-{part}"]
        [container] = pod_spec(deployment)["containers"]
        assert container["command"] == ["agora", "serve", part]
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        [port] = container["ports"]
        config = named(chart, "ConfigMap")[f"agora-{part}"]["data"]
        assert int(config[f"AGORA_{part.upper()}_PORT"]) == port["containerPort"]
        assert config[f"AGORA_{part.upper()}_HOST"] == "0.0.0.0"  # noqa: S104
        service = named(chart, "Service")[f"agora-{part}"]
        assert service["spec"]["ports"][0]["targetPort"] == "http"


def environment(chart: Rendered) -> dict[str, str]:
    found: dict[str, str] = {}
    for doc in chart.of_kind("ConfigMap"):
        if "-dashboard-" not in doc["metadata"]["name"]:
            found.update(doc.get("data") or {})
    for doc in chart.docs:
        if doc["kind"] in WORKLOADS:
            for container in pod_spec(doc)["containers"]:
                found.update({e["name"]: e.get("value", "") for e in container.get("env", [])})
    for doc in chart.of_kind("Secret"):
        found.update(doc.get("data") or {})
    return found


def test_every_variable_it_sets_is_a_real_setting(chart: Rendered) -> None:
    known = known_variables()
    for variable in environment(chart):
        if variable.startswith(("AGORA_", "OTEL_")):
            assert variable in known, f"{variable} is read by no settings class"


def test_parts_find_each_other_through_their_services(chart: Rendered) -> None:
    shared = named(chart, "ConfigMap")["agora-config"]["data"]
    user_port = named(chart, "Service")["agora-user"]["spec"]["ports"][0]["port"]
    assert shared["AGORA_JWKS_URL"] == f"http://agora-user:{user_port}/.well-known/jwks.json"
    assert shared["AGORA_EVENT_TRANSPORT"] == "kafka"
    gateway = named(chart, "ConfigMap")["agora-gateway"]["data"]
    for service in SERVICES:
        port = named(chart, "Service")[f"agora-{service}"]["spec"]["ports"][0]["port"]
        assert gateway[f"AGORA_GATEWAY_{service.upper()}_URL"] == f"http://agora-{service}:{port}"


def test_services_believe_forwarded_addresses_from_the_gateway_only(chart: Rendered) -> None:
    # The user service's lockouts count the client the gateway saw; the gateway
    # believes no caller's X-Forwarded-For unless an ingress is configured.
    configs = named(chart, "ConfigMap")
    assert configs["agora-gateway"]["data"]["AGORA_GATEWAY_TRUSTED_PROXIES"] == ""
    assert configs["agora-user"]["data"]["AGORA_USER_TRUSTED_PROXIES"] == "*"


def test_migrations_run_as_hooks_before_install_and_upgrade(chart: Rendered) -> None:
    for service in SERVICES:
        job = named(chart, "Job")[f"agora-{service}-migrate"]
        annotations = job["metadata"]["annotations"]
        assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
        [container] = pod_spec(job)["containers"]
        assert container["command"] == ["agora", "migrate", service]
        assert (
            container["image"]
            == pod_spec(named(chart, "Deployment")[f"agora-{service}"])["containers"][0]["image"]
        )
        env = {e["name"] for e in container["env"]}
        assert f"AGORA_{service.upper()}_DATABASE_URL" in env
        # The Job's pods are not the service's: its Service must not route to them.
        selector = named(chart, "Service")[f"agora-{service}"]["spec"]["selector"]
        labels = job["spec"]["template"]["metadata"]["labels"]
        assert not selector.items() <= labels.items()


def test_generated_secrets_exist_before_the_migrations_and_are_strong(
    chart_default: Rendered,
) -> None:
    [secret] = chart_default.of_kind("Secret")
    hook_weight = int(secret["metadata"]["annotations"]["helm.sh/hook-weight"])
    job = named(chart_default, "Job")["agora-user-migrate"]
    assert hook_weight < int(job["metadata"]["annotations"]["helm.sh/hook-weight"])
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    data = {k: base64.b64decode(v).decode() for k, v in secret["data"].items()}
    for service in SERVICES:
        assert len(data[f"AGORA_{service.upper()}_SECRET_KEY"]) >= 32
        assert data[f"AGORA_{service.upper()}_DATABASE_URL"].startswith("postgresql+asyncpg://")
    for doc in chart_default.docs:
        if doc["kind"] in WORKLOADS:
            for container in pod_spec(doc)["containers"]:
                for env in container.get("env", []):
                    ref = env.get("valueFrom", {}).get("secretKeyRef")
                    if ref and not ref.get("optional"):
                        assert ref["key"] in data, ref


def test_an_existing_secret_replaces_the_generated_one(chart_production: Rendered) -> None:
    assert chart_production.of_kind("Secret") == []
    for doc in chart_production.of_kind("Deployment"):
        for env in pod_spec(doc)["containers"][0].get("env", []):
            assert env["valueFrom"]["secretKeyRef"]["name"] == "agora-secrets"


@pytest.mark.parametrize(
    "setting",
    [
        "config.environment=prod",
        "services.user.port=0",
        "kafka.partitions=0",
        "unknownKey=1",
        "secrets.secretKeys.user=short",
        "redis.url=http://redis:6379",
    ],
)
def test_the_values_schema_refuses_bad_values(helm: Path, setting: str) -> None:
    done = run([helm, "template", "agora", CHART, "--kube-version", KUBE_VERSION, "--set", setting])
    assert done.returncode != 0, setting
    assert "schema" in done.stderr.lower() or "values don't meet" in done.stderr.lower(), (
        done.stderr
    )


def test_network_policies_let_only_the_gateway_reach_the_services(chart: Rendered) -> None:
    policies = named(chart, "NetworkPolicy")
    for service in SERVICES:
        policy = policies[f"agora-{service}"]
        sources = policy["spec"]["ingress"][0]["from"]
        gateway = {"podSelector": {"matchLabels": {
            "app.kubernetes.io/name": "agora",
            "app.kubernetes.io/instance": "agora",
            "app.kubernetes.io/component": "gateway",
        }}}  # fmt: skip
        assert gateway in sources, service
        if service != "user":
            assert len(sources) == 1, f"only the gateway reaches {service}"
    assert "agora-no-ingress" in policies


@pytest.mark.parametrize("values", [[], ["values-production.yaml"]], ids=["default", "production"])
def test_the_notes_render_and_say_how_to_reach_and_watch_it(
    helm: Path, tmp_path: Path, values: list[str]
) -> None:
    """NOTES.txt needs a cluster to render with `helm install`; here it is rendered by
    `helm template` from a copy of the chart that wraps it in a ConfigMap."""
    chart = tmp_path / "agora"
    shutil.copytree(CHART, chart)
    notes = (chart / "templates" / "NOTES.txt").read_text()
    (chart / "templates" / "_notes.tpl").write_text(
        f'{{{{- define "test.notes" -}}}}{notes}{{{{- end }}}}'
    )
    (chart / "templates" / "notes-under-test.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: notes}\n"
        'data:\n  notes: {{ include "test.notes" . | quote }}\n'
    )
    args: list[str | Path] = [helm, "template", "agora", chart, "--kube-version", KUBE_VERSION]
    for name in values:
        args += ["--values", CHART / name]
    done = run(args)
    assert done.returncode == 0, done.stderr
    [rendered] = [
        d
        for d in Rendered("notes", done.stdout).of_kind("ConfigMap")
        if d["metadata"]["name"] == "notes"
    ]
    text = rendered["data"]["notes"]
    assert "helm test agora" in text
    if values:
        assert "https://api.shop.example.com/api/v1/" in text
        assert "PrometheusRule agora" in text
    else:
        assert "port-forward svc/agora-gateway 8000" in text
        assert "generated agora-secrets" in text
        assert "Tracing is off" in text


def test_an_s3_bucket_moves_the_catalogs_images_there(helm: Path, tmp_path: Path) -> None:
    values = tmp_path / "values.yaml"
    s3 = {
        "bucket": "agora-images",
        "endpointUrl": "https://s3.example.com",
        "publicUrl": "https://cdn.example.com/agora-images",
        "accessKeyId": "AKIDEXAMPLE",
        "secretAccessKey": "a-secret-key-of-the-bucket",
    }
    values.write_text(yaml.safe_dump({"media": {"s3": s3}}))
    rendered = render(values)
    catalog = named(rendered, "ConfigMap")["agora-catalog"]["data"]
    assert catalog["AGORA_CATALOG_MEDIA_BACKEND"] == "s3"
    assert catalog["AGORA_CATALOG_S3_BUCKET"] == "agora-images"
    assert catalog["AGORA_CATALOG_S3_ENDPOINT_URL"] == "https://s3.example.com"
    assert catalog["AGORA_CATALOG_S3_PUBLIC_URL"] == "https://cdn.example.com/agora-images"
    # The keys only in the Secret, read by the catalog alone.
    assert "AGORA_CATALOG_S3_SECRET_ACCESS_KEY" not in catalog
    [secret] = rendered.of_kind("Secret")
    stored = base64.b64decode(secret["data"]["AGORA_CATALOG_S3_SECRET_ACCESS_KEY"]).decode()
    assert stored == "a-secret-key-of-the-bucket"
    readers = {
        doc["metadata"]["name"]
        for doc in rendered.of_kind("Deployment")
        for container in pod_spec(doc)["containers"]
        if any(e["name"] == "AGORA_CATALOG_S3_ACCESS_KEY_ID" for e in container.get("env", []))
    }
    assert readers == {"agora-catalog"}
