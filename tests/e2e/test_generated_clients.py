"""Both generated clients (ADR 0093) complete the buyer's journey against ``agora run``:
register, sign in, search, fill the cart, check out paying with ``pm_card_visa``, see the
order confirmed. The shop they buy from is set up through the gateway as a vendor and an
admin would (``agora_tools.journeys``); the journeys are the examples under
``clients/*/examples``, run as a developer runs them. Node comes from the machine, the
npm packages from the registry (installed once, as ``agora-ops generate`` does)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from agora_tools import clients, journeys
from agora_tools.deploy_testing import AllInOne
from agora_tools.fleetdb import create_admin

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

SEARCH = "Journey product"  # the title journeys.sell gives its product


@dataclass
class Shop:
    run: AllInOne
    admin: journeys.Customer  # signed in


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    # One address plays every person of the shop: sign-ups and sign-ins unlimited.
    limits = {"POST /api/v1/auth/login": "600/minute", "POST /api/v1/auth/register": "600/minute"}
    run = AllInOne(
        tmp_path_factory.mktemp("clients") / "data",
        env={"AGORA_GATEWAY_RATE_LIMIT_ROUTES": json.dumps(limits)},
    )
    with run.running("--fresh"):
        with httpx.Client(base_url=run.url("gateway"), timeout=30) as client:
            admin = create_admin(run.database_url("agora_user"))
            journeys.log_in(client, admin)
            journeys.shop_with_a_product(client, admin)
        yield Shop(run, admin)


def confirmed(run: AllInOne, done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, f"{done.stderr}\n{done.stdout}\n{run.tail()}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    # The order is what the gateway shows its buyer, not only what the client says.
    with httpx.Client(base_url=run.url("gateway"), timeout=30) as client:
        login = client.post(
            "/api/v1/auth/login",
            json={"email": result["email"], "password": "a long and quiet parade 42"},
        )
        token = login.json()["access_token"]
        order = client.get(
            f"/api/v1/orders/{result['order_id']}", headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert order["status"] == "confirmed"
    assert order["total"]["amount"] == result["total"] > 0
    assert [line["sku"] for sub in order["sub_orders"] for line in sub["lines"]] == [result["sku"]]
    return result


def test_the_python_client_buys_and_the_order_is_confirmed(shop: Shop) -> None:
    done = subprocess.run(  # noqa: S603 - the example, with this interpreter
        [
            sys.executable,
            str(clients.PYTHON / "examples" / "buyer_journey.py"),
            *("--gateway", shop.run.url("gateway"), "--search", SEARCH),
        ],
        env={**os.environ, "PYTHONPATH": str(clients.PYTHON)},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert confirmed(shop.run, done)["status"] == "confirmed"


def test_the_typescript_client_compiles_buys_and_the_order_is_confirmed(shop: Shop) -> None:
    node = shutil.which("node")
    assert node is not None, "Node.js is needed (Debian: apt-get install nodejs npm)"
    # The compiler checks the journey against the generated types first.
    compiled = subprocess.run(  # noqa: S603
        [clients.npm_bin("tsc"), "-p", "."],
        cwd=clients.TYPESCRIPT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    done = subprocess.run(  # noqa: S603
        [node, "dist/examples/buyer-journey.js", shop.run.url("gateway"), SEARCH],
        cwd=clients.TYPESCRIPT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert confirmed(shop.run, done)["status"] == "confirmed"


def test_seed_demo_makes_accounts_that_sign_in_coupons_and_confirmed_orders(
    shop: Shop,
) -> None:
    done = subprocess.run(  # noqa: S603 - our own command
        [
            str(Path(sys.executable).parent / "agora"),
            *("seed", "--demo", "--gateway", shop.run.url("gateway")),
            *("--data-dir", str(shop.run.data_dir), "--postgres-port", str(shop.run.pg_port)),
        ],
        env={**shop.run.env, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    printed = re.findall(r"(\w+)\s+│\s+(\S+@demo\.example\.com)\s+│\s+(\S+)", done.stdout)
    assert [role for role, _, _ in printed] == ["admin", "vendor1", "vendor2", "buyer"]
    with httpx.Client(base_url=shop.run.url("gateway"), timeout=30) as client:
        roles = {}
        for role, email, password in printed:
            # At the user service itself: the gateway limits sign-ins per address.
            login = httpx.post(
                f"{shop.run.url('user')}/api/v1/auth/login",
                json={"email": email, "password": password},
                timeout=30,
            )
            assert login.status_code == 200, login.text
            auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
            roles[role] = (auth, client.get("/api/v1/users/me", headers=auth).json()["roles"])
        assert "admin" in roles["admin"][1]
        assert "vendor" in roles["vendor1"][1]
        assert "vendor" in roles["vendor2"][1]
        orders = client.get("/api/v1/orders", headers=roles["buyer"][0]).json()["items"]
        assert [o["status"] for o in orders] == ["confirmed"] * 3
        assert sorted(o["coupon_code"] or "" for o in orders) == ["", "FIVEOFF", "WELCOME10"]
        products = client.get("/api/v1/search", params={"q": "Stoneware Mug"}).json()["items"]
        assert [p["title"] for p in products] == ["Stoneware Mug"]


def test_the_http_collection_of_the_journeys_passes(shop: Shop) -> None:
    """docs/api/journeys.http, as `agora-ops http` sends it: admin, vendor, buyer and API
    key, every answer checked by httpyac."""
    done = subprocess.run(  # noqa: S603 - our pinned tool
        clients.journeys_command(shop.run.url("gateway"), shop.admin.email, journeys.PASSWORD),
        cwd=clients.JOURNEYS.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr
    assert "25 requests processed (25 succeeded)" in done.stdout
    assert "✖" not in done.stdout
