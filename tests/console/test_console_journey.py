"""The web console (ADR 0106) in headless Chromium (Debian's, driven by Playwright)
against ``agora run``: a vendor signs up and applies to sell in the console, an admin
approves the store in the admin view, the vendor creates a product with an image,
sees an order a buyer placed through the API, ships it, and sees its payout held (the
store has not finished Stripe Connect onboarding, ADR 0104); the admin finds the order's
payment and refunds part of it after a confirmation. Any error in the
browser's console (a Content-Security-Policy violation among them) fails the test.
A screenshot of each page is saved under the test's temporary directory, or under
``$AGORA_CONSOLE_SCREENSHOTS`` when set."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest
from PIL import Image
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

from agora_kit.testing import skip_or_fail
from agora_notification_testing import webhooks
from agora_tools import console, journeys
from agora_tools.deploy_testing import AllInOne
from agora_tools.fleetdb import create_admin_in_run
from agora_tools.infra.base import ProvisionError
from agora_tools.infra.toolchains import chromium

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

API = journeys.API
# Answers the console asks for knowing they may be 404 (no store yet, no payout
# account yet) and shows as such; Chromium logs every 4xx fetch as an error, and any
# other is one.
EXPECTED_404 = ("/api/v1/vendors/me", "/api/v1/vendors/me/connect")


def screenshots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("AGORA_CONSOLE_SCREENSHOTS")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("console-screenshots")


@pytest.fixture(scope="module")
def browser_path() -> str:
    try:
        return chromium()
    except ProvisionError as error:
        skip_or_fail(f"Chromium: {error}")
        raise


@pytest.fixture(scope="module")
def built_console() -> Path:
    try:
        return console.build()
    except ProvisionError as error:
        skip_or_fail(f"the console's build (Node and npm): {error}")
        raise


@pytest.fixture(scope="module")
def agora_run(tmp_path_factory: pytest.TempPathFactory, built_console: Path) -> Iterator[AllInOne]:
    # Every person signs in from one address, several times.
    limits = {"POST /api/v1/auth/login": "600/minute", "POST /api/v1/auth/register": "600/minute"}
    run = AllInOne(
        tmp_path_factory.mktemp("agora-run-console") / "data",
        env={
            "AGORA_GATEWAY_RATE_LIMIT_ROUTES": json.dumps(limits),
            "AGORA_GATEWAY_CONSOLE_DIR": str(built_console),
            # The webhook endpoint the console makes is this test's, on loopback.
            "AGORA_NOTIFICATION_WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true",
        },
    )
    with run.running("--fresh"):
        yield run


class Browser:
    """A headless Chromium whose pages record every console error and page error."""

    def __init__(self, executable: str, base_url: str, shots: Path) -> None:
        self.manager = sync_playwright().start()
        self.browser = self.manager.chromium.launch(
            executable_path=executable, headless=True, args=["--no-sandbox"]
        )
        self.base_url = base_url
        self.shots = shots
        self.errors: list[str] = []

    def page(self, who: str, *, bypass_csp: bool = False) -> Page:
        context = self.browser.new_context(
            base_url=self.base_url,
            viewport={"width": 1280, "height": 900},
            bypass_csp=bypass_csp,
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda message: self._console(who, message))
        page.on("pageerror", lambda error: self.errors.append(f"{who}: {error}"))
        return page

    def _console(self, who: str, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = str(message.location.get("url", ""))
        expected = "status of 404" in message.text and urlsplit(url).path in EXPECTED_404
        if not expected:
            self.errors.append(f"{who}: {message.text} ({url})")

    def shot(self, page: Page, name: str) -> None:
        page.screenshot(path=str(self.shots / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.browser.close()
        self.manager.stop()


@pytest.fixture
def browser(
    browser_path: str, agora_run: AllInOne, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Browser]:
    opened = Browser(browser_path, agora_run.url("gateway"), screenshots_dir(tmp_path_factory))
    try:
        yield opened
    finally:
        opened.close()


def sign_in(page: Page, person: journeys.Customer) -> None:
    page.goto("/console/")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(journeys.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()


def open_page(page: Page, link: str, heading: str) -> None:
    page.get_by_role("navigation", name="Console").get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading, level=1).wait_for()


def until(page: Page, check: Callable[[], bool], what: str, timeout: float = 45) -> None:
    """Reload ``page`` until ``check`` holds (the figures come from read models fed by
    events, so they may trail the action a moment)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"the console did not show {what} within {timeout:.0f} s")
        time.sleep(0.5)
        page.reload()
        page.wait_for_load_state("networkidle")


