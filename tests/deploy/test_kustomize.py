"""deploy/k8s: the dev and prod overlays build with kustomize, every manifest is valid
for Kubernetes, and each overlay does what its README says."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from agora_tools.config_reference import known_variables
from agora_tools.deploy_testing import K8S, Rendered, documents, render, validate
from agora_tools.fleet import PARTS, SERVICES
from agora_tools.ops import KUBE_VERSION

CRDS = {"ServiceMonitor", "PrometheusRule"}
CLUSTER_SCOPED = {"Namespace"}


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_overlay_builds_into_valid_manifests(
    kustomize_builds: dict[str, Rendered], overlay: str
) -> None:
    built = kustomize_builds[overlay]
    namespace = {"dev": "agora-dev", "prod": "agora"}[overlay]
    for doc in built.docs:
        if doc["kind"] not in CRDS:
            validate(doc, KUBE_VERSION)
        if doc["kind"] in CLUSTER_SCOPED:
            assert doc["metadata"]["name"] == namespace
            labels = doc["metadata"]["labels"]
            assert labels["pod-security.kubernetes.io/enforce"] == "restricted"
        else:
            assert doc["metadata"]["namespace"] == namespace, doc["metadata"]["name"]
        for key, _ in (doc.get("data") or {}).items():
            if key.startswith(("AGORA_", "OTEL_")):
                assert key in known_variables(), key
    deployments = {doc["metadata"]["name"] for doc in built.of_kind("Deployment")}
    assert deployments == {f"agora-{part}" for part in PARTS}
    jobs = built.of_kind("Job")
    assert {job["metadata"]["labels"]["agora.dev/role"] for job in jobs} == {"migration"}
    assert len(jobs) == len(SERVICES)
    for doc in built.docs:
        assert "helm.sh/hook" not in (doc["metadata"].get("annotations") or {})


def test_dev_runs_one_replica_in_development_with_its_own_secret(
    kustomize_builds: dict[str, Rendered],
) -> None:
    dev = kustomize_builds["dev"]
    for deployment in dev.of_kind("Deployment"):
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":dev")
    [config] = [d for d in dev.of_kind("ConfigMap") if d["metadata"]["name"] == "agora-config"]
    assert config["data"]["AGORA_ENVIRONMENT"] == "development"
    [secret] = dev.of_kind("Secret")
    assert secret["metadata"]["name"] == "agora-secrets"
    keys = set(secret["data"])
    for service in SERVICES:
        assert {
            f"AGORA_{service.upper()}_DATABASE_URL",
            f"AGORA_{service.upper()}_SECRET_KEY",
        } <= keys
    for value in secret["data"].values():
        assert base64.b64decode(value)


def test_prod_autoscales_is_monitored_and_uses_your_images(
    kustomize_builds: dict[str, Rendered],
) -> None:
    prod = kustomize_builds["prod"]
    hpas = {doc["metadata"]["name"] for doc in prod.of_kind("HorizontalPodAutoscaler")}
    monitors = {doc["metadata"]["name"] for doc in prod.of_kind("ServiceMonitor")}
    assert hpas == monitors == {f"agora-{part}" for part in PARTS}
    assert len(prod.of_kind("PrometheusRule")) == 1
    assert prod.of_kind("Secret") == [], "production secrets are yours to create"
    for deployment in prod.of_kind("Deployment"):
        assert "replicas" not in deployment["spec"], "the HPA owns the count"
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["image"].startswith("registry.example.com/agora/agora-")
        assert container["imagePullPolicy"] == "Always"


def test_the_e2e_cluster_manifests_are_valid(helm: Path) -> None:
    """What the e2e workflow applies to kind: the dependencies and the chart's values."""
    e2e = K8S / "e2e"
    for doc in documents((e2e / "dependencies.yaml").read_text()):
        validate(doc, KUBE_VERSION)
    rendered = render(e2e / "values.yaml")
    for doc in rendered.docs:
        validate(doc, KUBE_VERSION)
    config = {d["metadata"]["name"]: d["data"] for d in rendered.of_kind("ConfigMap")}
    assert config["agora-config"]["AGORA_KAFKA_BOOTSTRAP_SERVERS"].startswith("kafka.agora-deps")
    assert config["agora-notification"]["AGORA_NOTIFICATION_SMTP_HOST"].startswith("mailpit.")
    # Production refuses the sandbox provider and an empty webhook secret: the e2e
    # cluster runs stripe-mock, and the payment pod gets both Stripe secrets.
    deps = {
        (d["kind"], d["metadata"]["name"])
        for d in documents((e2e / "dependencies.yaml").read_text())
    }
    assert {("Deployment", "stripe-mock"), ("Service", "stripe-mock")} <= deps
    payment = config["agora-payment"]
    assert payment["AGORA_PAYMENT_PROVIDER"] == "stripe"
    assert payment["AGORA_PAYMENT_STRIPE_API_BASE"].startswith("http://stripe-mock.agora-deps.")
    [secret] = rendered.of_kind("Secret")
    for key in ("AGORA_PAYMENT_STRIPE_API_KEY", "AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET"):
        assert base64.b64decode(secret["data"][key]), key
    [deployment] = [
        d for d in rendered.of_kind("Deployment") if d["metadata"]["name"] == "agora-payment"
    ]
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    from_secret = {e["name"] for e in container["env"] if "secretKeyRef" in e.get("valueFrom", {})}
    assert {"AGORA_PAYMENT_STRIPE_API_KEY", "AGORA_PAYMENT_STRIPE_WEBHOOK_SECRET"} <= from_secret
