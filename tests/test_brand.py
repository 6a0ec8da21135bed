"""The area's brand, from data/site.yaml: colours that white text and the white page stand
out against (WCAG 2.2 AA), logos that are small raster pictures in content/ (never an SVG,
which a browser would run); and an area without a brand gets the neutral default."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from generator import contrast, models
from generator.validate import load_project

from .conftest import MINIMAL, ROOT, problems, write_project

SITE = (MINIMAL / "data" / "site.yaml").read_text(encoding="utf-8")


def wcag_ratio(a: str, b: str) -> float:
    """WCAG 2.2's contrast ratio, written out afresh from its definition (not the
    generator's): relative luminance of sRGB, then (L1 + 0.05) / (L2 + 0.05)."""

    def luminance(colour: str) -> float:
        def linear(part: str) -> float:
            c = int(part, 16) / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = linear(colour[1:3]), linear(colour[3:5]), linear(colour[5:7])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = max(luminance(a), luminance(b)), min(luminance(a), luminance(b))
    return (high + 0.05) / (low + 0.05)


def cut(value: float) -> str:
    """A ratio cut to one decimal, as a refusal must give it."""
    return f"{math.floor(value * 10) / 10:.1f}:1"


def branded(brand: str) -> str:
    """The minimal fixture's site.yaml with ``brand`` (lines indented under ``brand:``)."""
    return SITE + "  brand:\n" + "".join(f"    {line}\n" for line in brand.splitlines())


def line_of(text: str, needle: str) -> int:
    """The line of ``text`` (counted from 1) that holds ``needle``, found once."""
    found = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(found) == 1, f"{needle!r} should be on one line"
    return found[0]


# --- the ratio ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#000000", 21.0),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes 4.5:1
        ("#1d70b8", "#FFFFFF", 5.17),  # GOV.UK's link blue
        ("#00546f", "#ffffff", wcag_ratio("#00546f", "#ffffff")),
        ("#abcdef", "#abcdef", 1.0),
    ],
)
def test_the_ratio_is_wcags(a: str, b: str, expected: float) -> None:
    assert contrast.ratio(a, b) == pytest.approx(expected, abs=0.005)


def test_a_ratio_is_worded_cut_never_rounded_up() -> None:
    assert contrast.worded(4.49) == "4.4:1"
    assert contrast.worded(4.4999) == "4.4:1"
    assert contrast.worded(2.999) == "2.9:1"
    assert contrast.worded(4.5) == "4.5:1"
    assert contrast.worded(contrast.ratio("#000000", "#ffffff")) == "21.0:1"


def test_the_defaults_pass_their_own_rules() -> None:
    brand = models.Brand()
    assert (brand.colour, brand.accent) == ("#1f3a5f", "#505a5f")
    assert wcag_ratio(brand.colour, "#ffffff") >= 4.5
    assert wcag_ratio(brand.accent, "#ffffff") >= 3


# --- colours in site.yaml -------------------------------------------------------------------


def test_a_colour_white_text_does_not_stand_out_on_is_refused_at_its_line(
    tmp_path: Path,
) -> None:
    text = branded('colour: "#8fb3d9"')
    found = problems(write_project(tmp_path, site=text))
    measured = cut(wcag_ratio("#8fb3d9", "#ffffff"))
    assert measured == "2.1:1"
    assert found == [
        f"data/site.yaml:{line_of(text, 'colour:')}: site.brand.colour: '#8fb3d9' has a "
        f"contrast of {measured} with white; the header's white text and the links need at "
        "least 4.5:1 (WCAG 2.2 AA)"
    ]


def test_an_accent_the_white_page_hides_is_refused_at_its_line(tmp_path: Path) -> None:
    text = branded('colour: "#00546f"\naccent: "#b1b4b6"')
    found = problems(write_project(tmp_path, site=text))
    measured = cut(wcag_ratio("#b1b4b6", "#ffffff"))
    assert found == [
        f"data/site.yaml:{line_of(text, 'accent:')}: site.brand.accent: '#b1b4b6' has a "
        f"contrast of {measured} with the white page; the menu's current-page marker and "
        "form controls need at least 3:1 (WCAG 2.2 AA)"
    ]