def png(path: Path) -> Path:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "teal").save(out, "PNG")
    path.write_bytes(out.getvalue())
    return path


def test_a_vendor_is_approved_sells_ships_and_sees_its_payout_held(
    agora_run: AllInOne, browser: Browser, tmp_path: Path
) -> None:
    gateway = agora_run.url("gateway")
    with httpx.Client(base_url=gateway, timeout=30) as client:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
        journeys.log_in(client, admin)
        category = client.post(
            f"{API}/categories",
            json={"name": f"Console {secrets.token_hex(3)}"},
            headers={"Authorization": f"Bearer {admin.access_token}"},
        )
        assert category.status_code == 201, category.text
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)

        # The vendor applies to sell in the console.
        seller = browser.page("vendor")
        sign_in(seller, vendor)
        seller.get_by_role("heading", name="Store", level=1).wait_for()
        store = f"Console Store {secrets.token_hex(3)}"
        seller.get_by_label("Store name").fill(store)
        seller.get_by_label("Description").fill("Hand-thrown mugs")
        seller.get_by_role("button", name="Apply").click()
        seller.get_by_text("An admin reviews your application").wait_for()
        browser.shot(seller, "01-vendor-applied")

        # The admin approves it in the admin view.
        desk = browser.page("admin")
        sign_in(desk, admin)
        desk.get_by_role("heading", name="Vendor approvals", level=1).wait_for()
        desk.get_by_role("row", name=re.compile(store)).wait_for()
        browser.shot(desk, "02-admin-approval-queue")
        desk.get_by_role("button", name=f"Approve {store}").click()
        desk.get_by_text("No stores here.").wait_for()  # the queue is empty again
        open_page(desk, "Audit log", "Audit log")
        desk.get_by_role("cell", name="vendor.approve").first.wait_for()
        browser.shot(desk, "03-admin-audit-log")

        def is_vendor() -> bool:
            me = client.get(
                f"{API}/users/me", headers={"Authorization": f"Bearer {vendor.access_token}"}
            )
            return "vendor" in me.json()["roles"]

        journeys.eventually(is_vendor, 60, "the vendor role")

        # Signed in again, the vendor's token carries the role: the vendor pages.
        sign_out(seller)
        sign_in(seller, vendor)
        seller.get_by_role("heading", name="Dashboard", level=1).wait_for()
        open_page(seller, "Store", "Store")
        seller.get_by_text("approved", exact=True).wait_for()
        seller.get_by_role("heading", name="Payouts: Stripe Connect").wait_for()
        seller.get_by_text("No payout account yet").wait_for()
        # Onboarding starts: an account, a link to finish it, KYC pending.
        seller.get_by_role("button", name="Start onboarding").click()
        link = seller.get_by_role("link", name="Continue onboarding with Stripe")
        link.wait_for()
        assert (link.get_attribute("href") or "").startswith("http")
        seller.get_by_text("pending", exact=True).wait_for()
        seller.get_by_text("held until onboarding is complete").wait_for()
        browser.shot(seller, "04-vendor-store")

        open_page(seller, "Products", "Products")
        sku = f"MUG-{secrets.token_hex(3).upper()}"
        seller.get_by_label("Title").fill("Stoneware Mug")
        seller.get_by_label("Description").fill("Glazed by hand")
        seller.get_by_label("SKU").fill(sku)
        seller.get_by_label("Price").fill("24.50")
        seller.get_by_label("Stock").fill("8")
        seller.get_by_label("Image (JPEG, PNG or WebP, up to 10 MB)").set_input_files(
            str(png(tmp_path / "mug.png"))
        )
        seller.get_by_role("button", name="Create product").click()
        seller.get_by_text("Created “Stoneware Mug”.").wait_for()
        row = seller.get_by_role("row", name=re.compile("Stoneware Mug"))
        row.get_by_text("published").wait_for()

        # The catalog has the product, published, at its price, with the image.
        mine = client.get(
            f"{API}/vendors/me/products", headers={"Authorization": f"Bearer {vendor.access_token}"}
        )
        [product] = mine.json()["items"]
        assert product["price_from"] == {"amount": 2450, "currency": "USD"}

        def image_ready() -> bool:
            images = client.get(f"{API}/products/{product['id']}/images").json()["items"]
            return [i["state"] for i in images] == ["ready"]

        journeys.eventually(image_ready, 60, "the uploaded image ready")
        until(
            seller,
            lambda: (
                seller.locator("img.thumb").count() == 1
                and seller.locator("img.thumb").evaluate(
                    "img => img.complete && img.naturalWidth > 0"
                )
            ),
            "the product's image",
        )
        browser.shot(seller, "05-vendor-products")

        # The text changed, a second variant with its options, its price changed, and the
        # first one's stock set anew.
        seller.get_by_text("Edit Stoneware Mug: text, prices, variants and stock").click()
        text = seller.get_by_role("form", name="Text of Stoneware Mug")
        text.get_by_label("Description").fill("Glazed by hand, dishwasher safe")
        text.get_by_role("button", name="Save text").click()
        text.get_by_text("Saved").wait_for()
        added = seller.get_by_role("form", name="New variant of Stoneware Mug")
        added.get_by_label("New SKU").fill(f"{sku}-L")
        added.get_by_label("Options").fill("size=L")
        added.get_by_label("Price (USD)").fill("26")
        added.get_by_label("Stock").fill("3")
        added.get_by_role("button", name="Add variant").click()
        seller.get_by_role("row", name=re.compile(f"{sku}-L size: L")).wait_for()
        large = seller.get_by_role("form", name=f"Price and stock of {sku}-L", exact=True)
        large.get_by_label(f"Price in USD ({sku}-L)").fill("27.00")
        large.get_by_role("button", name=f"Save {sku}-L").click()
        large.get_by_text("Saved").wait_for()
        stock = seller.get_by_role("form", name=f"Price and stock of {sku}", exact=True)
        stock.get_by_label(f"On hand ({sku})").fill("12")
        stock.get_by_role("button", name=f"Save {sku}", exact=True).click()
        stock.get_by_text("Saved").wait_for()
        browser.shot(seller, "05b-vendor-variants")
        product_view = client.get(f"{API}/products/{product['id']}").json()
        assert product_view["description"] == "Glazed by hand, dishwasher safe"
        assert {
            (v["sku"], v["available"], v["price"]["amount"]) for v in product_view["variants"]
        } == {
            (sku, 12, 2450),
            (f"{sku}-L", 3, 2700),
        }

        # A buyer orders it through the API.
        buyer = journeys.register(client)
        journeys.log_in(client, buyer)
        journeys.wait_until_sold(client, buyer, sku)
        journeys.add_to_cart(client, buyer, sku, 2)
        placed = journeys.check_out(client, buyer, payment_method="pm_card_visa")
        order = journeys.order_in(client, buyer, placed, "confirmed")

        # The vendor sees it and ships it.
        open_page(seller, "Orders", "Orders")
        card = seller.get_by_role("article", name=re.compile(f"Order {order['number']}"))
        until(seller, lambda: card.count() == 1, "the buyer's order")
        card.get_by_text(f"2 \u00d7 Stoneware Mug ({sku})").wait_for()
        browser.shot(seller, "06-vendor-order-to-ship")
        card.get_by_label("Carrier").fill("UPS")
        card.get_by_label("Tracking number").fill("1Z999AA10123456784")
        card.get_by_role("button", name="Mark shipped").click()
        card.get_by_text("Shipped with UPS, tracking 1Z999AA10123456784").wait_for()
        browser.shot(seller, "07-vendor-order-shipped")
        shipped = journeys.order_in(client, buyer, placed, "shipped")
        assert shipped["status"] == "shipped"

        # Its payout is held: not delivered yet, and Connect onboarding not done.
        open_page(seller, "Payouts", "Payouts")
        until(seller, lambda: seller.get_by_role("row").count() == 2, "the payout")
        held = seller.get_by_role("row").nth(1)
        held.get_by_text("held", exact=True).wait_for()
        held.get_by_text("$49.00").wait_for()  # gross: 2 x 24.50
        browser.shot(seller, "08-vendor-payouts")

        # The dashboard counts the order, with its chart.
        open_page(seller, "Dashboard", "Dashboard")
        orders_kpi = seller.locator(".kpis div", has_text="Orders").locator("dd")
        until(
            seller,
            lambda: orders_kpi.count() == 1 and orders_kpi.inner_text() == "1",
            "one order on the dashboard",
        )
        gross = seller.locator(".kpis div", has_text="Gross sales").locator("dd")
        assert gross.inner_text() == "$49.00"  # the order's 2 x 24.50
        assert seller.locator("canvas[role=img]").is_visible()
        browser.shot(seller, "09-vendor-dashboard")
        # The same page on a phone's width: one column, nothing cut off sideways.
        seller.set_viewport_size({"width": 390, "height": 844})
        seller.wait_for_function(  # once the chart has followed the resize
            "() => document.documentElement.scrollWidth <= 390", timeout=5_000
        )
        browser.shot(seller, "09b-vendor-dashboard-narrow")

        open_page(desk, "Analytics", "Analytics")
        desk.locator("canvas[role=img]").first.wait_for()
        with desk.expect_download() as download:
            desk.get_by_role("button", name="Download Orders CSV").click()
        exported = Path(download.value.path()).read_text()
        assert str(order["id"]) in exported
        browser.shot(desk, "10-admin-analytics")

        # The admin finds the order's payment by its number and refunds $5.00 of it,
        # asked first to confirm.
        number, order_id = str(order["number"]), str(order["id"])
        open_page(desk, "Payments", "Payments and refunds")
        desk.get_by_label("Order number or id").fill(number)
        desk.get_by_role("button", name="Find").click()
        refund = desk.get_by_role("form", name=f"Refund order {number}")
        refund.get_by_label("Amount (USD)").fill("5.00")
        refund.get_by_role("button", name="Refund").click()
        question = refund.get_by_role("alertdialog")
        question.get_by_text(f"Refund $5.00 of order {number}?").wait_for()
        browser.shot(desk, "10b-admin-refund-confirm")
        question.get_by_role("button", name="Confirm refund").click()
        refund.get_by_text("Refunded $5.00").wait_for()
        row = desk.get_by_role("row", name=re.compile(number))
        row.get_by_role("cell", name="$5.00", exact=True).wait_for()
        browser.shot(desk, "10c-admin-refunded")
        paid = client.get(
            f"{API}/admin/payments",
            params={"order_id": order_id},
            headers={"Authorization": f"Bearer {admin.access_token}"},
        )
        [payment] = paid.json()["items"]
        assert payment["refunded"] == {"amount": 500, "currency": "USD"}

    assert browser.errors == [], browser.errors


