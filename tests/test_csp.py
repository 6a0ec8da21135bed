"""The Content-Security-Policy in ``_headers`` holds on every page in Chromium."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from generator.headers import read_headers

from .conftest import serve

#: Records every violation the browser reports, from before the page's own scripts run.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', e =>
  window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def violations(
    chromium: Browser, site: Path, headers: dict[str, str], only: tuple[str, ...] = ()
) -> dict[str, list[str]]:
    """Violations per page when ``site`` is served with ``headers`` (``only`` these pages,
    by their path in the site, when given)."""
    url, server = serve(site, headers)
    context = chromium.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    found = {}
    try:
        for file in sorted(site.rglob("*.html")):
            path = file.relative_to(site).as_posix().removesuffix("index.html")
            if only and path not in only:
                continue
            page.goto(url + path, wait_until="load")
            page.wait_for_timeout(50)  # violation events are dispatched asynchronously
            found[path] = page.evaluate("window.__violations")
    finally:
        context.close()
        server.shutdown()
        server.server_close()
    return found


def test_no_page_breaks_the_policy(browser: Browser, sample_site: Path) -> None:
    headers = read_headers(sample_site)
    assert "Content-Security-Policy" in headers
    found = violations(browser, sample_site, headers)
    assert len(found) > 30
    assert {path: v for path, v in found.items() if v} == {}


def test_the_policy_is_enforced_so_an_inline_script_cannot_run(
    browser: Browser, sample_site: Path, tmp_path: Path
) -> None:
    """Were text ever to slip a script into a page, the policy alone would stop it."""
    import shutil

    site = tmp_path / "site"
    shutil.copytree(sample_site, site)
    page = site / "index.html"
    page.write_text(
        page.read_text().replace("</body>", "<script>document.title = 'ran'</script></body>")
    )
    # The header and the page's own <meta> both refuse it: each reports the violation.
    for headers in (read_headers(site), {}):
        found = violations(browser, site, headers, only=("",))  # the page changed
        assert found[""] and set(found[""]) == {"script-src-elem inline"}
