"""Accessible in fact, not only to axe's WCAG rules (issue 10), on every page of the sample.

- axe-core with every rule it runs by default (WCAG 2.0, 2.1 and 2.2 A and AA, and best
  practice) at a desktop width (1280 px) and a phone width (390 px);
- the Nu HTML Checker (``vnu.jar`` from npm, on the installed Java);
- landmarks, headings, language and link text, read from the page as a screen reader would:
  one <main>, the site's menus (the header's service navigation, breadcrumbs, the footer's
  list of every page) outside it, every navigation named;
- a keyboard-only walk (home, the directory, a filtered result, a service, back; a search
  for "speech" to its third result) that checks at every step that the focused element is
  in view, under nothing that sticks (fixed or sticky), and visibly marked; and Shift+Tab
  back again;
- no single key press changes a page (WCAG 2.1.4);
- reflow at 320 px, text at 200%, and reduced motion;
- the accessibility statement lists no known issues only while all of the above find none.

Failures name the page, the width, the rule and the element.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page

from generator.validate import load_project

from .conftest import TODAY, copy_project, problems

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "build" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def axe_findings(browser: Browser, site_url: str, page_paths: list[str]) -> list[str]:
    """Every axe violation, at both widths, one line per element."""
    axe = Axe()
    found = []
    for viewport in WIDTHS.values():
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for path in page_paths:
            page.goto(site_url + path, wait_until="load")
            report = axe.run(page, options={"resultTypes": ["violations"]})
            for rule in report.response["violations"]:
                found += [
                    f"{path or '/'} at {viewport['width']} px: {rule['id']} ({rule['help']}) "
                    f"at {node['target']}"
                    for node in rule["nodes"]
                ]
        context.close()
    return found


@pytest.fixture(scope="module")
def nu_findings(sample_site: Path) -> list[str]:
    """Every error the Nu HTML Checker reports, one line each."""
    java = shutil.which("java")
    if not java:
        pytest.fail("Java not found: .ci/run installs default-jre-headless")
    if not VNU.is_file():
        pytest.fail(f"{VNU} not found: `make test` installs it (npm install vnu-jar)")
    result = subprocess.run(
        [java, "-jar", str(VNU), "--skip-non-html", "--errors-only", "--format", "json",
         str(sample_site)],
        capture_output=True, text=True,
    )  # fmt: skip
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    return [
        f"{m.get('url', '').split(sample_site.name + '/', 1)[-1]}:{m.get('lastLine', '?')}: "
        f"{m['message']} ({m.get('extract', '').strip()[:80]})"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def test_every_page_passes_every_axe_rule_at_desktop_and_phone_widths(
    axe_findings: list[str],
) -> None:
    assert not axe_findings, "axe-core violations:\n" + "\n".join(axe_findings)


def test_every_page_is_valid_html(nu_findings: list[str]) -> None:
    assert not nu_findings, "Nu HTML Checker errors:\n" + "\n".join(nu_findings)


def test_the_statement_claims_no_known_issues_only_while_the_checks_find_none(
    axe_findings: list[str], nu_findings: list[str], browser: Browser, site_url: str
) -> None:
    statement = load_project(ROOT).accessibility
    assert statement is not None, "the sample's statement is made from data/accessibility.yaml"
    found = axe_findings + nu_findings
    if not statement.known_issues:
        assert not found, "the statement lists no known issues, but the checks found:\n" + (
            "\n".join(found)
        )
    page = browser.new_page()
    page.goto(site_url + "accessibility/", wait_until="load")
    text = page.inner_text("main")
    page.close()
    claim = "partially compliant" if statement.known_issues else "fully compliant"
    assert claim in text
    for known in statement.known_issues:
        assert known.criterion in text


# --- what a screen reader reads -------------------------------------------------------------

#: The site's menus: where each is, and whether every page has one.
MENUS = {
    "service navigation": ("header.lo-header nav.lo-service-nav", True),
    "breadcrumbs": ("nav.lo-breadcrumbs", False),
    "footer navigation": ("footer.lo-footer nav.lo-footer__nav", True),
}

_OUTLINE = """(MENUS) => {
  const text = id => (document.getElementById(id) || {}).textContent || '';
  const named = el => (el.getAttribute('aria-label') ||
    (el.getAttribute('aria-labelledby') || '').split(/\\s+/).map(text).join(' ')).trim();
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
    .filter(h => h.getClientRects().length).map(h => +h.tagName[1]);
  const skips = headings.filter(
    (level, i) => i > 0 && level > Math.max(...headings.slice(0, i)) + 1);
  return {
    lang: document.documentElement.lang,
    mains: document.querySelectorAll('main, [role=main]').length,
    // The site's menus, each outside <main>: the header's service navigation, the
    // breadcrumbs (deep pages only) and the footer's list of every page.
    menus: Object.fromEntries(Object.entries(MENUS).map(([name, selector]) => {
      const found = [...document.querySelectorAll(selector)];
      return [name, {count: found.length, inMain: found.some(n => n.closest('main'))}];
    })),
    // Inside <main> only a long list's links to its other pages (nav.lo-pages) may be a
    // navigation: the content's own, not a menu of the site.
    navsInMain: [...document.querySelectorAll('main nav, main [role=navigation]')]
      .filter(n => !n.matches('nav.lo-pages')).map(n => n.outerHTML.slice(0, 60)),
    navs: [...document.querySelectorAll('nav, [role=navigation]')].map(named),
    emptyNavs: [...document.querySelectorAll('nav')].filter(n => !n.querySelector('a')).length,
    pilcrows: [...document.querySelectorAll('a')].filter(a => a.textContent.trim() === '¶').length,
    rawUrls: [...document.querySelectorAll('a[href]')].map(a => a.textContent.trim())
      .filter(t => /^(https?:\\/\\/|www\\.)/i.test(t)),
    firstHeading: headings[0],
    skips: skips.length,
    title: document.title,
  };
}"""


def test_landmarks_headings_language_and_link_text(
    context: BrowserContext, site_url: str, page_paths: list[str]
) -> None:
    page = context.new_page()
    problems = []
    for path in page_paths:
        page.goto(site_url + path, wait_until="load")
        seen = page.evaluate(_OUTLINE, {name: css for name, (css, _) in MENUS.items()})
        where = path or "/"
        if seen["lang"] != "en-GB":
            problems.append(f"{where}: lang is {seen['lang']!r}, not 'en-GB'")
        if seen["mains"] != 1:
            problems.append(f"{where}: {seen['mains']} main landmarks, not 1")
        for name, (css, everywhere) in MENUS.items():
            menu = seen["menus"][name]
            if menu["count"] > 1 or (everywhere and menu["count"] != 1):
                problems.append(f"{where}: {menu['count']} {name} ({css})")
            if menu["inMain"]:
                problems.append(f"{where}: the {name} is inside <main>")
        if seen["navsInMain"]:
            problems.append(f"{where}: navigation inside <main>: {seen['navsInMain']}")
        named = [n for n in seen["navs"] if n]
        if (
            len(seen["navs"]) > 4
            or len(named) != len(seen["navs"])
            or len(set(named)) != len(named)
            or seen["emptyNavs"]
        ):
            problems.append(
                f"{where}: navigation landmarks {seen['navs']} (at most 4: the service "
                "navigation, breadcrumbs, a list's pages, the footer's; each named, each "
                "name its own, none empty)"
            )
        if seen["pilcrows"]:
            problems.append(f"{where}: {seen['pilcrows']} links read out as '¶'")
        if seen["rawUrls"]:
            problems.append(f"{where}: web addresses as link text: {seen['rawUrls']}")
        if seen["firstHeading"] != 1 or seen["skips"]:
            problems.append(f"{where}: headings skip a level ({seen['skips']} times)")
    assert not problems, "\n".join(problems)


def test_the_404_page_has_its_own_title_and_a_skip_link(
    context: BrowserContext, site_url: str
) -> None:
    page = context.new_page()
    page.goto(site_url + "404.html", wait_until="load")
    assert page.title().startswith("Page not found - ")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate(
        "document.querySelector('main').contains(document.querySelector(location.hash))"
    )


# --- the keyboard ---------------------------------------------------------------------------

_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing has focus';
  const box = el.getClientRects()[0] || el.getBoundingClientRect();  // a link's first line
  const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' +
    (el.textContent || el.value || '').trim().slice(0, 40) + '"';
  if (!box.width || !box.height) return what + ' has no size on screen';
  if (box.top < 0 || box.top >= innerHeight || box.left < 0 || box.right > innerWidth + 1)
    return what + ' is outside the window';
  // Under anything that stays put on the screen as the page scrolls (a sticky header or
  // bar, fixed or sticky): the first line of the focused element overlaps none of them.
  for (const other of document.querySelectorAll('body *')) {
    if (other === el || other.contains(el) || el.contains(other)) continue;
    const position = getComputedStyle(other).position;
    if (position !== 'fixed' && position !== 'sticky') continue;
    // Not drawn: a skip link waiting, unfocused and transparent, for its turn.
    if (!other.checkVisibility({opacityProperty: true, visibilityProperty: true})) continue;
    const r = other.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom)
      return what + ' is under ' + other.tagName.toLowerCase() + '.' + other.className
        + ' (' + position + ')';
  }
  const x = Math.min(box.left + box.width / 2, innerWidth - 1);
  const y = Math.min(box.top + Math.min(box.height / 2, 8), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  const labels = el.labels ? [...el.labels] : [];
  if (hit && !(el === hit || el.contains(hit) || hit.contains(el) || labels.includes(hit)))
    return what + ' is covered by ' + hit.tagName.toLowerCase() + '.' + hit.className;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  if (!outline && style.boxShadow === 'none') return what + ' shows no focus indicator';
  return '';
}"""


