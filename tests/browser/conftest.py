import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def asgi_server(transactional_db):
    """The real ASGI application (HTTP and WebSocket) under uvicorn in a thread, on the test
    database; pytest-django's live_server is WSGI and cannot answer /ws/."""
    import socket
    import threading
    import time

    import uvicorn
    from channels.layers import channel_layers

    from portal.asgi import application

    # A fresh channel layer per server: channels-redis binds an instance to the one event loop
    # receiving on it, and a previous test's server loop may still be winding down its
    # consumers on a loaded machine ("Two event loops are trying to receive() ...").
    channel_layers.backends.clear()

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                       lifespan="off", timeout_graceful_shutdown=5)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)

    class Live:
        url = f"http://127.0.0.1:{port}"

    yield Live()
    server.should_exit = True
    thread.join(timeout=10)
    channel_layers.backends.clear()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module. Module scope on purpose: Playwright's sync API keeps an
    event loop running in this thread, which must be gone before other modules use
    async_to_sync (the WebSocket tests)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed here (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    # The ORM calls the tests make between page actions are synchronous and safe, but Django
    # sees Playwright's running loop and would refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_page(browser):
    """``open_page(locale, viewport)`` → a fresh page that records console errors."""
    contexts = []

    def _open(locale="zh-CN", viewport=DESKTOP):
        context = browser.new_context(locale=locale, viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        return page

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
