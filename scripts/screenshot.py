"""Screenshots of pages in headless Chromium, logged in as a demo user.

Usage: .venv/bin/python scripts/screenshot.py BASE_URL USER OUT_DIR PATH [PATH ...]
(e.g. http://127.0.0.1:8000 kansli /tmp/shots /vastmanland/ /vastmanland/bidrag/2024/).
Add `@390` to a path for a phone-width shot. Needs Debian's chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main() -> None:
    base, user, out_dir, *paths = sys.argv[1:]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        if user != "-":
            page.goto(base + "/konto/logga-in/")
            page.fill("#id_username", user)
            page.fill("#id_password", "finsam-demo")
            page.click("button[type=submit]")
        for spec in paths:
            path, _, width = spec.partition("@")
            page.set_viewport_size({"width": int(width or 1280), "height": 900})
            page.goto(base + path)
            name = (path.strip("/").replace("/", "_") or "root") + (f"_{width}" if width else "")
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            print(out / f"{name}.png", page.title())
        for e in errors:
            print("console error:", e)
        browser.close()


if __name__ == "__main__":
    main()