#: Colours found by computation on either side of each threshold, by a hair.
JUST_ENOUGH_TEXT, JUST_SHORT_TEXT = "#ec0640", "#d33980"  # 4.50001:1 and 4.49994:1
JUST_ENOUGH_MARK, JUST_SHORT_MARK = "#739f80", "#00a3c0"  # 3.00003:1 and 2.99999:1


def test_colours_are_held_to_the_threshold_unrounded(tmp_path: Path) -> None:
    assert 4.5 <= wcag_ratio(JUST_ENOUGH_TEXT, "#ffffff") < 4.501
    assert 4.499 < wcag_ratio(JUST_SHORT_TEXT, "#ffffff") < 4.5
    assert 3 <= wcag_ratio(JUST_ENOUGH_MARK, "#ffffff") < 3.001
    assert 2.999 < wcag_ratio(JUST_SHORT_MARK, "#ffffff") < 3

    passes = branded(f'colour: "{JUST_ENOUGH_TEXT}"\naccent: "{JUST_ENOUGH_MARK}"')
    site = load_project(write_project(tmp_path / "passes", site=passes)).site
    assert (site.brand.colour, site.brand.accent) == (JUST_ENOUGH_TEXT, JUST_ENOUGH_MARK)

    fails = branded(f'colour: "{JUST_SHORT_TEXT}"\naccent: "{JUST_SHORT_MARK}"')
    found = problems(write_project(tmp_path / "fails", site=fails))
    assert len(found) == 2
    assert found[0].startswith(f"data/site.yaml:{line_of(fails, 'colour:')}: site.brand.colour:")
    assert "a contrast of 4.4:1 with white" in found[0]  # never "4.5:1", which would pass
    assert found[1].startswith(f"data/site.yaml:{line_of(fails, 'accent:')}: site.brand.accent:")
    assert "a contrast of 2.9:1 with the white page" in found[1]


@pytest.mark.parametrize("written", ["blue", "#12345", "#1234567", "#gg0000", "1d70b8", "#1d7"])
def test_a_colour_not_written_as_six_hex_digits_is_refused(tmp_path: Path, written: str) -> None:
    text = branded(f'colour: "{written}"')
    found = problems(write_project(tmp_path, site=text))
    assert found == [
        f"data/site.yaml:{line_of(text, 'colour:')}: site.brand.colour: '{written}' is not a "
        "colour written as # and six hex digits, such as #1d70b8"
    ]


def test_capitals_are_a_colour_too(tmp_path: Path) -> None:
    site = load_project(write_project(tmp_path, site=branded('colour: "#00546F"'))).site
    assert site.brand.colour == "#00546F"


def test_a_colour_without_quotes_is_explained(tmp_path: Path) -> None:
    text = branded("colour: #00546f")  # YAML reads "# 00546f" as a comment: no value
    found = problems(write_project(tmp_path, site=text))
    assert len(found) == 1
    assert found[0].startswith(f"data/site.yaml:{line_of(text, 'colour:')}: site.brand.colour:")
    assert 'write the colour in quotes, such as "#1d70b8"' in found[0]


# --- the default, and the areas' own ----------------------------------------------------


def test_an_area_without_a_brand_gets_the_neutral_default() -> None:
    site = load_project(MINIMAL).site
    assert site.brand == models.Brand()
    assert site.brand.logos == [] and site.brand.run_by is None
    assert site.brand.main_local_offer is None
    assert site.last_checked is None and site.privacy_url is None


def test_the_sample_has_its_brand() -> None:
    site = load_project(ROOT).site
    assert site.brand.colour == "#00546f"
    assert wcag_ratio(site.brand.accent, "#ffffff") >= 3
    assert site.brand.run_by == (
        "Essex County Council, Southend City Council, Thurrock Council and the NHS"
    )
    assert [logo.alt for logo in site.brand.logos] == ["Balanced System® Therapies Project"]
    assert site.brand.main_local_offer is not None
    assert str(site.last_checked) == "2026-11-20"