def _tab(page: Page, until: str, problems: list[str], where: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches the CSS selector ``until``, checking the
    focus at every step."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if problem := page.evaluate(_FOCUS):
            problems.append(f"{where}: {problem}")
        if page.evaluate("s => document.activeElement.matches(s)", until):
            return
    raise AssertionError(f"{where}: Tab never reached {until}")


def _tab_back(page: Page, times: int, problems: list[str], where: str) -> None:
    for _ in range(times):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement === document.body"):
            return  # back past the first link: the browser's own controls are next
        if problem := page.evaluate(_FOCUS):
            problems.append(f"{where} (Shift+Tab): {problem}")


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=WIDTHS["desktop"])
    yield context
    context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_keyboard_walk_keeps_focus_visible_and_clear_of_the_header(
    browser: Browser, site_url: str, width: str
) -> None:
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(site_url, wait_until="load")
        _tab(page, 'main a[href$="services/"]', problems, f"home at {width}")
        page.keyboard.press("Enter")
        page.wait_for_url("**/services/")
        if width == "phone":  # the filters fold behind the Filter button on a phone
            _tab(page, "#lo-filter-button", problems, f"directory at {width}")
            page.keyboard.press("Enter")
        _tab(page, "#lo-area", problems, f"directory at {width}")
        page.keyboard.press("ArrowDown")  # the first area
        page.wait_for_function("() => /area=/.test(location.search)")
        page.wait_for_function("() => document.querySelector('#lo-results a[href]')")
        _tab(page, "#lo-results a[href]", problems, f"filtered directory at {width}")
        _tab_back(page, 6, problems, f"filtered directory at {width}")
        _tab(page, "#lo-results a[href]", problems, f"filtered directory at {width}")
        page.keyboard.press("Enter")
        page.wait_for_url("**/services/*/")
        _tab(page, "main a[href^='tel:'], main a[href^='mailto:']", problems, f"service at {width}")
        _tab_back(page, 8, problems, f"service at {width}")
        page.go_back()
        page.wait_for_function("() => document.querySelector('#lo-results a[href]')")
        assert "area=" in page.url, "Back lost the directory's filter"
        _tab(page, "#lo-results a[href]", problems, f"directory after Back at {width}")
        page.goto(site_url + "search/", wait_until="load")
        _tab(page, "#lo-q", problems, f"search at {width}")
        page.keyboard.type("speech")
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelectorAll('#lo-results a[href]').length >= 3")
        assert "speech" in page.inner_text("#lo-count"), "the count of results is not announced"
        assert page.get_attribute("#lo-count", "role") == "status"
        title = "#lo-results h2 a[href]"  # each result's name, a link to its page
        _tab(page, title, problems, f"search results at {width}")
        for _ in range(2):  # to the second and the third result's name
            _tab(page, title, problems, f"search results at {width}", limit=10)
        reached = page.evaluate(
            f"[...document.querySelectorAll('{title}')].indexOf(document.activeElement)"
        )
        assert reached == 2, f"Tab reached result {reached + 1}, not the third"
        page.keyboard.press("Escape")  # leaves the results as they are, focus where it was
        assert page.evaluate(f"document.activeElement.matches('{title}')")
    finally:
        context.close()
    assert not problems, "\n".join(problems)


