"""The web reader in a real browser: Playwright driving Debian's Chromium against a live server.

Skipped where no Chromium is installed, except on CI (``CI=true``), where `.ci/run` installs it
and a missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.web.conftest import XSS

CHROMIUM = os.environ.get("COUNTERCLAIM_TEST_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]

if not os.access(CHROMIUM, os.X_OK):
    if os.environ.get("CI") == "true":
        raise RuntimeError(f"CI needs Chromium at {CHROMIUM} for the browser tests (.ci/run installs it)")
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)

pytestmark = pytest.mark.slow
XSS_DOC = f"{XSS} Officials in Goma said 12 civilians were killed on Tuesday."


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(seeded_ledger, tmp_path_factory):
    """A live reader on a private copy of the seeds plus one hostile document; yields (base url, ids)."""
    import uvicorn

    from counterclaim.api import ingest, open_ledger
    from counterclaim.web import create_app
    from tests.conftest import copy_ledger

    folder = tmp_path_factory.mktemp("browser")
    db = copy_ledger(seeded_ledger, folder / "browser.db")
    hostile = folder / "hostile.txt"
    hostile.write_text(XSS_DOC, encoding="utf-8")
    ledger = open_ledger(db)
    report = ingest(ledger, [hostile])
    assert report.ok and len(report.added) == 1
    ids = {"xss": report.added[0]}
    for row in ledger.document_summaries():
        name = Path(str(row["path"])).name
        if name[:3].isdigit():
            ids[name[:3]] = str(row["id"])
    ledger.close()
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        assert time.monotonic() < deadline, "the reader did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", ids
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors, page errors and dialogs (alert() must never fire)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    pg = context.new_page()
    pg.problems = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog: {d.message}"), d.dismiss()))
    yield pg
    context.close()


def _figure(page, text: str, category: str):
    return page.locator(f"#doc-text .item-quantity.cat-{category}", has_text=text).first


def test_seed_document_shows_its_items_highlighted(server, page):
    base, ids = server
    page.goto(f"{base}/documents/{ids['003']}")  # the Khojaly statement: 613 killed, 63 children among them
    assert page.locator("#doc-text .item-quantity").count() >= 3
    assert page.locator("#doc-text .item-claim").count() >= 1
    fig = _figure(page, "613", "killed")
    assert fig.is_visible()
    assert page.locator("#items li[data-kind='quantity']").count() == page.locator("#doc-text .item-quantity").count()
    assert page.problems == []
    page.goto(f"{base}/documents/{ids['004']}")  # Trend relaying the Ombudsman: attributions
    speaker = page.locator("#doc-text .item-attribution").first
    assert speaker.count() == 1
    speaker.hover()
    own_tip = speaker.locator("xpath=./span[contains(concat(' ', @class, ' '), ' tip ')]")
    assert "Trend" in own_tip.inner_text()  # the relay: "said by … via Trend News Agency"
    assert page.problems == []


def test_hovering_a_figure_shows_its_explanation(server, page):
    base, ids = server
    page.goto(f"{base}/documents/{ids['003']}")
    fig = _figure(page, "613", "killed")
    tip = fig.locator(".tip").first
    assert not tip.is_visible()
    fig.hover()
    tip.wait_for(state="visible", timeout=5000)
    assert "killed" in tip.inner_text()
    page.mouse.move(0, 0)
    fig.focus()  # keyboard users get the same explanation
    tip.wait_for(state="visible", timeout=5000)


def test_a_rejected_figure_stays_rejected_after_reload(server, page):
    base, ids = server
    page.goto(f"{base}/documents/{ids['004']}")
    fig = page.locator("#doc-text .item-quantity").first
    item_id = fig.get_attribute("data-id")
    assert fig.get_attribute("data-status") in (None, "")
    fig.click()  # selecting the item in the text opens its review controls in the side panel
    # Wait for the correction's POST itself: "networkidle" can be reached before a slow machine sends it.
    with page.expect_response(lambda r: r.request.method == "POST", timeout=30000):
        page.locator(f"#items li[data-id='{item_id}'] button[name='action'][value='reject']").click()
    page.wait_for_load_state("networkidle")
    page.reload()
    again = page.locator(f"#doc-text .item-quantity[data-id='{item_id}']")
    assert again.get_attribute("data-status") == "rejected"
    assert page.problems == []


def test_hostile_document_renders_inert(server, page):
    base, ids = server
    for url in (f"/documents/{ids['xss']}", "/search?q=onerror", "/"):
        page.goto(base + url)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("document.querySelectorAll('main script, main img[src=x]').length") == 0
    page.goto(f"{base}/documents/{ids['xss']}")
    assert "<script>alert(1)</script>" in page.locator("#doc-text").inner_text()
    assert page.problems == []  # no alert() dialog, no script error


@pytest.mark.parametrize("path", ["/", "/search?q=Khojaly", "/claims", "/disputes", "/documents", "/entities", "/figures",
                                  "/incidents", "/corrections", "/ingest", "/docs"])
def test_pages_load_without_script_or_csp_errors(server, page, path):
    base, _ids = server
    response = page.goto(base + path)
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    assert page.locator("main h1, main h2").count() >= 1
    assert page.problems == []


def test_the_incident_page_from_a_document(server, page):
    """The document says what it reports on; the incident page puts each side's claims and figures together."""
    base, ids = server
    page.goto(f"{base}/documents/{ids['003']}")
    page.locator(".reports-on a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{base}/incidents/EVENT:incident-")
    assert "Khojaly" in page.locator("h1").inner_text()
    assert page.locator(".incident-side").count() >= 1
    assert page.locator("#figures svg.chart, #figures table.figures").count() >= 1
    assert page.locator("#figures .badge.part").count() >= 1  # '63 children' is part of 613
    assert page.problems == []


