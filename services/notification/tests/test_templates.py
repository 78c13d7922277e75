"""Every template renders in several locales, hostile names are escaped in HTML, and
the preview command writes a mail to a file."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agora_notification.cli import app as cli
from agora_notification.domain import KINDS
from agora_notification.rendering import Renderer
from agora_notification.samples import SAMPLES

HOSTILE = '<img src=x onerror="alert(1)">\r\nBcc: victim@example.com'
COMMON = {
    "shop_name": "Agora",
    "shop_url": "https://shop.example/",
    "preferences_url": "https://shop.example/account/notifications",
    "frontend_url": "https://shop.example",
    "unsubscribe_url": "https://api.example/unsubscribe?token=t",
}


def test_every_kind_has_its_templates_and_samples() -> None:
    assert set(Renderer().kinds()) == set(KINDS) == set(SAMPLES)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("locale", ["en", "de-DE", "ja", "pt_BR", "xx-nonsense", None])
def test_each_template_renders_every_part(kind: str, locale: str | None) -> None:
    rendered = Renderer().render(kind, {**COMMON, "name": "Ada", **SAMPLES[kind]}, locale)
    assert rendered.subject
    assert "\n" not in rendered.subject
    assert rendered.text.startswith("Hi Ada,\n\n")
    assert rendered.html.startswith("<!DOCTYPE html>")
    assert rendered.short


def test_hostile_names_are_escaped_in_html_and_kept_off_headers() -> None:
    values = {**COMMON, "name": HOSTILE, **SAMPLES["order_shipped"], "vendor_name": HOSTILE}
    values["lines"] = [{**values["lines"][0], "title": "<script>steal()</script>"}]
    rendered = Renderer().render("order_shipped", values, "en")
    assert "<img" not in rendered.html
    assert "<script>" not in rendered.html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in rendered.html
    assert "&lt;script&gt;steal()&lt;/script&gt;" in rendered.html
    # The text part is plain text: the name as written, nothing to escape.
    assert "<script>steal()</script>" in rendered.text
    # A subject with the name in it stays one line: no header can be smuggled in.
    subject = (
        Renderer()
        .render(
            "low_stock",
            {**COMMON, **SAMPLES["low_stock"], "name": None, "product_title": HOSTILE},
            "en",
        )
        .subject
    )
    assert "\r" not in subject
    assert "\n" not in subject
    assert subject.startswith("Low stock: <img")


def test_money_and_dates_in_the_recipients_locale() -> None:
    values = {**COMMON, "name": None, **SAMPLES["order_refunded"]}
    assert "€35.94" in Renderer().render("order_refunded", values, "en").text
    german = Renderer().render("order_refunded", values, "de").text
    assert "35,94\xa0€" in german
    assert "21.11.2026, 12:05 UTC" in german
    yen = {**values, "amount": {"amount": 3594, "currency": "JPY"}}
    assert "¥3,594" in Renderer().render("order_refunded", yen, "en").text


def test_a_receipt_says_when_the_tax_was_included_in_the_prices() -> None:
    values = {**COMMON, "name": None, **SAMPLES["order_confirmed"]}
    values["tax"] = {"amount": 574, "currency": "EUR"}
    added = Renderer().render("order_confirmed", values, "en")
    assert "Tax:       €5.74" in added.text
    included = Renderer().render("order_confirmed", {**values, "tax_included": True}, "en")
    assert "Incl. tax: €5.74" in included.text
    assert "Tax included</td>" in included.html


def test_preview_writes_the_rendered_mail_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "receipt.eml"
    result = CliRunner().invoke(
        cli, ["preview", "order_confirmed", "--to", str(target), "--locale", "de"]
    )
    assert result.exit_code == 0, result.output
    mail = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    assert mail["Subject"] == "Your Agora order A1B2C3D4 is confirmed"
    assert mail["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/api/v1/notifications/")
    body = mail.get_body(("plain",))
    assert body is not None
    assert "35,94\xa0€" in str(body.get_content())

    html = tmp_path / "verify.html"
    result = CliRunner().invoke(cli, ["preview", "verify_email", "--to", str(html)])
    assert result.exit_code == 0, result.output
    assert "Confirm my address" in html.read_text()

    unknown = CliRunner().invoke(cli, ["preview", "nope", "--to", str(html)])
    assert unknown.exit_code == 2
    assert "order_confirmed" in unknown.output


def test_a_kind_rendered_again_reads_no_template_from_disk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each part's template, and the locale variants it does not have, are looked up
    once: later renders of the kind in that locale touch no file."""
    from jinja2 import FileSystemLoader

    looked: list[str] = []
    original = FileSystemLoader.get_source

    def counting(self: FileSystemLoader, environment: object, template: str) -> object:
        looked.append(template)
        return original(self, environment, template)  # type: ignore[arg-type]

    monkeypatch.setattr(FileSystemLoader, "get_source", counting)
    renderer = Renderer()
    values = {**COMMON, "name": "Ada", **SAMPLES["order_confirmed"]}
    first = renderer.render("order_confirmed", values, "de_AT")
    looked_first = list(looked)
    looked.clear()
    again = renderer.render("order_confirmed", values, "de_AT")
    assert looked_first, "the first render read its templates"
    assert looked == []
    assert again == first