_STATE = """() => JSON.stringify({
  url: location.href, y: scrollY, html: document.body.innerHTML.length,
  focus: document.activeElement && document.activeElement.outerHTML.slice(0, 80),
  toggles: [...document.querySelectorAll('input[type=checkbox]')].map(c => c.checked),
})"""


def test_no_single_key_changes_a_page(
    context: BrowserContext, site_url: str, page_paths: list[str]
) -> None:
    page = context.new_page()
    service = next(p for p in page_paths if p.startswith("services/") and p.count("/") == 2)
    changed = []
    for path in ["", "services/", service, "accessibility/"]:
        page.goto(site_url + path, wait_until="load")
        page.wait_for_load_state("networkidle")
        for key in "np.,sf/?hjkgt":
            before = page.evaluate(_STATE)
            page.keyboard.press(key)
            page.wait_for_timeout(50)
            if page.evaluate(_STATE) != before:
                changed.append(f"{path or '/'}: pressing '{key}' changed the page")
                page.goto(site_url + path, wait_until="load")
    assert not changed, "\n".join(changed)


# --- reflow, zoom and motion ----------------------------------------------------------------


def test_pages_reflow_at_320_px_and_with_text_at_200_percent(
    browser: Browser, site_url: str, page_paths: list[str]
) -> None:
    sideways = []
    for viewport, zoom in (({"width": 320, "height": 640}, 1), ({"width": 1280, "height": 800}, 2)):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        for path in page_paths:
            page.goto(site_url + path, wait_until="load")
            if zoom != 1:
                page.evaluate(
                    "z => { const h = document.documentElement;"
                    " h.style.fontSize = parseFloat(getComputedStyle(h).fontSize) * z + 'px'; }",
                    zoom,
                )
            if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
                sideways.append(
                    f"{path or '/'} scrolls sideways at {viewport['width']} px, text x{zoom}"
                )
        context.close()
    assert not sideways, "\n".join(sideways)