def test_an_account_with_totp_signs_in_with_its_second_factor(
    agora_run: AllInOne, browser: Browser
) -> None:
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
        journeys.log_in(client, admin)
        auth = {"Authorization": f"Bearer {admin.access_token}"}
        enrolment = client.post(f"{API}/users/me/mfa/totp", headers=auth)
        assert enrolment.status_code == 201, enrolment.text
        code = pyotp.TOTP(enrolment.json()["secret"]).now()
        confirmed = client.post(
            f"{API}/users/me/mfa/totp/confirm", json={"code": code}, headers=auth
        )
        assert confirmed.status_code == 204, confirmed.text

    page = browser.page("admin with TOTP")
    page.goto("/console/")
    page.get_by_label("E-mail").fill(admin.email)
    page.get_by_label("Password").fill(journeys.PASSWORD)
    page.get_by_label("Password").press("Enter")  # from the keyboard
    page.get_by_role("heading", name="Two-factor code", level=1).wait_for()
    browser.shot(page, "11-sign-in-second-factor")
    field = page.get_by_label("Code from your authenticator app, or a recovery code")
    field.fill("000000")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("alert").wait_for()  # refused, and said so
    assert page.get_by_role("button", name="Sign out").count() == 0
    # Chromium logs that refusal (a 401), which this test asked for; nothing else.
    refused = [e for e in browser.errors if "401" in e and "/api/v1/auth/login/mfa" in e]
    assert len(refused) == 1, browser.errors
    browser.errors.remove(refused[0])
    # The TOTP code of this 30 s step was spent confirming: a recovery code.
    field.fill(enrolment.json()["recovery_codes"][0])
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Vendor approvals", level=1).wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in", level=1).wait_for()
    assert page.evaluate("() => sessionStorage.length") == 0
    assert browser.errors == [], browser.errors


