"""Make the README's screenshots of the web reader (Playwright + Debian's Chromium).

    .venv/bin/python docs/screenshot.py            # ingests examples/ into a temp ledger, writes docs/*.png
    .venv/bin/python docs/screenshot.py --db counterclaim.db
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="ledger to show (default: the seeds in examples/, ingested into a temp ledger)")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from counterclaim.api import ingest, open_ledger

    db = args.db
    if db is None:
        db = str(Path(tempfile.mkdtemp()) / "seeds.db")
        os.chdir(HERE.parent)  # documents keep the path they were ingested from: examples/…
        ingest(open_ledger(db), ["examples"])
    ledger = open_ledger(db)
    first = next(r for r in ledger.document_summaries() if Path(str(r["path"])).name.startswith("003"))
    base = _serve(db)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{base}/documents/{first['id']}")
        fig = page.locator("#doc-text .item-quantity.cat-killed", has_text="613").first
        fig.evaluate("e => e.scrollIntoView({block: 'center'})")
        fig.click()  # selects it: its one row of Confirm/Reject/Fix opens in the side panel
        fig.hover()
        fig.locator(".tip").first.wait_for(state="visible")
        page.screenshot(path=str(HERE / "web-document.png"))
        for name, path in (("web-claims.png", "/claims"), ("web-figures.png", "/figures"),
                           ("web-disputes.png", "/disputes")):
            page.goto(base + path)
            page.screenshot(path=str(HERE / name))
        # The incident page needs several parties on one event: the three Kishishe reports of tests/data/linking.
        drc = str(Path(tempfile.mkdtemp()) / "drc.db")
        ingest(open_ledger(drc), [str(HERE.parent / "tests" / "data" / "linking")])
        drc_base = _serve(drc)
        page.goto(f"{drc_base}/incidents")
        page.locator("table.incidents a").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(HERE / "web-incident.png"), full_page=False)
        browser.close()
    print("wrote", ", ".join(str(p.relative_to(HERE.parent)) for p in sorted(HERE.glob("web-*.png"))))


def _serve(db: str) -> str:
    """A reader on ``db`` in a daemon thread (it ends with the script); returns its base URL.

    Not read-only: the pages as an analyst sees them, with the selected item's review controls.
    """
    import uvicorn

    from counterclaim.web import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


if __name__ == "__main__":
    main()