def test_the_other_area_has_its_own_brand() -> None:
    site = load_project(ROOT / "tests" / "fixtures" / "other-area").site
    assert (site.brand.colour, site.brand.accent) == ("#5b2a86", "#00703c")
    assert wcag_ratio("#5b2a86", "#ffffff") >= 4.5 and wcag_ratio("#00703c", "#ffffff") >= 3
    assert [logo.alt for logo in site.brand.logos] == ["Northmoor Borough Council"]
    assert site.last_checked is None


def test_the_other_settings_are_read(tmp_path: Path) -> None:
    text = SITE + "  last_checked: 2026-11-20\n  privacy_url: https://www.example.org/privacy\n"
    site = load_project(write_project(tmp_path, site=text)).site
    assert (str(site.last_checked), site.privacy_url) == (
        "2026-11-20",
        "https://www.example.org/privacy",
    )


# --- logos -------------------------------------------------------------------------------

LOGO = "logos:\n  - image: {image}\n    alt: Sample Council\n"
#: A small PNG's signature and a little more: what a logo's bytes start like.
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def with_logo(tmp_path: Path, image: str, data: bytes | None) -> tuple[Path, str]:
    """The minimal project with one logo, ``image``, whose file holds ``data`` (None: no
    file); and its site.yaml."""
    text = branded(LOGO.format(image=image))
    root = write_project(tmp_path, site=text)
    if data is not None:
        path = root / "content" / image
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return root, text


def test_a_logo_is_a_file_of_content(tmp_path: Path) -> None:
    root, _ = with_logo(tmp_path, "images/logo.png", PNG)
    (logo,) = load_project(root).site.brand.logos
    assert (logo.image, logo.alt) == ("images/logo.png", "Sample Council")


def test_a_missing_logo_is_refused_at_its_line(tmp_path: Path) -> None:
    root, text = with_logo(tmp_path, "images/logo.png", None)
    (found,) = problems(root)
    assert found.startswith(f"data/site.yaml:{line_of(text, 'image:')}: site.brand.logos[0].image")
    assert found.endswith(": 'images/logo.png' is not a file in content/")


def test_a_logo_over_30_kb_is_refused_with_its_size(tmp_path: Path) -> None:
    root, text = with_logo(tmp_path, "images/logo.png", PNG + b"\0" * (31 * 1024))
    (found,) = problems(root)
    assert found.startswith(f"data/site.yaml:{line_of(text, 'image:')}: site.brand.logos[0].image")
    assert "'images/logo.png' is 31.2 KB (31,952 bytes)" in found
    assert "at most 30 KB" in found


def test_a_logo_of_30_kb_is_allowed(tmp_path: Path) -> None:
    root, _ = with_logo(tmp_path, "images/logo.png", PNG[:8] + b"\0" * (30 * 1024 - 8))
    assert load_project(root).site.brand.logos


@pytest.mark.parametrize(
    ("image", "says"),
    [
        ("../logo.png", "must be a path inside content/"),
        ("/images/logo.png", "must be a path inside content/"),
        ("images\\\\logo.png", "must be a path inside content/"),
        ("C:/logo.png", "must be a path inside content/"),
        ("images/logo.gif", "use a .png, .jpg or .webp file"),
        ("images/logo.pdf", "use a .png, .jpg or .webp file"),
        ("images/logo.svg", "use a .png, .jpg or .webp file"),
    ],
)
def test_a_logo_must_be_a_picture_inside_content(tmp_path: Path, image: str, says: str) -> None:
    text = branded(LOGO.format(image=f'"{image}"'))
    (found,) = problems(write_project(tmp_path, site=text))
    assert found.startswith(f"data/site.yaml:{line_of(text, 'image:')}: site.brand.logos[0].image")
    assert says in found
