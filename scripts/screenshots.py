"""Screenshots of the demo as its users see it, for a person to look at before a release.

    make demo            # in another terminal: serves http://127.0.0.1:8000
    .venv/bin/python scripts/screenshots.py [--base http://127.0.0.1:8000] [--out var/shots]

Signs in as each demo login and saves every listed page on a phone and a desktop viewport, in
Chinese and in English. Uses Debian's Chromium (CHROMIUM or /usr/bin/chromium), never a
downloaded browser. Pages that answer with an error are listed at the end.
"""

import argparse
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "courtyard-demo"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
LOCALES = {"zh": "zh-CN", "en": "en-US"}
PAGES = {
    "owner@sunrise.example": [
        "/o/sunrise/", "/o/sunrise/requests/", "/o/sunrise/notices/", "/o/sunrise/events/",
        "/o/sunrise/surveys/", "/o/sunrise/votes/", "/notifications/", "/accounts/privacy/",
    ],
    "staff@sunrise.example": ["/o/sunrise/", "/o/sunrise/tickets/", "/o/sunrise/dashboard/"],
    "manager@sunrise.example": [
        "/o/sunrise/", "/o/sunrise/dashboard/", "/o/sunrise/dashboard/satisfaction/",
        "/o/sunrise/dashboard/engagement/", "/o/sunrise/dashboard/hotspots/",
        "/o/sunrise/manage/notices/", "/o/sunrise/surveys/manage/", "/o/sunrise/votes/",
        "/o/sunrise/manage/events/",
    ],
    "admin@sunrise.example": ["/o/sunrise/manage/access-log/"],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/shots")
    parser.add_argument("--only", default="", help="a substring of the paths to take")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for login, paths in PAGES.items():
            for lang, locale in LOCALES.items():
                for view, size in VIEWPORTS.items():
                    context = browser.new_context(locale=locale, viewport=size)
                    page = context.new_page()
                    page.goto(f"{args.base}/accounts/login/")
                    page.fill("input[name=username]", login)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("form:has(input[name=password]) [type=submit]")
                    page.wait_for_load_state("networkidle")
                    for path in paths:
                        if args.only not in path:
                            continue
                        response = page.goto(args.base + path)
                        page.wait_for_load_state("networkidle")
                        if response is None or response.status >= 400:
                            failures.append(f"{login} {path}: {response and response.status}")
                        name = f"{login.split('@')[0]}{path.replace('/', '_')}-{lang}-{view}"
                        page.screenshot(path=str(out / f"{name}.png"), full_page=True)
                    context.close()
        browser.close()
    print(f"screenshots in {out}")
    for failure in failures:
        print("FAILED", failure)


if __name__ == "__main__":
    main()