def test_reduced_motion_is_honoured(browser: Browser, site_url: str) -> None:
    context = browser.new_context(reduced_motion="reduce", viewport=WIDTHS["phone"])
    page = context.new_page()
    page.goto(site_url, wait_until="load")
    longest = page.evaluate(
        """() => Math.max(0, ...[...document.querySelectorAll('*')].flatMap(el => {
          const s = getComputedStyle(el);
          return [s.transitionDuration, s.animationDuration].join(',').split(',')
            .map(d => d.trim().endsWith('ms') ? parseFloat(d) / 1000 : parseFloat(d));
        }))"""
    )
    context.close()
    assert longest <= 0.001, f"something still moves for {longest} s with reduced motion"


# --- the statement, from data ---------------------------------------------------------------

#: The sections of GOV.UK's model accessibility statement, as the page's headings.
MODEL_SECTIONS = [
    "Accessibility statement",
    "Using this website",
    "How accessible this website is",
    "Feedback and contact information",
    "Reporting accessibility problems with this website",
    "Enforcement procedure",
    "Technical information about this website's accessibility",
    "Compliance status",
    "Non-accessible content",
    "Non-compliance with the accessibility regulations",
    "Disproportionate burden",
    "Content that's not within the scope of the accessibility regulations",
    "What we're doing to improve accessibility",
    "Preparation of this accessibility statement",
]


def _statement(root: Path) -> str:
    from generator.pipeline import check

    return check(root, TODAY).pages["accessibility.md"].decode()


def _headings(html: str) -> list[str]:
    return [
        htmllib.unescape(re.sub(r"<[^>]+>|&#(\d+);", lambda m: chr(int(m[1])) if m[1] else "", h))
        for h in re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", html)
    ]


def test_the_statement_has_every_section_of_the_model_statement() -> None:
    assert _headings(_statement(ROOT)) == MODEL_SECTIONS


def test_a_known_issue_makes_the_statement_say_partially_compliant(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    path = root / "data" / "accessibility.yaml"
    path.write_text(
        path.read_text().replace(
            "  known_issues: []\n",
            "  known_issues:\n    - issue: The timeline's chart has no text version.\n"
            "      criterion: 1.1.1\n      plan: We will add a table.\n"
            "      fix_by: 2027-02-26\n",
        )
    )
    text = htmllib.unescape(re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), _statement(root)))
    assert "partially compliant" in text and "fully compliant" not in text
    assert "success criterion 1.1.1" in text and "by 26 February 2027" in text


def test_check_warns_when_the_site_was_tested_over_a_year_ago(tmp_path: Path) -> None:
    from generator.pipeline import check

    root = copy_project(tmp_path)
    path = root / "data" / "accessibility.yaml"
    text = path.read_text()
    path.write_text(text.replace("  tested: 2026-11-23", "  tested: 2025-11-20"))
    line = text[: text.index("  tested:")].count("\n") + 1
    said = [str(w) for w in check(root, TODAY).warnings if "accessibility" in w.file]
    assert said == [
        f"data/accessibility.yaml:{line}: accessibility.tested: warning: the website was last "
        "tested on 2025-11-20, over a year ago: test it again and update the statement "
        "(GOV.UK asks for a yearly review)"
    ]
    path.write_text(text.replace("  tested: 2026-11-23", "  tested: 2025-11-24"))
    assert [w for w in check(root, TODAY).warnings if "accessibility" in w.file] == []


def test_a_project_without_a_statement_is_refused(tmp_path: Path) -> None:
    root = copy_project(tmp_path)
    (root / "data" / "accessibility.yaml").unlink()
    found = problems(root)
    assert any(p.startswith("data/accessibility.yaml:1: is missing") for p in found), found
