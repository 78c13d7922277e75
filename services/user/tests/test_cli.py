"""``agora user create-admin`` and ``agora user rotate-keys`` as an operator runs them."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import asyncpg
import pytest
from typer.testing import CliRunner, Result

from agora_cli.main import app
from agora_kit.embedded_pg import EmbeddedPostgres
from agora_kit.testing.fixtures import free_port
from agora_user_testing import UserApi, bearer

runner = CliRunner()
ADMIN_PASSWORD = "granite-pelican-orchard-88"


async def agora(*args: str, env: dict[str, str], input: str | None = None) -> Result:
    # In a thread: the commands run their own event loop.
    return await asyncio.to_thread(runner.invoke, app, list(args), env=env, input=input)


async def test_create_admin_reads_the_password_from_the_environment(
    api: UserApi, user_database: str
) -> None:
    env = {"AGORA_USER_DATABASE_URL": user_database, "AGORA_ADMIN_PASSWORD": ADMIN_PASSWORD}
    result = await agora("user", "create-admin", "--email", "Root@Example.com", env=env)
    assert result.exit_code == 0, result.output
    assert "Created admin root@example.com" in result.output
    assert ADMIN_PASSWORD not in result.output

    login = await api.client.post(
        "/api/v1/auth/login", json={"email": "root@example.com", "password": ADMIN_PASSWORD}
    )
    assert login.status_code == 200
    token = login.json()["access_token"]
    me = (await api.client.get("/api/v1/users/me", headers=bearer(token))).json()
    assert me["roles"] == ["admin", "customer"]
    assert me["email_verified"] is True
    assert (await api.client.get("/api/v1/admin/users", headers=bearer(token))).status_code == 200
    [registered] = await api.events("user.registered.v1")
    assert registered["data"]["roles"] == ["admin", "customer"]
    assert await api.events("email_verification_requested.v2") == []


async def test_create_admin_prompts_when_no_password_is_set(
    api: UserApi, user_database: str
) -> None:
    env = {"AGORA_USER_DATABASE_URL": user_database, "AGORA_ADMIN_PASSWORD": ""}
    result = await agora(
        "user",
        "create-admin",
        "--email",
        "root@example.com",
        env=env,
        input=f"{ADMIN_PASSWORD}\n{ADMIN_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert ADMIN_PASSWORD not in result.output
    login = await api.client.post(
        "/api/v1/auth/login", json={"email": "root@example.com", "password": ADMIN_PASSWORD}
    )
    assert login.status_code == 200


async def test_create_admin_refuses_weak_passwords_and_bad_addresses(
    api: UserApi, user_database: str
) -> None:
    env = {"AGORA_USER_DATABASE_URL": user_database, "AGORA_ADMIN_PASSWORD": "admin123"}
    weak = await agora("user", "create-admin", "--email", "root@example.com", env=env)
    assert weak.exit_code == 1
    assert "Not created" in weak.output
    bad = await agora("user", "create-admin", "--email", "root", env=env)
    assert bad.exit_code == 2
    assert await api.query("SELECT id FROM users") == []
    # Without a password and without a terminal to ask on, nothing is created either.
    none = await agora(
        "user",
        "create-admin",
        "--email",
        "root@example.com",
        env={"AGORA_USER_DATABASE_URL": user_database, "AGORA_ADMIN_PASSWORD": ""},
    )
    assert none.exit_code != 0
    assert await api.query("SELECT id FROM users") == []


async def test_create_admin_promotes_an_existing_account(api: UserApi, user_database: str) -> None:
    account = await api.signed_in("ada@example.com")
    result = await agora(
        "user",
        "create-admin",
        "--email",
        "ada@example.com",
        env={"AGORA_USER_DATABASE_URL": user_database, "AGORA_ADMIN_PASSWORD": ""},
    )
    assert result.exit_code == 0, result.output
    assert "admin now" in result.output
    await api.login(account)
    assert (await api.client.get("/api/v1/admin/users", headers=account.headers)).status_code == 200


async def test_rotate_keys_publishes_a_new_key(api: UserApi, user_database: str) -> None:
    before = {k["kid"] for k in (await api.client.get("/.well-known/jwks.json")).json()["keys"]}
    env = {"AGORA_USER_DATABASE_URL": user_database}
    result = await agora("user", "rotate-keys", env=env)
    assert result.exit_code == 0, result.output
    assert "signs from" in result.output
    api.context.keys.forget()
    after = {k["kid"] for k in (await api.client.get("/.well-known/jwks.json")).json()["keys"]}
    assert before < after
    assert len(after) == 2


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.timeout(180)
async def test_data_dir_uses_the_embedded_postgres_of_agora_run(tmp_path: Path) -> None:
    port = str(free_port())
    env = {"AGORA_ADMIN_PASSWORD": ADMIN_PASSWORD, "AGORA_POSTGRES_PORT": port}
    data_dir = str(tmp_path / "agora")
    created = await agora(
        "user", "create-admin", "--email", "root@example.com", "--data-dir", data_dir, env=env
    )
    assert created.exit_code == 0, created.output
    # Started for the command, stopped after it.
    assert not accepts(int(port))
    assert (tmp_path / "agora" / "postgres" / "pgdata" / "PG_VERSION").exists()
    again = await agora(
        "user", "create-admin", "--email", "root@example.com", "--data-dir", data_dir, env=env
    )
    assert again.exit_code == 0, again.output
    assert "admin now" in again.output

    # While `agora run` runs (here: its server, on another port), the command attaches
    # to it and leaves it running.
    server = EmbeddedPostgres(tmp_path / "agora" / "postgres", port=free_port())
    await asyncio.to_thread(server.start)
    try:
        rotated = await agora("user", "rotate-keys", "--now", "--data-dir", data_dir, env=env)
        assert rotated.exit_code == 0, rotated.output
        assert accepts(server.port)
        conn = await asyncpg.connect(server.url("agora_user", driver="postgresql"))
        try:
            assert await conn.fetchval("SELECT count(*) FROM signing_keys") == 1
            assert await conn.fetchval("SELECT count(*) FROM users") == 1
        finally:
            await conn.close()
    finally:
        await asyncio.to_thread(server.stop)
