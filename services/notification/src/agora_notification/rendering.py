"""Templates: Jinja2, one folder per kind of notification under ``templates/``, each with
four parts: ``subject.txt``, ``body.txt`` (the mail's plain-text part), ``body.html``
(its HTML part, autoescaped) and ``short.txt`` (the feed entry, SMS and push text,
which never holds a secret such as a verification link; an asked kind's code, which
its SMS must carry, is the one exception, and its stored notification leaves it out).

Dates and money are formatted for the recipient's locale with Babel. A translation of a
part sits beside it with the locale in its name (``body.de.html``, ``body.pt_BR.txt``)
and is chosen before the English one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_currency, get_currency_precision
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, pass_context
from jinja2.runtime import Context

TEMPLATE_DIR = Path(__file__).parent / "templates"
PARTS = ("subject.txt", "body.txt", "body.html", "short.txt")
_SUBJECT_MAX = 250


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    short: str


def parse_locale(tag: str | None, default: str = "en") -> Locale:
    """A Babel locale for a BCP 47 tag (``pt-BR``) or POSIX name (``pt_BR``); the
    default for anything unknown or malformed, never an error."""
    for candidate in (tag, default, "en"):
        if not candidate:
            continue
        try:
            return Locale.parse(candidate.replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return Locale("en")


def _locale(ctx: Context) -> Locale:
    locale = ctx.get("locale")
    return locale if isinstance(locale, Locale) else Locale("en")


def _as_datetime(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def format_money(value: Any, locale: Locale) -> str:
    """``{amount, currency}`` in minor units, as the locale writes money."""
    if value is None:
        return ""
    amount = value["amount"] if isinstance(value, Mapping) else value.amount
    currency = str(value["currency"] if isinstance(value, Mapping) else value.currency).upper()
    digits = get_currency_precision(currency)
    return str(format_currency(Decimal(int(amount)).scaleb(-digits), currency, locale=locale))


@pass_context
def _money_filter(ctx: Context, value: Any) -> str:
    return format_money(value, _locale(ctx))


@pass_context
def _datetime_filter(ctx: Context, value: Any) -> str:
    moment = _as_datetime(value)
    if moment is None:
        return ""
    # Times are UTC (the service does not know the user's zone) and say so.
    locale = _locale(ctx)
    moment = moment.astimezone(UTC)
    # The locale's medium date and short time, joined as the locale joins them.
    pattern = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    text = pattern.format(
        format_time(moment, "short", tzinfo=UTC, locale=locale),
        format_date(moment.date(), "medium", locale=locale),
    )
    return f"{text} UTC"


@pass_context
def _date_filter(ctx: Context, value: Any) -> str:
    moment = _as_datetime(value)
    return "" if moment is None else str(format_date(moment.date(), "long", locale=_locale(ctx)))


def _environment(directory: Path, *, html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        # Every value in an HTML part is escaped; text parts are plain text, where an
        # escaped "&lt;" would be wrong. Names reach both (hostile ones included).
        autoescape=html,  # noqa: S701 - text parts are text/plain, never HTML
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=not html,
        # The templates ship with the package: read once per process, not checked for
        # changes at every render (a stat of every file, every time).
        auto_reload=False,
    )
    env.filters["money"] = _money_filter
    env.filters["datetime"] = _datetime_filter
    env.filters["date"] = _date_filter
    return env


def one_line(text: str, limit: int = _SUBJECT_MAX) -> str:
    """A header-safe single line: no CR/LF or other control characters."""
    cleaned = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


class Renderer:
    def __init__(self, directory: Path = TEMPLATE_DIR, default_locale: str = "en") -> None:
        self.directory = directory
        self.default_locale = default_locale
        self._html = _environment(directory, html=True)
        self._text = _environment(directory, html=False)
        # The template each (kind, part, locale) resolved to: a locale's missing
        # variants are not looked for on disk again at every render.
        self._chosen: dict[tuple[str, str, str], Template] = {}

    def kinds(self) -> list[str]:
        return sorted(
            p.name for p in self.directory.iterdir() if p.is_dir() and not p.name.startswith("_")
        )

    def _template(self, kind: str, part: str, locale: Locale) -> Template:
        key = (kind, part, str(locale))
        chosen = self._chosen.get(key)
        if chosen is None:
            stem, ext = part.rsplit(".", 1)
            names = [f"{kind}/{stem}.{locale.language}.{ext}", f"{kind}/{part}"]
            if locale.territory:
                names.insert(0, f"{kind}/{stem}.{locale.language}_{locale.territory}.{ext}")
            env = self._html if ext == "html" else self._text
            chosen = self._chosen[key] = env.select_template(names)
        return chosen

    def render(self, kind: str, context: Mapping[str, Any], locale: str | None = None) -> Rendered:
        """Render every part of ``kind``. Raises on a missing template or variable:
        a notification half-rendered is worse than one retried."""
        loc = parse_locale(locale, self.default_locale)
        values = {**context, "locale": loc, "lang": str(loc).replace("_", "-")}
        parts = {part: self._template(kind, part, loc).render(values).strip() for part in PARTS}
        return Rendered(
            subject=one_line(parts["subject.txt"]),
            text=parts["body.txt"] + "\n",
            html=parts["body.html"] + "\n",
            short=parts["short.txt"],
        )
