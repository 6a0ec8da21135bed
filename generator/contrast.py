"""Colour contrast as WCAG 2.x measures it: the brand's colours are checked with it.

``ratio`` is WCAG 2.2's contrast ratio (relative luminance of sRGB colours, "1.4.3
Contrast (Minimum)" and "1.4.11 Non-text Contrast"), for colours written ``#rrggbb``.
WCAG compares the ratio itself with a threshold, unrounded (4.499:1 fails 4.5:1), so a
message words a ratio with ``worded``, which never rounds up: a colour that fails is never
said to reach the figure it needs.
"""

from __future__ import annotations

import math
import re

#: A colour as the data gives it: ``#`` and six hex digits, in either case.
HEX = re.compile(r"#[0-9A-Fa-f]{6}")

WHITE = "#ffffff"


def _channel(byte: int) -> float:
    """One sRGB channel (0 to 255) in linear light, as WCAG 2.x's definition gives it."""
    value = byte / 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """The relative luminance of ``#rrggbb``: 0 for black, 1 for white."""
    if not HEX.fullmatch(colour):
        raise ValueError(f"{colour!r} is not a colour written as # and six hex digits")
    red, green, blue = (_channel(int(colour[i : i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def ratio(a: str, b: str) -> float:
    """The contrast ratio of two ``#rrggbb`` colours, from 1 (the same) to 21 (black and
    white), in either order."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def worded(value: float) -> str:
    """A ratio as a message gives it, cut (never rounded up) to one decimal: 4.49 is
    ``4.4:1``, so a ratio below a threshold never reads as reaching it."""
    tenths = math.floor(value * 10)
    return f"{tenths // 10}.{tenths % 10}:1"
