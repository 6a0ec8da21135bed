"""Every list that shows a service shows the same facts, in families' words; a service page
puts its call, email and web actions first. (Part of the "families find help" issue.)"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
import yaml

from generator.model import build_model
from generator.pipeline import check

from .conftest import MINIMAL, TODAY, write_project


def text(page: bytes) -> str:
    """A generated page as a reader sees it: tags gone, references read."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.decode())).split())


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = write_project(tmp_path)
    path = root / "data" / "services.yaml"
    data = yaml.safe_load(path.read_text())
    data["services"][0].update(description="Talk to a therapist by phone. Ask anything at all.")
    for fact in ("min_age", "max_age", "cost"):  # facts nobody gave: the cards say to ask
        del data["services"][0][fact]
    data["services"][1].update(summary="Therapy for children who stammer, near home.")
    data["services"][1]["access"]["referral_form"] = "https://www.example.org/refer"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


def test_directory_and_audience_cards_show_the_same_facts(root: Path) -> None:
    pages = check(root, TODAY).pages
    for name in ("services/index.md", "audiences/parents.md"):
        shown = text(pages[name])
        assert "Talk to a therapist by phone." in shown  # first sentence as the one line
        assert "Ask anything" not in shown
        assert "Therapy for children who stammer, near home." in shown  # its summary
        for fact in (
            "Who for: Parents and carers; ages: ask the service",
            "Areas: Essex",
            "Cost: Ask the service",
            "Refer yourself: Yes",
            "Who for: 2 to 18 years; Parents and carers",
            "Cost: Free",
            "Refer yourself: No",
        ):
            assert fact in shown, (name, fact)


def test_a_service_that_stopped_is_never_called_defunct(root: Path) -> None:
    path = root / "data" / "services.yaml"
    data = yaml.safe_load(path.read_text())
    data["services"][0]["status"] = "defunct"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    pages = check(root, TODAY).pages  # (the open data keeps Open Referral's own word)
    assert "No longer running" in text(pages["services/advice-line.md"])
    assert "no longer running" in text(pages["services/index.md"])
    for name, page in pages.items():
        assert name.endswith(".json") or "defunct" not in text(page).lower(), name


def test_a_service_page_opens_with_its_actions(root: Path) -> None:
    page = text(check(root, TODAY).pages["services/stammering-clinic.md"])
    actions = page.index("Email stammering@example.org")
    assert actions < page.index("Therapy for children who stammer")  # before the description
    assert "Visit the website of Stammering clinic" in page
    assert "Referral form: the referral form for Stammering clinic" in page
    assert "https://www.example.org/stammering" not in page  # no raw address as link text


def test_status_words_cover_every_status() -> None:
    project = check(MINIMAL, TODAY).project
    words = {
        status: build_model(project, TODAY).services[0].model_copy(update={"status": status})
        for status in ("active", "inactive", "temporarily closed", "defunct")
    }
    assert [s.status_words for s in words.values()] == [
        None,
        "Not running at the moment",
        "Closed for now",
        "No longer running",
    ]


def test_families_pages_name_terms_in_plain_words_and_professionals_see_the_terms() -> None:
    from .conftest import ROOT

    pages = check(ROOT, TODAY).pages
    parents = text(pages["audiences/parents-and-carers.md"])
    professionals = text(pages["audiences/professionals.md"])
    assert "Help with talking and understanding; Help for every child" in parents
    assert "Help for every child: You can use it without a referral." in parents
    assert "Help for every child" not in professionals
    assert "Speech and language therapy; Universal" in professionals
    grid = text(pages["balanced-system.md"])
    assert "Universal (Help for every child)" in grid
