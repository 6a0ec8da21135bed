"""The council's own service, not software documentation: every kind of page of the sample,
at a desktop width (1280 px) and a phone's (390 px), in Chromium, wears the area's look and
none of Material for MkDocs' docs chrome.

- no reading-order links ("Previous" / "Next", ``rel="prev"`` / ``rel="next"``) but the
  paged lists' own (``nav.lo-pages``); no stock logo (``.md-logo``, Material's book icon),
  no Material header, sidebar or footer;
- no element, pseudo-element included, uses Material's stock indigo or its accent;
- one header, on the brand's colour, naming the service whole (its ``short_name``, not
  clipped, not cut by an ellipsis, within the screen) with the brand's logos and who runs it;
- a footer on every page: every menu page, each organisation, a way to get in touch, the
  accessibility statement, privacy, feedback, and when the information was last checked;
- breadcrumbs leading Home on the deep pages, above <main> (GOV.UK's place), none on the home page;
- the service navigation marks where the visitor is, folds behind a Menu button on a phone
  (opened from the keyboard) and shows its list on a wide screen and without JavaScript;
- another area (``tests/fixtures/other-area``, built with the sample's theme) shows its
  own colour, logo, names and organisations, and none of the sample's.

Each page is read by one ``evaluate`` (``FACTS``) per width; failures name the page, the
width and what was found. Expected values come from the data files.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Browser, Page, ViewportSize, expect

from generator.model import build_model
from generator.pipeline import build_site
from generator.routes import navigation
from generator.sanitise import url_of
from generator.validate import load_project

from .conftest import ROOT, TODAY, serve
from .test_other_area import PREFIX, SubPathHost

OTHER = Path(__file__).parent / "fixtures" / "other-area"
WIDTHS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
#: Material's stock palette: its default primary (indigo) and accent colours.
STOCK = {"Material's indigo": "#4051b5", "Material's indigo accent": "#526cfe"}
#: The start of the path of Material's default logo, the open book (``material/library``).
BOOK = "M12 8a3 3 0 0 0 3-3 3 3 0 0 0-3-3"
#: The pages deeper than one step from home, which lead back with breadcrumbs.
DEEP = ("service", "not-running service", "update", "browse", "directory page 2")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"


def settings(root: Path) -> dict[str, Any]:
    """``site:`` of a project's data/site.yaml, read afresh."""
    text = (root / "data" / "site.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)["site"]  # type: ignore[no-any-return]


def rgb(colour: str) -> str:
    """``#rrggbb`` as a browser computes it: ``rgb(r, g, b)``."""
    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


#: Everything the tests ask of a page, gathered in one call. ``forbidden`` names colours,
#: each as ``rgb(r, g, b)``; every element's and pseudo-element's computed colours are
#: compared with them.
FACTS = """({forbidden, book}) => {
  const text = el => el ? el.textContent.replace(/\\s+/g, ' ').trim() : null;
  const shown = el => {
    if (!el || !el.checkVisibility({visibilityProperty: true, opacityProperty: true}))
      return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  const width = document.documentElement.clientWidth;

  const headers = [...document.body.querySelectorAll('header')].map(describe);
  const header = document.querySelector('body header.lo-header');
  const name = header && header.querySelector('.lo-header__name');
  let named = null;
  if (name) {
    const box = name.getBoundingClientRect();
    const cut = [];
    for (let el = name; el && el !== document.body; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth)
        cut.push(describe(el) + ' cuts it with an ellipsis');
      if (el !== name && style.overflowX !== 'visible') {
        const outer = el.getBoundingClientRect();
        if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5)
          cut.push(describe(el) + ' hides part of it');
      }
    }
    named = {
      text: text(name), shown: shown(name), cut,
      scrollWidth: name.scrollWidth, clientWidth: name.clientWidth,
      left: Math.round(box.left), right: Math.round(box.right),
      inHome: !!name.closest('a.lo-header__home'),
    };
  }
  const home = header && header.querySelector('a.lo-header__home');
  const offer = header && header.querySelector('a.lo-header__main-offer');
  const logos = header ? [...header.querySelectorAll('img.lo-header__logo')].map(img => ({
    alt: img.getAttribute('alt'), src: img.getAttribute('src'),
    loaded: img.complete && img.naturalWidth > 0, inHome: !!img.closest('a.lo-header__home'),
  })) : [];

  const reading = [];
  for (const el of document.querySelectorAll('a, link, area, [role=link]')) {
    const paged = el.closest('nav.lo-pages');
    const rel = (el.getAttribute('rel') || '').toLowerCase().split(/\\s+/);
    if (!paged && (rel.includes('prev') || rel.includes('next') || rel.includes('previous')))
      reading.push(`${describe(el)} rel="${el.getAttribute('rel')}" to ${el.getAttribute('href')}`);
    const words = text(el) || el.getAttribute('aria-label') || '';
    if (el.tagName !== 'LINK' && /^(next|previous)\\b/i.test(words)
        && !(paged && ['Next page', 'Previous page'].includes(words)))
      reading.push(`${describe(el)} "${words}" to ${el.getAttribute('href')}`);
  }
  const sidebars = [...document.querySelectorAll('.md-sidebar')].filter(el => {
    if (!shown(el)) return false;
    const box = el.getBoundingClientRect();
    return box.right > 0 && box.left < width && box.bottom > 0;
  }).map(describe);

  const properties = ['color', 'background-color', 'border-top-color', 'border-right-color',
    'border-bottom-color', 'border-left-color', 'outline-color', 'text-decoration-color',
    'caret-color', 'accent-color', 'fill', 'stroke'];
  const patterns = Object.entries(forbidden).map(([name, c]) => [name, new RegExp(
    '^rgba?\\\\(' + c.slice(4, -1).replace(/ /g, ' ?') + '[,)]')]);
  const colours = [];
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      if (pseudo && style.content === 'none') continue;
      for (const property of properties) {
        const value = style.getPropertyValue(property);
        for (const [colour, pattern] of patterns)
          if (pattern.test(value))
            colours.push(`${describe(el)}${pseudo || ''} ${property}: ${value} (${colour})`);
      }
    }
  }

  const footers = [...document.querySelectorAll('footer.lo-footer')];
  const footer = footers[0];
  const allPages = footer && footer.querySelector('nav.lo-footer__nav');
  const serviceNav = document.querySelector('nav.lo-service-nav');
  const list = serviceNav && serviceNav.querySelector('ul');
  const toggle = serviceNav && serviceNav.querySelector('button.lo-service-nav__toggle');
  const crumbs = document.querySelector('nav.lo-breadcrumbs:not(main *)');
  const h1 = document.querySelector('main h1');

  return {
    url: location.href,
    headers,
    header: header && {
      background: getComputedStyle(header).backgroundColor,
      home: home && home.href,
      runBy: text(header.querySelector('.lo-header__run-by')),
      offer: offer && {text: text(offer), href: offer.href},
    },
    named, logos,
    html: document.documentElement.outerHTML,
    mdHeader: document.querySelectorAll('.md-header').length,
    mdLogo: document.querySelectorAll('.md-logo').length,
    book: [...document.querySelectorAll('svg path')].some(
      p => (p.getAttribute('d') || '').startsWith(book)),
    mdFooter: document.querySelectorAll('.md-footer, .md-footer__link').length,
    sidebars, reading, colours,
    footers: footers.length,
    footer: footer && {
      shown: shown(footer),
      allPages: allPages && {
        label: allPages.getAttribute('aria-label'),
        links: [...allPages.querySelectorAll('a')].map(a => a.href),
      },
      orgs: text(footer.querySelector('.lo-footer__orgs')),
      contact: [...footer.querySelectorAll('.lo-footer__contact a')].map(
        a => a.getAttribute('href')),
      links: [...footer.querySelectorAll('a')].map(a => [text(a), a.href]),
      checked: text(footer.querySelector('.lo-footer__checked')),
    },
    serviceNav: serviceNav && {
      label: serviceNav.getAttribute('aria-label'),
      links: [...serviceNav.querySelectorAll('ul > li > a')].map(
        a => ({href: a.href, current: a.getAttribute('aria-current'), text: text(a)})),
      listShown: shown(list),
      toggle: toggle && {
        shown: shown(toggle), expanded: toggle.getAttribute('aria-expanded'),
        controlsList: !!list && toggle.getAttribute('aria-controls') === list.id,
        text: text(toggle),
      },
    },
    breadcrumbs: document.querySelectorAll('nav.lo-breadcrumbs').length,
    crumbs: crumbs && {
      label: crumbs.getAttribute('aria-label'),
      items: [...crumbs.querySelectorAll('ol > li')].map(li => {
        const a = li.querySelector('a');
        return {text: text(li), href: a && a.href};
      }),
      beforeH1: !!h1 && !!(crumbs.compareDocumentPosition(h1) & Node.DOCUMENT_POSITION_FOLLOWING),
    },
  };
}"""


def sample_pages(site: Path) -> dict[str, str]:
    """One page of each kind the sample has: name -> path from the site's root."""

    def first(folder: str) -> str:
        found = sorted(p.name for p in (site / folder).iterdir() if (p / "index.html").is_file())
        assert found, f"no pages in {folder}/"
        return f"{folder}/{found[0]}/"

    services = yaml.safe_load((ROOT / "data" / "services.yaml").read_text())["services"]
    running = [s["id"] for s in services if s.get("status", "active") == "active"]
    stopped = [s["id"] for s in services if s.get("status", "active") != "active"]
    pages = {
        "home": "",
        "audience": first("audiences"),
        "directory": "services/",
        "directory page 2": "services/page-2/",
        "service": f"services/{running[0]}/",
        "not-running service": f"services/{stopped[0]}/" if stopped else "",
        "search": "search/",
        "my list": "my-list/",
        "balanced system": "balanced-system/",
        "timeline": "timeline/",
        "updates": "updates/",
        "update": first("updates"),
        "documents": "documents/",
        "surveys": "surveys/",
        "glossary": "glossary/",
        "other formats": "other-formats/",
        "accessibility": "accessibility/",
        "privacy": "privacy/",
        "browse": first("help"),
        "404": "404.html",
    }
    if not (site / "services" / "page-2" / "index.html").is_file():
        del pages["directory page 2"]  # the sample's directory fits one page
    if not stopped:
        del pages["not-running service"]
    if not (site / "surveys" / "index.html").is_file():
        del pages["surveys"]
    return pages


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[dict[str, Page]]:
    """One page in one context per width, reused for every address."""
    contexts = {name: browser.new_context(viewport=size) for name, size in WIDTHS.items()}
    try:
        yield {name: context.new_page() for name, context in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()


def read(page: Page, url: str, forbidden: dict[str, str]) -> dict[str, Any]:
    response = page.goto(url, wait_until="load")
    facts: dict[str, Any] = page.evaluate(FACTS, {"forbidden": forbidden, "book": BOOK})
    facts["status"] = response.status if response else None
    return facts


@pytest.fixture(scope="module")
def facts(
    tabs: dict[str, Page], site_url: str, sample_site: Path
) -> dict[tuple[str, str], dict[str, Any]]:
    """(width, page kind) -> what ``FACTS`` found on that page of the sample."""
    forbidden = {name: rgb(c) for name, c in STOCK.items()}
    return {
        (width, kind): read(tab, site_url + path, forbidden)
        for width, tab in tabs.items()
        for kind, path in sample_pages(sample_site).items()
    }


def where(key: tuple[str, str]) -> str:
    return f"{key[1]} at {WIDTHS[key[0]]['width']} px"


def test_every_page_kind_is_there(facts: dict[tuple[str, str], dict[str, Any]]) -> None:
    missing = [f"{where(k)}: HTTP {f['status']}" for k, f in facts.items() if f["status"] != 200]
    assert missing == []


def test_no_reading_order_links_and_none_of_materials_chrome(
    facts: dict[tuple[str, str], dict[str, Any]],
) -> None:
    found = []
    for key, f in facts.items():
        found += [f"{where(key)}: reading-order link {link}" for link in f["reading"]]
        found += [f"{where(key)}: {name} is visible" for name in f["sidebars"]]
        if f["mdHeader"]:
            found.append(f"{where(key)}: Material's header (.md-header)")
        if f["mdLogo"]:
            found.append(f"{where(key)}: a stock logo (.md-logo)")
        if f["book"]:
            found.append(f"{where(key)}: Material's book icon")
        if f["mdFooter"]:
            found.append(f"{where(key)}: Material's footer (.md-footer)")
    assert found == []


def test_no_stock_colour_anywhere(facts: dict[tuple[str, str], dict[str, Any]]) -> None:
    found = []
    for key, f in facts.items():
        found += [f"{where(key)}: {c}" for c in f["colours"][:5]]
        if len(f["colours"]) > 5:
            found.append(f"{where(key)}: and {len(f['colours']) - 5} more")
    assert found == []


def header_problems(
    key: tuple[str, str], f: dict[str, Any], site: dict[str, Any], home: str
) -> list[str]:
    """What is wrong with a page's header, for ``site`` (its data) served at ``home``."""
    at, brand = where(key), site.get("brand") or {}
    if not brand:
        return [f"{at}: the data has no site.brand"]
    found = []
    # Material's script marks the header it watches (md-header--shadow): still the one header.
    if [h.split(".")[:2] for h in f["headers"]] != [["header", "lo-header"]]:
        found.append(f"{at}: the body's headers are {f['headers']}, not one header.lo-header")
    if not f["header"]:
        return found
    if f["header"]["background"] != rgb(brand["colour"]):
        found.append(
            f"{at}: header background {f['header']['background']}, not {brand['colour']}"
            f" ({rgb(brand['colour'])})"
        )
    if f["header"]["home"] != home:
        found.append(f"{at}: a.lo-header__home goes to {f['header']['home']}, not {home}")
    named, limit = f["named"], WIDTHS[key[0]]["width"]
    if not named:
        found.append(f"{at}: no .lo-header__name")
    else:
        if named["text"] != site["short_name"]:
            found.append(f"{at}: the header names {named['text']!r}, not {site['short_name']!r}")
        if not named["shown"] or not named["inHome"]:
            found.append(f"{at}: the name is hidden, or not in the link home")
        if named["scrollWidth"] > named["clientWidth"]:
            found.append(
                f"{at}: the name is {named['scrollWidth']} px wide in {named['clientWidth']} px"
            )
        if named["left"] < 0 or named["right"] > limit:
            found.append(f"{at}: the name spans {named['left']}-{named['right']} px of {limit}")
        found += [f"{at}: {cut}" for cut in named["cut"]]
    logos = [(logo["alt"], Path(logo["src"] or "").name) for logo in f["logos"]]
    # A logo whose text is the name beside it gets empty alt text (axe: image-redundant-alt).
    wanted = [
        ("" if logo["alt"] == site["short_name"] else logo["alt"], Path(logo["image"]).name)
        for logo in brand.get("logos", [])
    ]
    if logos != wanted:
        found.append(f"{at}: the header's logos (alt, file) are {logos}, not {wanted}")
    for logo in f["logos"]:
        if not logo["loaded"] or not logo["inHome"]:
            found.append(f"{at}: logo {logo['src']} did not load or is not in the link home")
    if brand.get("run_by") and f["header"]["runBy"] != brand["run_by"]:
        found.append(f"{at}: run by {f['header']['runBy']!r}, not {brand['run_by']!r}")
    offer = brand.get("main_local_offer")
    if offer and f["header"]["offer"] != {"text": offer["title"], "href": offer["url"]}:
        found.append(f"{at}: the main Local Offer link is {f['header']['offer']}, not {offer}")
    return found


def test_the_header_names_the_service_whole_on_the_brand_colour(
    facts: dict[tuple[str, str], dict[str, Any]], site_url: str
) -> None:
    site = settings(ROOT)
    found = []
    for key, f in facts.items():
        found += header_problems(key, f, site, site_url)
    assert found == []


def menu_pages(root: Path, base: str) -> list[str]:
    """The address of every page of the menu but home (the header's link)."""
    paths: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)
        else:
            paths.append(item)

    walk(navigation(build_model(load_project(root), TODAY)))
    return [base + url_of(p) for p in paths if url_of(p)]


def footer_problems(
    key: tuple[str, str], f: dict[str, Any], site: dict[str, Any], base: str, menu: list[str]
) -> list[str]:
    at, footer = where(key), f["footer"]
    if f["footers"] != 1 or not footer:
        return [f"{at}: {f['footers']} footer.lo-footer, not 1"]
    found = []
    if not footer["shown"]:
        found.append(f"{at}: the footer is hidden")
    every = footer["allPages"]
    if not every or every["label"] != "All pages":
        found.append(f"{at}: no nav.lo-footer__nav labelled 'All pages' in the footer")
    else:
        found += [f"{at}: the footer has no link to {p}" for p in menu if p not in every["links"]]
    orgs = footer["orgs"] or ""
    found += [
        f"{at}: the footer does not name {o!r}"
        for o in site["organisations"]
        if " ".join(o.split()) not in orgs
    ]
    contact, ways = site.get("contact") or {}, footer["contact"]
    if contact.get("phone"):
        digits = re.sub(r"\D", "", contact["phone"]).lstrip("0")
        if not any(w.startswith("tel:") and re.sub(r"\D", "", w).endswith(digits) for w in ways):
            found.append(f"{at}: no tel: link to {contact['phone']} in .lo-footer__contact")
    if contact.get("email") and f"mailto:{contact['email']}" not in [w.split("?")[0] for w in ways]:
        found.append(f"{at}: no mailto: link to {contact['email']} in .lo-footer__contact")
    links = footer["links"]
    wanted = [["Accessibility statement", base + "accessibility/"], ["Privacy", base + "privacy/"]]
    if site.get("feedback_url"):
        wanted.append(["Give feedback", site["feedback_url"]])
    found += [f"{at}: no footer link {w}" for w in wanted if w not in links]
    checked = footer["checked"]
    if checked is None and not site.get("last_checked"):
        pass  # the data gives no date to show
    elif not re.fullmatch(
        rf"Information last checked: \d{{1,2}} ({MONTHS}) \d{{4}}", checked or ""
    ):
        found.append(f"{at}: .lo-footer__checked says {checked!r}")
    elif key[1].endswith("home") and site.get("last_checked"):
        day = long_date(site["last_checked"])
        if checked != f"Information last checked: {day}":
            found.append(f"{at}: .lo-footer__checked says {checked!r}, not {day}")
    return found


def test_every_footer_names_the_organisations_a_contact_and_the_statements(
    facts: dict[tuple[str, str], dict[str, Any]], site_url: str
) -> None:
    site, menu = settings(ROOT), menu_pages(ROOT, site_url)
    assert len(menu) > 10
    found = []
    for key, f in facts.items():
        found += footer_problems(key, f, site, site_url, menu)
    assert found == []


def test_breadcrumbs_lead_home_from_deep_pages_and_not_from_home(
    facts: dict[tuple[str, str], dict[str, Any]], site_url: str
) -> None:
    found, deep = [], 0
    for key, f in facts.items():
        at, crumbs = where(key), f["crumbs"]
        if key[1] == "home" and f["breadcrumbs"]:
            found.append(f"{at}: breadcrumbs on the home page")
        if key[1] not in DEEP:
            continue
        deep += 1
        if not crumbs:
            found.append(f"{at}: no nav.lo-breadcrumbs before <main>")
            continue
        if crumbs["label"] != "Breadcrumb":
            found.append(f"{at}: breadcrumbs labelled {crumbs['label']!r}")
        items = crumbs["items"]
        if not items or items[0] != {"text": "Home", "href": site_url}:
            found.append(f"{at}: breadcrumbs start {items[:1]}, not a link Home to {site_url}")
        if len(items) < 2:
            found.append(f"{at}: breadcrumbs of {len(items)} step")
        if not crumbs["beforeH1"]:
            found.append(f"{at}: the breadcrumbs are not before the page's h1")
    assert deep >= 8  # service, not-running service, update and browse, at two widths
    assert found == []


def test_the_service_navigation_marks_where_you_are(
    facts: dict[tuple[str, str], dict[str, Any]], site_url: str
) -> None:
    found = []
    for key, f in facts.items():
        at, nav = where(key), f["serviceNav"]
        if not nav or nav["label"] != "Menu":
            found.append(f"{at}: no nav.lo-service-nav labelled 'Menu'")
            continue
        if len(nav["links"]) < 3:
            found.append(f"{at}: the service navigation has {len(nav['links'])} links")
        for link in nav["links"]:
            mine = link["href"] == f["url"]
            if mine and link["current"] != "page":
                found.append(f"{at}: its own link {link['text']!r} is not aria-current=page")
            if link["current"] == "page" and not mine:
                found.append(f"{at}: {link['text']!r} to {link['href']} is aria-current=page")
        if key[1] in ("service", "not-running service", "directory page 2"):
            section = [n["current"] for n in nav["links"] if n["href"] == site_url + "services/"]
            if section != ["true"]:
                found.append(f"{at}: the directory's link is aria-current={section}, not true")
        toggle = nav["toggle"]
        if key[0] == "phone":
            if not toggle or not toggle["shown"] or toggle["expanded"] != "false":
                found.append(f"{at}: no Menu button shown, aria-expanded=false: {toggle}")
            if nav["listShown"]:
                found.append(f"{at}: the menu's list shows before the Menu button is pressed")
        else:
            if toggle and toggle["shown"]:
                found.append(f"{at}: a Menu button shows on a wide screen")
            if not nav["listShown"]:
                found.append(f"{at}: the menu's list is hidden on a wide screen")
    assert found == []


def test_the_phone_menu_opens_from_the_keyboard_and_shows_without_script(
    tabs: dict[str, Page], browser: Browser, site_url: str
) -> None:
    page = tabs["phone"]
    page.goto(site_url, wait_until="load")
    toggle = page.locator("nav.lo-service-nav button.lo-service-nav__toggle")
    listed = page.locator("nav.lo-service-nav ul").first
    assert toggle.count() == 1 and toggle.is_visible()
    assert toggle.inner_text().strip() == "Menu"
    controls = toggle.get_attribute("aria-controls")
    assert controls and listed.get_attribute("id") == controls
    assert toggle.get_attribute("aria-expanded") == "false" and listed.is_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(listed.locator("li > a").first).to_be_visible()
    assert page.evaluate("document.activeElement.matches('.lo-service-nav__toggle')")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(listed).to_be_hidden()

    wide = tabs["desktop"]
    wide.goto(site_url, wait_until="load")
    assert wide.locator("nav.lo-service-nav button.lo-service-nav__toggle").is_hidden()
    assert wide.locator("nav.lo-service-nav ul").first.is_visible()

    context = browser.new_context(viewport=WIDTHS["phone"], java_script_enabled=False)
    try:
        plain = context.new_page()
        plain.goto(site_url, wait_until="load")
        assert plain.locator("nav.lo-service-nav ul").first.is_visible()
        assert plain.locator("nav.lo-service-nav button.lo-service-nav__toggle").is_hidden()
    finally:
        context.close()


# --- another area -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def other_base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The other area, built with the sample's mkdocs.yml and theme, served under its path."""
    root = tmp_path_factory.mktemp("other-look") / "project"
    for name in ("data", "content"):
        shutil.copytree(OTHER / name, root / name)
    shutil.copytree(ROOT / "theme", root / "theme")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    site = build_site(root, today=TODAY)
    url, server = serve(site, {}, SubPathHost)
    try:
        yield url.rstrip("/") + PREFIX
    finally:
        server.shutdown()
        server.server_close()


def test_the_other_area_wears_its_own_brand_and_none_of_the_samples(
    tabs: dict[str, Page], other_base: str
) -> None:
    other, sample = settings(OTHER), settings(ROOT)
    theirs = sample.get("brand") or {}
    forbidden = {name: rgb(c) for name, c in STOCK.items()}
    forbidden |= {
        f"the sample's {k}": rgb(theirs[k]) for k in ("colour", "accent") if theirs.get(k)
    }
    sample_words = ["Essex", "Southend", "Thurrock"]
    sample_words += [Path(logo["image"]).name for logo in theirs.get("logos", [])]
    first = yaml.safe_load((OTHER / "data" / "services.yaml").read_text())["services"][0]["id"]
    menu = menu_pages(OTHER, other_base)
    found = []
    for width, tab in tabs.items():
        for kind, path in {
            "home": "",
            "directory": "services/",
            "service": f"services/{first}/",
        }.items():
            key = (width, f"other area's {kind}")
            f = read(tab, other_base + path, forbidden)
            if f["status"] != 200:
                found.append(f"{where(key)}: HTTP {f['status']}")
                continue
            found += header_problems(key, f, other, other_base)
            found += footer_problems(key, f, other, other_base, menu)
            found += [f"{where(key)}: {c}" for c in f["colours"][:5]]
            found += [f"{where(key)}: has {w!r}" for w in sample_words if w in f["html"]]
    assert found == []
