"""Which day the site is built for: dates decide open surveys, stages and overdue reviews.

``LOCAL_OFFER_TODAY=YYYY-MM-DD`` pins it, so two builds of the same inputs are identical
and tests do not change meaning as the calendar moves on.
"""

from __future__ import annotations

import os
from datetime import date

from .errors import DataError, Problem


def today_from_env() -> date:
    value = os.environ.get("LOCAL_OFFER_TODAY", "").strip()
    if not value:
        return date.today()
    try:
        return day_of(value)
    except ValueError as exc:
        raise DataError([Problem("LOCAL_OFFER_TODAY", 1, "", str(exc))]) from None


def day_of(value: str) -> date:
    """A day the builders can use (``--today`` or ``LOCAL_OFFER_TODAY``): a real date from
    1970 to 2100, or ``ValueError`` saying why not."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{value}' is not a date written as YYYY-MM-DD") from None
    if not date(1970, 1, 1) <= day <= date(2100, 12, 31):
        raise ValueError(f"{value} is not between 1970 and 2100")
    return day
