"""A real Chromium for the browser tests (`@pytest.mark.browser`): Debian's `chromium` and
`chromium-driver`, driven by Selenium, against pytest-django's live server.

The browser is required, not optional: without it these tests fail and say how to install it (`.ci/run`
installs it itself). CHROMIUM and CHROMEDRIVER name other binaries.

Nothing the browser opens may leave the machine: host names other than the hub's resolve to nothing
(`--host-resolver-rules`), and every request a page made is recorded, so a test can assert that none
went elsewhere (see `Browser.requests`).

On a failure the test's last screen is saved to var/screenshots/<test>.png (with the page's HTML beside it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAILURE_SCREENSHOTS = ROOT / "var" / "screenshots"
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
INSTALL_HINT = "install Debian's packages: apt-get install -y chromium chromium-driver (.ci/run does this)"


def _binary(variable: str, name: str) -> str:
    path = os.environ.get(variable) or shutil.which(name) or f"/usr/bin/{name}"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail(
            f"The browser tests need {name} ({variable}={path!r} is not an executable): {INSTALL_HINT}", pytrace=False
        )
    return path


class Browser:
    """A Selenium Chrome driver with the few helpers the tests share."""

    def __init__(self, driver):
        self.driver = driver
        self.seen: list[str] = []  # every URL a page requested, over all tabs, in order

    def __getattr__(self, name):
        return getattr(self.driver, name)

    def requests(self) -> list[str]:
        """Every URL the browser's pages requested so far (documents, scripts, styles, images, fetches)."""
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                self.seen.append(message["params"]["request"]["url"])
        return self.seen

    def requests_elsewhere(self, netloc: str) -> list[str]:
        """Requested URLs on any host but `netloc` (data: and blob: URLs stay in the page)."""
        return [
            url
            for url in self.requests()
            if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != netloc
        ]

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.driver.save_screenshot(str(path))
        return path


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.fail(
            "The browser tests need Selenium: ./hub installs the dev extras (pip install -e '.[dev]')", pytrace=False
        )
    binary, driver_binary = _binary("CHROMIUM", "chromium"), _binary("CHROMEDRIVER", "chromedriver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        "--lang=de-DE",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-features=Translate,OptimizationHints,MediaRouter",
        # only the hub on loopback resolves; anything else a page asks for fails (and is recorded)
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "de-DE,de"})
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    try:
        driver = webdriver.Chrome(service=Service(driver_binary), options=options)
    except Exception as exc:  # noqa: BLE001 - say which binaries did not start, and why
        pytest.fail(f"Chromium did not start ({binary}, {driver_binary}): {exc}\n{INSTALL_HINT}", pytrace=False)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium):
    """The session's Chromium with a clean slate: one tab, no cookies, no recorded requests."""
    for handle in chromium.window_handles[1:]:
        chromium.switch_to.window(handle)
        chromium.close()
    chromium.switch_to.window(chromium.window_handles[0])
    chromium.get("about:blank")
    chromium.delete_all_cookies()
    chromium.get_log("performance")
    return Browser(chromium)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Saves the last screen (and its HTML) of a browser test that failed, and names the files in the report."""
    report = yield
    browser = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.failed and isinstance(browser, Browser):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid.split("::", 1)[-1])
        try:
            png = browser.screenshot(FAILURE_SCREENSHOTS / f"{name}.png")
            html = png.with_suffix(".html")
            html.write_text(browser.driver.page_source)
            report.sections.append(("browser", f"screenshot: {png}\nHTML: {html}\nURL: {browser.driver.current_url}"))
        except Exception as exc:  # noqa: BLE001 - a dead browser must not hide the test's own failure
            report.sections.append(("browser", f"no screenshot: {exc}"))
    return report
