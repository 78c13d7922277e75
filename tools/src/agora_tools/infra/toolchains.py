"""The toolchains servers are fetched and built with: Debian packages through apt, the
JDK, Maven and Go. Binaries that are built (``go install``, ``go build``) go to the
download cache (``$AGORA_INFRA_CACHE``), so a second run finds them there.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from agora_tools.infra.base import ProvisionError, cache_dir, run, say

_apt_updated = False
# Where tools live when a caller's PATH is narrower than a login shell's.
_SYSTEM_PATH = "/usr/local/go/bin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def ensure_apt_binary(binary: str, package: str) -> str:
    """The path of ``binary``, installing Debian's ``package`` first when it is missing."""
    global _apt_updated  # noqa: PLW0603 - one `apt-get update` per process is enough
    found = shutil.which(binary) or shutil.which(binary, path=_SYSTEM_PATH)
    if found:
        return found
    if os.geteuid() != 0:
        raise ProvisionError(f"{binary} is missing: install the Debian package {package}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        say("apt-get update")
        run(["apt-get", "update"], env=env, timeout=600)
        _apt_updated = True
    say(f"apt-get install {package}")
    run(
        ["apt-get", "install", "-y", "--no-install-recommends", package],
        env=env,
        timeout=900,
    )
    found = shutil.which(binary, path=_SYSTEM_PATH)
    if not found:
        raise ProvisionError(f"the Debian package {package} did not install {binary}")
    return found


def libfaketime() -> Path:
    """Debian's libfaketime, which shifts the clock of a process it is preloaded into
    (``LD_PRELOAD``, ``FAKETIME``); the package ``faketime`` brings it with its command."""
    ensure_apt_binary("faketime", "faketime")
    found = sorted(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"))
    if not found:
        raise ProvisionError("the Debian package faketime did not install libfaketime.so.1")
    return found[0]


def java() -> str:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return ensure_apt_binary("java", "openjdk-17-jre-headless")


def java_home() -> str:
    """The JDK's home, for tools (Elasticsearch) that want a home rather than a binary."""
    return str(Path(java()).resolve().parent.parent)


def mvn() -> str:
    return ensure_apt_binary("mvn", "maven")


def go() -> str:
    return ensure_apt_binary("go", "golang-go")


def go_env() -> dict[str, str]:
    # Module downloads stay in go's own GOMODCACHE; only the binaries go to our cache.
    return {**os.environ, "CGO_ENABLED": os.environ.get("CGO_ENABLED", "0")}


def go_install(package: str, version: str, binary: str) -> Path:
    """``go install package@version`` into a cache folder of its own; the binary's path."""
    gobin = cache_dir() / "go" / f"{package.replace('/', '_')}@{version}"
    target = gobin / binary
    if target.exists():
        return target
    started = time.monotonic()
    say(f"go install {package}@{version}")
    run([go(), "install", f"{package}@{version}"], env={**go_env(), "GOBIN": str(gobin)})
    say(f"built {binary} in {time.monotonic() - started:.0f}s")
    return target


def go_build_from_source(module: str, version: str, package: str, binary: str) -> Path:
    """Build ``package`` of ``module@version`` from its source, for modules whose go.mod
    has replace directives (``go install`` refuses those): fetch the module through the
    Go proxy, copy it out of the read-only module cache and ``go build`` there."""
    root = cache_dir() / "go" / f"{module.replace('/', '_')}@{version}"
    target = root / "bin" / binary
    if target.exists():
        return target
    started = time.monotonic()
    say(f"go mod download {module}@{version}")
    info = run([go(), "mod", "download", "-json", f"{module}@{version}"], env=go_env())
    import json

    source_dir = Path(json.loads(info)["Dir"])
    src = root / "src"
    if src.exists():
        shutil.rmtree(src)
    shutil.copytree(source_dir, src)
    for path in [src, *src.rglob("*")]:  # the module cache is read-only
        path.chmod(path.stat().st_mode | 0o200)
    say(f"go build {package} (several minutes the first time)")
    run(
        [go(), "build", "-trimpath", "-o", str(target), f"./{package}"],
        cwd=src,
        env=go_env(),
    )
    shutil.rmtree(src)  # the binary is all we keep; the source is in the module cache
    say(f"built {binary} in {time.monotonic() - started:.0f}s")
    return target


def maven_fetch(args: list[str], workdir: Path) -> None:
    """Run a Maven goal in ``workdir`` (a generated pom's folder), batch mode, quiet."""
    workdir.mkdir(parents=True, exist_ok=True)
    run([mvn(), "-B", "-q", *args], cwd=workdir, timeout=1200)


# Chromium's names on other systems: a CI runner (Ubuntu) has Google Chrome already.
_OTHER_CHROMIUMS = ("chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str:
    """The Chromium the console's browser tests drive through Playwright
    (``executable_path``): Debian's ``chromium``, installed when missing and no other
    Chromium is on the machine. Playwright's own browser downloads are not used."""
    if not (shutil.which("chromium") or shutil.which("chromium", path=_SYSTEM_PATH)):
        for name in _OTHER_CHROMIUMS:
            found = shutil.which(name)
            if found:
                return found
    return ensure_apt_binary("chromium", "chromium")
