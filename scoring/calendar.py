"""Working days for England and Wales: weekdays that are not bank holidays."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from scoring.settings import RuleSettings, resolve


def as_date(d) -> date:
    """Reduce a datetime or pandas Timestamp to its calendar date; dates pass through."""
    if isinstance(d, datetime):
        return d.date()
    return d


@lru_cache(maxsize=256)
def _bank_holidays(region: str, year: int) -> frozenset:
    """Bank holidays for one year, from the offline 'holidays' package (no network on police systems)."""
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year).keys())


def bank_holidays(year: int, settings: RuleSettings | None = None) -> frozenset:
    """The set of bank-holiday dates in a year for the configured region."""
    return _bank_holidays(resolve(settings).bank_holiday_region, year)


def is_working_day(d: date, settings: RuleSettings | None = None) -> bool:
    """True for Monday to Friday outside England and Wales bank holidays."""
    d = as_date(d)
    if d.weekday() >= 5:
        return False
    return d not in bank_holidays(d.year, settings)


def add_working_days(start: date, n: int, settings: RuleSettings | None = None) -> date:
    """The date n working days after start (start itself not counted); negative n counts back."""
    d = as_date(start)
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if is_working_day(d, settings):
            remaining -= 1
    return d


def working_days_between(start: date, end: date, settings: RuleSettings | None = None) -> int:
    """Working days after start up to and including end (0 when end <= start)."""
    start, end = as_date(start), as_date(end)
    count = 0
    d = start
    while d < end:
        d += timedelta(days=1)
        count += is_working_day(d, settings)
    return count


def first_working_day(year: int, month: int, settings: RuleSettings | None = None) -> date:
    """The month's first working day: its first weekday that is not a bank holiday."""
    d = date(year, month, 1)
    while not is_working_day(d, settings):
        d += timedelta(days=1)
    return d