def test_an_entity_page_from_a_document_link(server, page):
    base, ids = server
    page.goto(f"{base}/documents/{ids['001']}")
    link = page.locator("a[href^='/entities/']").first
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(f"{base}/entities/")
    assert page.problems == []


def test_uploading_a_file_ingests_it(server, page, tmp_path):
    base, _ids = server
    f = tmp_path / "ituri_update.txt"
    f.write_text("Bunia, 2 February 2023. Humanitarian update. Attackers killed 60 displaced people at the "
                 "Plaine Savo camp, the UN office said. About 3,000 people fled to Bunia.", encoding="utf-8")
    page.goto(f"{base}/ingest")
    page.set_input_files("input[type=file]", str(f))
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url("**/ingest/jobs/**", timeout=30000)
    page.locator("a[href^='/documents/']").first.wait_for(timeout=120000)
    page.locator("a[href^='/documents/']").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#doc-text .item-quantity").count() >= 1
    assert page.problems == []


def _visible(locator) -> int:
    return sum(1 for i in range(locator.count()) if locator.nth(i).is_visible())


def test_disputes_are_findable_and_their_evidence_one_click_away(server, page):
    base, ids = server
    page.goto(base + "/")
    page.locator("header nav a", has_text="Disputes").click()
    page.wait_for_url("**/disputes")
    assert "say opposite things about genocide" in page.locator("main").inner_text()
    technical = page.locator("article.pair details.technical").first
    assert not technical.locator("p").first.is_visible()
    technical.locator("summary").click()
    assert "score" in technical.locator("p").first.inner_text()
    page.goto(base + "/")
    page.locator(".count[data-kind='claims'] dd a").click()
    page.wait_for_url("**/claims")
    page.locator("a[href='#contradictions']").click()
    assert page.locator("#contradictions").is_visible()
    page.goto(f"{base}/documents/{ids['000']}")
    banner = page.locator(".dispute-banner")
    assert banner.is_visible() and "Disputed" in banner.inner_text()
    banner.locator("a[href='#h-related']").click()
    assert page.locator("#h-related").is_visible()
    assert page.problems == []


def test_side_panel_reveals_one_items_controls_at_a_time(server, page):
    base, ids = server
    page.goto(f"{base}/documents/{ids['003']}")
    rejects = page.locator("#items button[name='action'][value='reject']")
    assert rejects.count() >= 20 and _visible(rejects) == 0
    first = _figure(page, "613", "killed")
    first.click()
    panel = page.locator(f"#items li[data-id='{first.get_attribute('data-id')}']")
    assert panel.locator("button[value='reject']").is_visible() and _visible(rejects) == 1
    second = _figure(page, "487", "injured")
    second.click()
    assert page.locator(f"#items li[data-id='{second.get_attribute('data-id')}'] button[value='reject']").is_visible()
    assert not panel.locator("button[value='reject']").is_visible() and _visible(rejects) == 1
    page.locator("#items li[data-kind='claim'] details.controls summary").first.click()
    assert _visible(rejects) == 1
    page.locator("nav.skip a[href='#h-related']").click()
    assert page.url.endswith("#h-related") and page.locator("#h-related").is_visible()
    page.locator("nav.skip a[href='#items']").click()
    assert page.url.endswith("#items")
    assert page.problems == []
