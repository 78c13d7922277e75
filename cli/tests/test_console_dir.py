"""`agora run` serves the web console when a build exists (ADR 0106)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agora_cli import runtime


def test_the_console_is_served_when_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGORA_GATEWAY_CONSOLE_DIR", raising=False)
    monkeypatch.setattr(runtime, "CHECKOUT_CONSOLE", tmp_path / "dist")
    assert runtime.console_dir() == ""  # not built: nothing served
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "index.html").write_text("<!doctype html>")
    assert runtime.console_dir() == str(tmp_path / "dist")
    monkeypatch.setenv("AGORA_GATEWAY_CONSOLE_DIR", "/elsewhere")
    assert runtime.console_dir() == "/elsewhere"


def test_the_checkout_console_is_the_repos_build() -> None:
    assert runtime.CHECKOUT_CONSOLE.parent.joinpath("package.json").is_file()
