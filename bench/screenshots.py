"""``make screenshots``: how the site looks, for a person to see, not for a test to judge.

Builds the sample and the other area (``tests/fixtures/other-area``) and photographs the
home page, the directory and a service page of each at a desktop width (1280 px) and a
phone's (390 px), whole pages, in Debian's Chromium. Writes PNG files into
``build/screenshots/`` (or the folder given) named area-page-width.png, and lists them.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from generator.headers import read_headers  # noqa: E402
from generator.pipeline import build_site  # noqa: E402
from generator.validate import load_project  # noqa: E402
from tests.conftest import CHROMIUM_ARGS, _chromium_path, serve  # noqa: E402

AREAS = {"sample": ROOT, "other-area": ROOT / "tests" / "fixtures" / "other-area"}
WIDTHS = {"desktop": 1280, "phone": 390}


def pages(root: Path) -> dict[str, str]:
    """The pages photographed: home, the directory, and the area's first service."""
    first = load_project(root).services[0].id
    return {"home": "", "directory": "services/", "service": f"services/{first}/"}


def project(source: Path, dest: Path) -> Path:
    """A copy of ``source``'s data/ and content/ with the sample's mkdocs.yml and theme/:
    an area differs in its data only."""
    for name in ("data", "content"):
        shutil.copytree(source / name, dest / name)
    shutil.copytree(ROOT / "theme", dest / "theme")
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    return dest


def main(argv: list[str] | None = None) -> int:
    """Photograph the pages; ``argv``: the command's arguments (``sys.argv`` by default)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "build" / "screenshots")
    out = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        for area, source in AREAS.items():
            root = project(source, Path(tmp) / area)
            site = build_site(root, site_dir=Path(tmp) / area / "site")
            url, server = serve(site, read_headers(site))
            try:
                for name, path in pages(root).items():
                    for width_name, width in WIDTHS.items():
                        page = browser.new_page(viewport={"width": width, "height": 900})
                        page.goto(url + path)
                        target = out / f"{area}-{name}-{width_name}.png"
                        page.screenshot(path=str(target), full_page=True)
                        page.close()
                        written.append(target)
            finally:
                server.shutdown()
                server.server_close()
        browser.close()
    for target in written:
        print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
