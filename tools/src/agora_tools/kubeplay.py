"""The Helm chart's own manifests in pods, with ``podman kube play`` (ADR 0092).

``helm template`` renders the chart with ``values-podman.yaml`` and the values of the
machine (ports, databases, servers); :func:`translate` sorts the rendered documents
into what podman 4.3's kube play runs and what it cannot, and changes the documents it
keeps only where kube play needs it; :class:`KubePlay` plays them: the Secret as a
podman secret, the migration Jobs' pods to completion first (as Helm's pre-install
hooks), then the Deployments' pods, each on the host's network.

What kube play here does not do, and what :func:`translate` does about it:

- ``Job``: not a kind kube play knows. Each Job's pod template is played as a Pod of
  its own (``restartPolicy: Never``) and waited for before the Deployments, as the
  chart's hook weights order them.
- ``Secret``: kube play stores the document as a podman secret but reads a
  ``secretKeyRef`` as JSON of the ``data`` map ("secret ... is not valid JSON"); the
  ``data`` map is stored as that JSON instead.
- ``Service``: ignored. The pods share the host's network (the native servers listen
  on loopback only), so each Service's name is given to every pod as a host alias of
  the loopback address, and the chart's own upstream URLs (``http://agora-order:P``)
  resolve. Podman 4.3 writes a pod's aliases only into its infra container's hosts
  file on the host's network; :class:`KubePlay` writes them into each container's.
- ``containerPort``: refused on the host's network ("PortMappings can only be used
  with Bridge or slirp4netns networking"); removed, and the probes get the numbers
  their port names stood for.
- ``NetworkPolicy``, ``ServiceAccount``, ``HorizontalPodAutoscaler``,
  ``PodDisruptionBudget``, ``Ingress``, the monitoring kinds and the chart's test Pod:
  nothing on one machine enforces or reads them; dropped, and listed in
  :attr:`Translated.dropped`.
- annotations longer than 63 characters (a label's limit, which podman 4.3 applies
  to annotations too: "value length exceeds Kubernetetes max 63"): the chart's
  ``checkov.io/skip*`` notes to the static checker and the ``checksum/config`` that
  rolls the pods on a changed setting; dropped, and listed.
- probes: the liveness probe becomes a health check, which podman runs from systemd
  timers (there is no systemd here: ``podman healthcheck run`` runs it, as a kubelet
  would), and an ``httpGet`` becomes ``curl`` in the container, which the image does
  not carry ("curl: not found"); the liveness probe's GET is made by the container's
  own Python instead. Startup and readiness probes are not read by kube play 4.3:
  :meth:`KubePlay.wait_ready` makes their GETs from the host, as a kubelet does from its node.
- ``lifecycle.preStop`` and ``terminationGracePeriodSeconds`` are not read either
  (every container stops after podman's 10 s): :meth:`KubePlay.pre_stop` runs the
  hook in the container, :meth:`KubePlay.stop` stops it with the pod's grace period.
- ``env`` and ``envFrom``: kube play 4.3 lets the ConfigMap's variable win over the
  container's own entry of the same name (Kubernetes: the other way round).
- ``emptyDir``: a podman volume named after the volume, which every pod naming it
  would share; each pod's is renamed after the pod.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from agora_tools.containers import logs, running
from agora_tools.infra.base import HOST, ProvisionError
from agora_tools.infra.podman import podman_run, podman_status

Document = dict[str, Any]

# What nothing enforces or reads on one machine without a cluster.
DROPPED = frozenset(
    {
        "NetworkPolicy",
        "ServiceAccount",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Ingress",
        "ServiceMonitor",
        "PrometheusRule",
    }
)
PROBES = ("startupProbe", "livenessProbe", "readinessProbe")
JOB_TIMEOUT = 300.0
READY_TIMEOUT = 180.0


@dataclass
class Translated:
    """The rendered chart sorted for kube play."""

    config_maps: list[Document] = field(default_factory=list)
    deployments: list[Document] = field(default_factory=list)
    # Each migration Job's pod template, as a Pod.
    job_pods: list[Document] = field(default_factory=list)
    # Secret name -> its data (base64 values, as rendered).
    secrets: dict[str, dict[str, str]] = field(default_factory=dict)
    service_names: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def deployment(self, name: str) -> Document:
        [found] = [d for d in self.deployments if d["metadata"]["name"] == name]
        return found


def translate(documents: Iterable[Document]) -> Translated:
    """The documents sorted and changed for kube play on the host's network; raises on
    a kind this module does not know, so a new kind in the chart is decided here."""
    out = Translated()
    for doc in documents:
        kind, name = doc["kind"], doc["metadata"]["name"]
        if kind == "ConfigMap":
            out.config_maps.append(doc)
        elif kind == "Deployment":
            out.deployments.append(doc)
        elif kind == "Job":
            out.job_pods.append(_job_pod(doc))
        elif kind == "Secret":
            out.secrets[name] = dict(doc.get("data") or {})
        elif kind == "Service":
            out.service_names.append(name)
        elif kind in DROPPED or (kind == "Pod" and _is_helm_test(doc)):
            out.dropped.append(f"{kind}/{name}")
        else:
            raise ValueError(f"{kind}/{name}: not decided for kube play (agora_tools.kubeplay)")
    pods = [(d["metadata"], d["spec"]["template"]) for d in out.deployments]
    pods += [(pod["metadata"], pod) for pod in out.job_pods]
    for owner, pod in pods:
        _for_host_network(pod["spec"], out.service_names)
        _rename_empty_dirs(pod["spec"], owner["name"])
        for metadata in (owner, pod.get("metadata", {})):
            dropped = _long_annotations(metadata)
            out.dropped += [entry for entry in dropped if entry not in out.dropped]
    return out


def _long_annotations(metadata: Document) -> list[str]:
    annotations = metadata.get("annotations") or {}
    long = sorted(key for key, value in annotations.items() if len(str(value)) > 63)
    for key in long:
        del annotations[key]
    return [f"annotation/{key}" for key in long]


def _is_helm_test(doc: Document) -> bool:
    return "test" in doc["metadata"].get("annotations", {}).get("helm.sh/hook", "")


def _job_pod(job: Document) -> Document:
    template = job["spec"]["template"]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": job["metadata"]["name"], **template.get("metadata", {})},
        "spec": template["spec"],
    }


def _for_host_network(spec: Document, service_names: list[str]) -> None:
    spec["hostNetwork"] = True
    spec["hostAliases"] = [{"ip": HOST, "hostnames": sorted(service_names)}]
    for container in spec["containers"]:
        ports = {p["name"]: p["containerPort"] for p in container.pop("ports", [])}
        for probe in PROBES:
            http = container.get(probe, {}).get("httpGet")
            if http and isinstance(http.get("port"), str):
                http["port"] = ports[http["port"]]
        liveness = container.get("livenessProbe", {})
        if "httpGet" in liveness:
            liveness["exec"] = {"command": _http_check(liveness.pop("httpGet"), liveness)}


def _http_check(http: Document, probe: Document) -> list[str]:
    """An HTTP GET made in the container by its own Python: what podman runs as the
    health check (it joins the words and hands them to ``sh -c``)."""
    url = f"http://{HOST}:{http['port']}{http['path']}"
    seconds = probe.get("timeoutSeconds", 1)
    code = f'import urllib.request as r; r.urlopen("{url}", timeout={seconds})'
    return ["python", "-c", f"'{code}'"]


def _rename_empty_dirs(spec: Document, owner: str) -> None:
    renamed = {}
    for volume in spec.get("volumes", []):
        if "emptyDir" in volume:
            renamed[volume["name"]] = volume["name"] = f"{owner}-{volume['name']}"
    for container in spec["containers"]:
        for mount in container.get("volumeMounts", []):
            mount["name"] = renamed.get(mount["name"], mount["name"])


@dataclass
class KubePlay:
    """The translated chart, played from YAML files kept in ``work``."""

    chart: Translated
    work: Path
    played: list[Path] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)

    def play(self) -> None:
        """The Secret, the migrations' pods to completion, then the Deployments' pods."""
        for name, data in self.chart.secrets.items():
            podman_status(["secret", "rm", name])
            path = self.work / f"{name}.json"
            path.write_text(json.dumps(data))
            podman_run(["secret", "create", name, str(path)])
        self._play("jobs.yaml", self.chart.job_pods)
        for pod in self.chart.job_pods:
            [container] = self.containers(pod["metadata"]["name"])
            code = podman_run(["wait", container], timeout=JOB_TIMEOUT).strip()
            if code != "0":
                raise ProvisionError(f"{container} exited {code}:\n{logs(container)}")
        self._play("deployments.yaml", self.chart.deployments)
        for deployment in self.chart.deployments:
            self._give_host_aliases(self.container(deployment), pod_spec(deployment))

    def _play(self, name: str, documents: list[Document]) -> None:
        path = self.work / name
        path.write_text(yaml.safe_dump_all([*self.chart.config_maps, *documents]))
        self.played.append(path)
        for doc in documents:
            spec = pod_spec(doc) if doc["kind"] == "Deployment" else doc["spec"]
            self.volumes += [v["name"] for v in spec.get("volumes", []) if "emptyDir" in v]
        podman_run(["kube", "play", str(path)], timeout=300)

    def containers(self, pod: str) -> list[str]:
        """The names of ``pod``'s containers, its infra container left out."""
        listed = podman_run(
            ["ps", "--all", "--filter", f"pod={pod}", "--format", "{{.Names}} {{.IsInfra}}"]
        )
        return [line.split()[0] for line in listed.splitlines() if line.endswith("false")]

    def container(self, deployment: Document) -> str:
        """The container of the Deployment's pod (kube play names it so)."""
        [spec] = pod_spec(deployment)["containers"]
        return f"{deployment['metadata']['name']}-pod-0-{spec['name']}"

    def _give_host_aliases(self, container: str, spec: Document) -> None:
        """The pod's host aliases in the container's own hosts file: on the host's
        network kube play writes them to the infra container's file only."""
        for alias in spec.get("hostAliases", []):
            for hostname in alias["hostnames"]:
                self.point(container, hostname, alias["ip"])

    def point(self, container: str, hostname: str, address: str) -> None:
        """``hostname`` resolves to ``address`` in ``container`` from now on (glibc
        reads the hosts file at every lookup): what a Service's endpoints do."""
        hosts = Path(podman_run(["inspect", "--format", "{{.HostsPath}}", container]).strip())
        lines = [ln for ln in hosts.read_text().splitlines() if ln.split()[1:] != [hostname]]
        hosts.write_text("\n".join([f"{address}\t{hostname}", *lines]) + "\n")

    def start_replica(self, deployment: Document, name: str, address: str) -> tuple[str, Document]:
        """A second pod of ``deployment``'s template, named ``name``, listening on
        ``address`` (another loopback address: the port is the same); its container
        and its pod's spec (whose probes ask ``address``)."""
        template = json.loads(json.dumps(deployment["spec"]["template"]))
        spec = template["spec"]
        [container] = spec["containers"]
        # The address as an argument: kube play 4.3 lets the ConfigMap's AGORA_*_HOST
        # (envFrom) win over the container's own env entry, Kubernetes the other way.
        container["command"] = [*container["command"], "--host", address]
        for probe in PROBES:
            if "httpGet" in container.get(probe, {}):
                container[probe]["httpGet"]["host"] = address
        if "exec" in container.get("livenessProbe", {}):
            command = container["livenessProbe"]["exec"]["command"]
            command[-1] = command[-1].replace(f"//{HOST}:", f"//{address}:")
        _rename_empty_dirs(spec, name)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
        self._play(f"{name}.yaml", [pod])
        replica = f"{name}-{container['name']}"
        self._give_host_aliases(replica, spec)
        return replica, spec

    def wait_ready(self, container: str, template_spec: Document) -> None:
        """The startup probe (the container is given up on after its failure
        threshold), then the readiness probe until it passes, as a kubelet runs them."""
        [spec] = template_spec["containers"]
        startup, readiness = spec["startupProbe"], spec["readinessProbe"]
        for attempt in range(startup.get("failureThreshold", 3)):
            if probe_passes(startup):
                break
            if not running(container):
                raise ProvisionError(f"{container} exited:\n{logs(container)}")
            time.sleep(startup.get("periodSeconds", 10) if attempt else 0.5)
        else:
            raise ProvisionError(f"{container}: its startup probe failed:\n{logs(container)}")
        deadline = time.monotonic() + READY_TIMEOUT
        while not probe_passes(readiness):
            if time.monotonic() > deadline or not running(container):
                raise ProvisionError(f"{container} not ready:\n{logs(container)}")
            time.sleep(min(readiness.get("periodSeconds", 10), 1.0))

    def pre_stop(self, container: str, template_spec: Document) -> str:
        """What a kubelet does first to a pod it deletes: the preStop hook, in the
        container, given at most the grace period; what became of it. As with a kubelet,
        a hook that fails or hangs does not keep the pod from being stopped."""
        [spec] = template_spec["containers"]
        hook = spec.get("lifecycle", {}).get("preStop", {}).get("exec")
        if not hook:
            return "none"
        grace = template_spec.get("terminationGracePeriodSeconds", 30)
        try:
            podman_run(["exec", container, *hook["command"]], timeout=grace)
        except ProvisionError as exc:  # it failed, or still ran after the grace period
            return str(exc)[-300:]
        return "done"

    def stop(self, container: str, template_spec: Document) -> float:
        """Then SIGTERM, and SIGKILL after the pod's grace period; the seconds taken."""
        grace = template_spec.get("terminationGracePeriodSeconds", 30)
        started = time.monotonic()
        podman_run(["stop", "--time", str(grace), container], timeout=grace + 30)
        return time.monotonic() - started

    def down(self) -> None:
        for path in reversed(self.played):
            podman_status(["kube", "down", str(path)])
        for name in self.chart.secrets:
            podman_status(["secret", "rm", name])
        for volume in self.volumes:
            podman_status(["volume", "rm", "--force", volume])


def pod_spec(deployment: Document) -> Document:
    """The spec of the Deployment's pod template."""
    spec: Document = deployment["spec"]["template"]["spec"]
    return spec


def probe_passes(probe: Document) -> bool:
    """One HTTP probe, made from the host as a kubelet makes it from its node."""
    http = probe["httpGet"]
    url = f"http://{http.get('host', HOST)}:{http['port']}{http['path']}"
    try:
        answer = httpx.get(url, timeout=probe.get("timeoutSeconds", 1))
    except httpx.HTTPError:
        return False
    return 200 <= answer.status_code < 400
