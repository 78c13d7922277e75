"""Prometheus (with promtool) from Debian's ``prometheus`` package. It scrapes every
second whatever targets are dropped as JSON files into its ``targets/`` folder (file
service discovery), so a test can point it at a server it just started; promtool
checks the generated configuration before each start."""

from __future__ import annotations

import json
from pathlib import Path

from agora_tools.infra.base import HOST, Server, env_port, http_ok, run
from agora_tools.infra.toolchains import ensure_apt_binary


class Prometheus(Server):
    name = "prometheus"
    start_timeout = 60.0

    def __init__(self) -> None:
        super().__init__()
        self.port = env_port("PROMETHEUS", 9090)
        self.config_file = self.home / "prometheus.yml"
        self.targets_dir = self.home / "targets"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def install(self) -> None:
        ensure_apt_binary("prometheus", "prometheus")
        ensure_apt_binary("promtool", "prometheus")

    def prepare(self) -> None:
        self.targets_dir.mkdir(parents=True, exist_ok=True)
        config = {
            "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
            "scrape_configs": [
                {
                    "job_name": "prometheus",
                    "static_configs": [{"targets": [f"{HOST}:{self.port}"]}],
                },
                {
                    "job_name": "agora",
                    "file_sd_configs": [
                        {"files": [str(self.targets_dir / "*.json")], "refresh_interval": "1s"}
                    ],
                },
            ],
        }
        # JSON is YAML, and needs no YAML writer.
        self.config_file.write_text(json.dumps(config, indent=2) + "\n")
        run([ensure_apt_binary("promtool", "prometheus"), "check", "config", str(self.config_file)])

    def command(self) -> list[str]:
        return [
            ensure_apt_binary("prometheus", "prometheus"),
            f"--config.file={self.config_file}",
            f"--storage.tsdb.path={self.home / 'data'}",
            f"--web.listen-address={HOST}:{self.port}",
        ]

    def ready(self) -> bool:
        return http_ok(f"{self.url}/-/ready")

    def endpoints(self) -> dict[str, str]:
        return {"url": self.url, "targets": str(self.targets_dir)}


def write_scrape_target(targets_dir: Path, name: str, address: str) -> Path:
    """Have Prometheus scrape ``address`` (host:port, path /metrics), labelled
    ``agora_target=name``; remove the returned file to stop."""
    targets_dir.mkdir(parents=True, exist_ok=True)
    path = targets_dir / f"{name}.json"
    tmp = path.with_suffix(".tmp")
    # Written aside and renamed, so Prometheus never reads half a file.
    tmp.write_text(json.dumps([{"targets": [address], "labels": {"agora_target": name}}]))
    tmp.rename(path)
    return path
