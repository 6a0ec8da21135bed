"""README's "Starting a new area", followed to the letter: one ``check``, then a clean build.

The example files are taken from README.md exactly as written (each marked
``<!-- new area: data/FILE.yaml -->``), put into a fresh project beside the sample's
``mkdocs.yml`` and ``theme/`` (which README says to keep), with two more services added
below the first as README says, so the area has three. ``check`` must pass the first time,
with no warning, and ``build --strict`` must make the site.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import ROOT, TODAY

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("\n## Starting a new area\n", 1)[1].split("\n## ", 1)[0]
EXAMPLE = re.compile(r"<!-- new area: (data/[\w.-]+\.yaml) -->\n( *)```yaml\n(.*?)\n\2```", re.S)
#: Each example file, as a person copies it from the page (without the list's indent).
FILES = {name: textwrap.dedent(text) + "\n" for name, _, text in EXAMPLE.findall(SECTION)}

AUDIENCES = ("parents-and-carers", "professionals")
#: The next two services, added below the first as README's step 4 says.
MORE_SERVICES = """\
  - id: motor-skills-group
    name: Motor skills group
    organisation: Westmoor Children's Health Trust
    description: Six weekly sessions of games that build balance, coordination and strength.
    discipline: occupational-therapy
    levels: [targeted]
    strands: [intervention]
    audiences: [parents-and-carers]
    needs: [motor-skills]
    min_age: 4
    max_age: 11
    eligibility: Children in Westmoor South referred by their school or health visitor.
    access:
      referral_route: Your child's school or health visitor fills in a referral with you.
      who_can_refer: [Teachers, Health visitors]
      self_referral: no
    cost: Free
    contact:
      email: motorskills@example.org
    delivery: [clinic]
    locations:
      - name: Southwick Family Hub
        address: 1 Example Street, Southwick
        postcode: WM2 2AA
    opening_times: Wednesdays, 4pm to 5pm, in school terms
    areas: [westmoor-south]
    last_reviewed: 2026-11-20
  - id: speech-therapy-online
    name: Speech therapy online
    organisation: Westmoor Children's Health Trust
    description: Video calls with a speech and language therapist, and ideas to try at home.
    discipline: speech-and-language-therapy
    levels: [specialist]
    strands: [intervention]
    audiences: [parents-and-carers, professionals]
    needs: [speech-language-communication]
    min_age: 2
    max_age: 18
    eligibility: Children in Westmoor referred to the speech and language therapy team.
    access:
      referral_route: Ask your GP, health visitor or school to refer your child.
      who_can_refer: [GPs, Health visitors, Teachers]
      self_referral: no
    cost: Free
    contact:
      phone: 01632 960302
    delivery: [online]
    opening_times: Monday to Friday, 9am to 5pm
    areas: [westmoor-north, westmoor-south]
    last_reviewed: 2026-11-20
"""


def test_readme_shows_every_file_check_requires() -> None:
    assert sorted(FILES) == [
        "data/accessibility.yaml",
        "data/services.yaml",
        "data/site.yaml",
        "data/vocabularies.yaml",
    ]
    for name, text in FILES.items():
        key = name.removeprefix("data/").removesuffix(".yaml")
        assert f"\n{key}:\n" in text, f"{name} does not start with its top-level key {key}:"
    assert "synonyms: [" in FILES["data/vocabularies.yaml"]  # a list, as check requires


def generator(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "generator", *args, "--root", str(root)]
    return subprocess.run(
        [*command, "--today", TODAY.isoformat()],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def new_area(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh project made from README's examples alone, with three services."""
    root = tmp_path_factory.mktemp("new-area") / "project"
    (root / "data").mkdir(parents=True)
    (root / "content").mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(ROOT / "theme", root / "theme")
    for name, text in FILES.items():
        (root / name).write_text(text, encoding="utf-8")
    services = root / "data" / "services.yaml"
    services.write_text(services.read_text(encoding="utf-8") + MORE_SERVICES, encoding="utf-8")
    return root


def test_following_readme_takes_one_check_to_a_clean_strict_build(new_area: Path) -> None:
    checked = generator(new_area, "check", "--strict")
    assert (checked.returncode, checked.stderr) == (0, ""), checked.stderr
    assert checked.stdout == "ok: 3 services and every other record are valid\n"
    built = generator(new_area, "build", "--strict")
    assert (built.returncode, built.stderr) == (0, ""), built.stderr
    site = new_area / "site"
    for page in ("", "services/", "accessibility/", *(f"audiences/{a}/" for a in AUDIENCES)):
        assert (site / page / "index.html").is_file(), page
    for service in ("talking-help-line", "motor-skills-group", "speech-therapy-online"):
        assert (site / "services" / service / "index.html").is_file(), service
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Westmoor" in home and "Essex" not in home  # the area's own words, not the sample's
    assert sorted(p.name for p in (new_area / "schemas").iterdir()) == sorted(
        p.name for p in (ROOT / "schemas").iterdir()
    )