AXE = console.CONSOLE / "node_modules" / "axe-core" / "axe.min.js"
AXE_PAGES = {
    "vendor": [
        ("Dashboard", "Dashboard"),
        ("Store", "Store"),
        ("Products", "Products"),
        ("Orders", "Orders"),
        ("Payouts", "Payouts"),
        ("Webhooks", "Webhooks"),
    ],
    "admin": [
        ("Vendor approvals", "Vendor approvals"),
        ("Users", "Users and roles"),
        ("Payments", "Payments and refunds"),
        ("Coupons", "Coupons"),
        ("Audit log", "Audit log"),
        ("Analytics", "Analytics"),
    ],
}


def axe_violations(page: Page) -> list[str]:
    """axe-core's WCAG 2 A and AA rules on the page as it is (labels, names, contrast,
    landmarks...): one line per violation."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
        })).violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`)"""
    )
    return [str(line) for line in found]


@pytest.fixture
def receiver() -> Iterator[webhooks.Receiver]:
    with webhooks.receiver() as running:
        yield running


def test_every_page_passes_the_accessibility_rules(
    agora_run: AllInOne, browser: Browser, receiver: webhooks.Receiver
) -> None:
    """axe-core (npm, pinned with the console's packages) on every page, signed in as a
    vendor with a product and as an admin; on the way, a coupon made and listed, and a
    webhook endpoint made, pinged (the delivery seen) and deleted. Its script is
    injected, which the console's CSP forbids, so these pages are opened with CSP
    bypassed; the other tests keep it."""
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        admin = create_admin_in_run(agora_run.data_dir, agora_run.env)
        journeys.log_in(client, admin)
        vendor = journeys.register(client)
        journeys.log_in(client, vendor)
        journeys.open_store(client, vendor, admin)
        journeys.sell(client, vendor, admin)
        # The notification service learns the store from the catalog's events; until
        # then the webhooks page would be refused (a 4xx in the browser's console).
        journeys.eventually(
            lambda: (
                client.get(
                    f"{API}/webhooks", headers={"Authorization": f"Bearer {vendor.access_token}"}
                ).status_code
                == 200
            ),
            60,
            "the store known to the webhooks",
        )
    coupon = f"AXE{secrets.token_hex(3).upper()}"
    found: dict[str, list[str]] = {}
    for who, person in (("vendor", vendor), ("admin", admin)):
        page = browser.page(f"{who} (axe)", bypass_csp=True)
        sign_in(page, person)
        for link, heading in AXE_PAGES[who]:
            open_page(page, link, heading)
            page.wait_for_load_state("networkidle")
            if link == "Users":  # the vendor found by e-mail, with its roles
                page.get_by_label("E-mail starts with").fill(vendor.email)
                page.get_by_role("button", name="Find").click()
                roles = page.get_by_role("form", name=f"Roles of {vendor.email}")
                roles.get_by_label("vendor").wait_for()
                assert roles.get_by_label("vendor").is_checked()
                assert not roles.get_by_label("admin").is_checked()
                assert page.get_by_role("row").count() == 2
            if link == "Coupons":  # a coupon made in the console, then in the list
                page.get_by_label("Code").fill(coupon)
                page.get_by_label("Kind").select_option("fixed")
                page.get_by_label("Amount").fill("5")
                page.get_by_role("button", name="Create coupon").click()
                made = page.get_by_role("row", name=re.compile(coupon))
                made.get_by_role("cell", name="$5.00", exact=True).wait_for()
            if link == "Products":
                page.get_by_text(re.compile(r"^Edit .*: text, prices")).first.click()
                page.get_by_role("button", name="Add variant").wait_for()
            if link == "Webhooks":  # an endpoint made in the console and pinged
                page.get_by_label("URL").fill(receiver.url)
                page.get_by_label("payment.refunded").check()
                page.get_by_role("button", name="Create endpoint").click()
                page.get_by_text("Its signing secret, shown only now").wait_for()
                page.get_by_role("button", name=f"Send a test ping to {receiver.url}").click()
                page.get_by_text(f"Recent deliveries to {receiver.url}").click()
                ping = page.get_by_role("row", name=re.compile("webhook.test succeeded"))
                ping.wait_for(timeout=30_000)
                assert receiver.of_type("webhook.test"), "the test ping never arrived"
            browser.shot(page, f"12-{who}-{link.lower().replace(' ', '-')}")
            violations = axe_violations(page)
            if violations:
                found[f"{who} {link}"] = violations
            if link == "Webhooks":  # deleted, once confirmed
                page.get_by_role("button", name=f"Delete {receiver.url}").click()
                page.get_by_role("alertdialog").get_by_role(
                    "button", name="Delete endpoint"
                ).click()
                page.get_by_text("No endpoints yet.").wait_for()
    assert found == {}, found
    assert browser.errors == [], browser.errors
    with httpx.Client(base_url=agora_run.url("gateway"), timeout=30) as client:
        again = {"code": coupon, "kind": "fixed", "value": 500, "currency": "USD"}
        taken = client.post(
            f"{API}/admin/coupons",
            json=again,
            headers={"Authorization": f"Bearer {admin.access_token}"},
        )
        assert taken.status_code == 409, taken.text  # the console's coupon exists
