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
        day = date.fromisoformat(value)
    except ValueError:
        msg = f"'{value}' is not a date written as YYYY-MM-DD"
        raise DataError([Problem("LOCAL_OFFER_TODAY", 1, "", msg)]) from None
    if not date(1970, 1, 1) <= day <= date(2100, 12, 31):
        msg = f"{value} is not between 1970 and 2100"
        raise DataError([Problem("LOCAL_OFFER_TODAY", 1, "", msg)])
    return day
