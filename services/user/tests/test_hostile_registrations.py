"""A thousand registrations with hostile text in every field (SQL, HTML, overlong
values, Unicode tricks, NUL bytes, wrong types, broken JSON): each answer is a 201 or
a 4xx problem, never a 500, and nothing stored holds a password or a token."""

from __future__ import annotations

import json
import uuid
from typing import Any

from agora_user_testing import UserApi

REGISTER = "/api/v1/auth/register"
COUNT = 1000

SQL = [
    "'; DROP TABLE users; --",
    "' OR '1'='1",
    "admin'--",
    "1; SELECT pg_sleep(10)",
    "\\'; COPY users TO PROGRAM 'id'; --",
    "%' AND 1=(SELECT COUNT(*) FROM users) --",
]
HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg/onload=alert(1)>',
    "{{7*7}}${7*7}",
    "${jndi:ldap://127.0.0.1/a}",
    "javascript:alert(document.cookie)",
]
UNICODE = [
    "\u202eevil\u202c",  # right-to-left override
    "a\u200bb\u200dc",  # zero-width characters
    "\uff21\uff24\uff2d\uff29\uff2e",  # fullwidth
    "adm\u0456n",  # a Cyrillic i
    "e\u0301" * 60,  # combining accents
    "🦄" * 30,
    "\ud800",  # lone surrogates
    "\udfff",
    "\ufeffbom",
    "\uffff\ufffe",
    "Z̴̡̪͓̓͌ä̸̡l̶g̵o̵",
    "ﬁ",  # a ligature NFKC unfolds
    "\u0000",
    "a\u0000b",
    "line\nbreak\r\ttab",
    "\x1b[31mred\x1b[0m",
]
OVERLONG = ["a" * 10_000, "x" * 201, "é" * 300, "🦄" * 500, "a" * 1025]
WRONG_TYPES: list[Any] = [None, 42, 3.14, True, [], ["a"], {}, {"$gt": ""}]
PIECES: list[Any] = SQL + HTML + UNICODE + OVERLONG + WRONG_TYPES + ["", " "]

EMAIL_SHAPES = [
    "user{i}@example.com",
    "USER{i}@EXAMPLE.COM",
    "o'brien{i}@example.com",
    "user{i}+tag@example.com",
    "user{i}@exämple.com",
    "user{i}@xn--exmple-cua.com",
    "{p}{i}@example.com",
    "user{i}@{p}.com",
    "{p}",
    "user{i}@example.com{p}",
    '"{p}"@example.com',
    "user{i}@[127.0.0.1]",
    "user{i}@localhost",
    "user{i}@" + "a" * 250 + ".com",
    "a" * 65 + "{i}@example.com",
    "ü{i}@example.com",
]


def text(piece: Any) -> str:
    return piece if isinstance(piece, str) else json.dumps(piece)


def case(i: int) -> bytes:
    """The body of request ``i``: mostly JSON with a hostile field or three, some of it
    not JSON at all. Encoded with ensure_ascii so lone surrogates reach the server."""
    piece = PIECES[i % len(PIECES)]
    shape = EMAIL_SHAPES[(i // len(PIECES) + i) % len(EMAIL_SHAPES)]
    email: Any = shape.format(i=i, p=text(piece))
    password: Any = f"{text(PIECES[(i * 7) % len(PIECES)])}-{uuid.uuid4().hex[:12]}"
    name: Any = PIECES[(i * 13) % len(PIECES)]
    if i % 3 == 0:
        name = "Ada Lovelace"
    if i % 11 == 0:
        password = PIECES[(i * 5) % len(PIECES)]  # raw: often too short, common or not text
    if i % 13 == 0:
        email = piece  # a raw hostile value where the address should be
    body: Any = {"email": email, "password": password, "full_name": name}
    if i % 17 == 0:
        body.pop(["email", "password", "full_name"][i % 3])
    if i % 19 == 0:
        body["roles"] = ["admin"]  # not the client's to choose
    if i % 23 == 0:
        body = [body]
    if i % 29 == 0:
        return b'{"email": "a@example.com", "password": ' + text(piece).encode(
            "utf-8", "surrogatepass"
        )
    if i % 31 == 0:
        return json.dumps(body).encode()[: i % 40]
    if i % 37 == 0:
        return b"[" * 5000 + b"]" * 5000  # nesting deep enough to trouble a parser
    return json.dumps(body, ensure_ascii=True).encode()


async def test_a_thousand_hostile_registrations(api: UserApi) -> None:
    accepted_passwords: list[str] = []
    statuses: dict[int, int] = {}
    for i in range(COUNT):
        content = case(i)
        response = await api.client.post(
            REGISTER, content=content, headers={"Content-Type": "application/json"}
        )
        status = response.status_code
        statuses[status] = statuses.get(status, 0) + 1
        assert status == 201 or 400 <= status < 500, (i, content[:200], status, response.text)
        if status == 201:
            body = response.json()
            assert body["roles"] == ["customer"]
            password = json.loads(content)["password"]
            if password not in PIECES:  # a bare piece is also someone's name: not secret
                accepted_passwords.append(password)
        else:
            assert response.headers["content-type"] == "application/problem+json", (
                i,
                response.text,
            )
            problem = response.json()
            assert problem["status"] == status
            assert problem["type"].startswith("https://agora.dev/problems/")
            assert "Traceback" not in response.text
    # Both kinds of answer were exercised in earnest.
    assert statuses.get(201, 0) >= 150, statuses
    assert sum(n for s, n in statuses.items() if s != 201) >= 300, statuses

    users = await api.query("SELECT count(*) AS n FROM users")
    assert users[0]["n"] == statuses[201]
    admins = await api.query("SELECT count(*) AS n FROM users WHERE 'admin' = ANY(roles)")
    assert admins[0]["n"] == 0

    # Nothing stored holds a password: not the tables, not the events.
    tables = [
        row["tablename"]
        for row in await api.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    dump = ""
    for table in tables:
        rows = await api.query(f'SELECT row_to_json(t)::text AS r FROM "{table}" t')
        dump += "\n".join(r["r"] for r in rows)
    for password in accepted_passwords:
        escaped = json.dumps(password)[1:-1]
        assert password not in dump, password
        assert escaped not in dump, password

    # Verification tokens live only in the events to the notification service; the
    # service's own tables hold their digests.
    events = await api.events("email_verification_requested.v2")
    assert len(events) == statuses[201]
    tokens = [api.mail_token(e) for e in events]
    own_tables = ""
    for table in tables:
        if table != "outbox":
            rows = await api.query(f'SELECT row_to_json(t)::text AS r FROM "{table}" t')
            own_tables += "\n".join(r["r"] for r in rows)
    assert not any(token in own_tables for token in tokens)
