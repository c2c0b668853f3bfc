"""Shared fixtures for built-site and browser tests.

Use from a test module with ``pytest_plugins = ["browser_support"]``. Fixtures:

* ``built_site`` (session): ``output/`` of a real Pelican build of ``content/`` (with test tags
  for untagged articles, see ``theme_plugins/sample_tags.py``).
* ``site_server`` (session): that site served by ``http.server`` on 127.0.0.1; its base URL.
* ``chromium`` (session): Debian's Chromium driven by Playwright.
* ``open_page(chromium, url, width=1280)``: a new page that may load only local files and
  ``https://`` article images (answered with nothing, so tests never use the network).
* ``run_axe(page)``: axe-core's violations of impact serious or critical.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PELICAN = Path(sys.executable).with_name("pelican")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
TEST_PLUGINS = ROOT / "tests" / "theme_plugins"


def build_site(
    content: Path,
    output: Path,
    *settings: str,
    config: str = "pelicanconf.py",
    cache: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run Pelican; ``settings`` are ``KEY=json`` overrides passed with ``-e``, ``env`` extra
    environment variables (publishconf.py reads SITEURL from there)."""
    extra = [f"CACHE_PATH={json.dumps(str(cache or output.parent / 'cache'))}", *settings]
    return subprocess.run(
        [str(PELICAN), str(content), "-s", str(ROOT / config), "-o", str(output), "-e", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


# Add sample tags to untagged articles (test-only plugin).
WITH_SAMPLE_TAGS = (
    f"PLUGIN_PATHS={json.dumps([str(ROOT / 'plugins'), str(TEST_PLUGINS)])}",
    'PLUGINS=["newsarchive", "sample_tags"]',
)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content built with the local settings (relative URLs)."""
    output = tmp_path_factory.mktemp("theme-site") / "output"
    result = build_site(ROOT / "content", output, *WITH_SAMPLE_TAGS)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[str]:
    """Base URL (ending in ``/``) of ``built_site`` served over HTTP on a random local port."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _local(url: str) -> bool:
    return url.startswith(("file://", "http://127.0.0.1", "data:", "about:"))


# Stands in for remote article images in screenshots (the tests never use the network).
PLACEHOLDER_IMAGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="640" height="360" viewBox="0 0 640 360">'
    '<rect width="640" height="360" fill="#b9b4a8"/><path d="M0 360 220 150 360 280 450 200 640 '
    '360z" fill="#8f897c"/><circle cx="500" cy="90" r="40" fill="#d8d3c7"/></svg>'
)


def open_page(
    browser: Any,
    url: str,
    width: int = 1280,
    height: int = 900,
    color_scheme: str = "light",
    blocked: list[str] | None = None,
    images: str = "placeholder",
) -> Any:
    """A page in a fresh context. Remote requests never leave the machine: they are recorded in
    ``blocked`` (as ``"<resource type> <url>"``); images get a local placeholder
    (``images="placeholder"``) or fail as if their host were down (``images="broken"``);
    anything else fails."""
    context = browser.new_context(
        viewport={"width": width, "height": height}, color_scheme=color_scheme
    )
    seen = blocked if blocked is not None else []

    def route(route: Any) -> None:
        request = route.request
        if _local(request.url):
            route.continue_()
            return
        seen.append(f"{request.resource_type} {request.url}")
        if request.resource_type == "image" and images == "placeholder":
            route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_IMAGE)
        else:
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(url)
    return page


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page (WCAG 2.x A/AA and best practice)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def screenshot(page: Any, name: str) -> Path:
    """Write a full-page screenshot to ``tests/artifacts/`` (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
