"""Working days: weekends and England and Wales bank holidays, checked by hand against 2026."""

from datetime import date

import holidays
import pytest

from scoring.calendar import add_working_days, is_working_day, working_days_between
from scoring.deadlines import victim_contact_due


def test_holidays_package_has_the_2026_dates_offline():
    h = holidays.country_holidays("GB", subdiv="ENG", years=2026)
    for d in [date(2026, 4, 3), date(2026, 4, 6), date(2026, 12, 25), date(2026, 12, 28),
              date(2026, 5, 25), date(2026, 8, 31)]:
        assert d in h


@pytest.mark.parametrize("d, expected", [
    (date(2026, 3, 9), True),     # Monday
    (date(2026, 3, 7), False),    # Saturday
    (date(2026, 3, 8), False),    # Sunday
    (date(2026, 4, 3), False),    # Good Friday
    (date(2026, 4, 6), False),    # Easter Monday
    (date(2026, 12, 28), False),  # Boxing Day substitute (26th is a Saturday)
    (date(2026, 12, 29), True),
])
def test_is_working_day(d, expected):
    assert is_working_day(d) is expected


@pytest.mark.parametrize("start, n, expected", [
    (date(2026, 3, 9), 5, date(2026, 3, 16)),    # plain week
    (date(2026, 3, 6), 1, date(2026, 3, 9)),     # Friday -> Monday
    (date(2026, 5, 22), 1, date(2026, 5, 26)),   # Friday before spring bank holiday -> Tuesday
    (date(2026, 8, 28), 1, date(2026, 9, 1)),    # Friday before late summer bank holiday
    (date(2026, 3, 7), 1, date(2026, 3, 9)),     # Saturday event -> Monday
    (date(2026, 12, 24), 1, date(2026, 12, 29)),  # Christmas, Saturday Boxing Day, substitute Monday
    (date(2026, 12, 24), 5, date(2027, 1, 5)),   # ... and New Year's Day Friday inside the window
    (date(2026, 4, 2), 1, date(2026, 4, 7)),     # Maundy Thursday over Easter
    (date(2026, 4, 2), 5, date(2026, 4, 13)),
    (date(2026, 3, 9), 0, date(2026, 3, 9)),
    (date(2026, 3, 16), -5, date(2026, 3, 9)),
])
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


def test_victim_contact_due_standard_and_enhanced():
    assert victim_contact_due(date(2026, 12, 24), enhanced=False) == date(2027, 1, 5)
    assert victim_contact_due(date(2026, 12, 24), enhanced=True) == date(2026, 12, 29)
    assert victim_contact_due(date(2026, 3, 6), enhanced=True) == date(2026, 3, 9)


def test_working_days_between():
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 5)) == 5
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0


def test_first_working_day_of_a_month_skips_weekends_and_bank_holidays():
    from scoring.calendar import first_working_day

    assert first_working_day(2027, 1) == date(2027, 1, 4)  # New Year's Day a Friday, then the weekend
    assert first_working_day(2026, 12) == date(2026, 12, 1)
    assert first_working_day(2026, 11) == date(2026, 11, 2)  # 1 November 2026 is a Sunday
