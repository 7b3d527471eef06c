from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from formats.datadictionary import Relative, ValidationType, parse_limit, resolve_limit

V = ValidationType
NOW = datetime(2025, 3, 14, 15, 9, 26, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "validation", "value"),
    [
        ("2024-12-31", V.DATE_DMY, date(2024, 12, 31)),
        ("31-12-2024", V.DATE_DMY, date(2024, 12, 31)),
        ("12-31-2024", V.DATE_MDY, date(2024, 12, 31)),
        ("2024-12-31 23:59", V.DATETIME_MDY, datetime(2024, 12, 31, 23, 59)),  # noqa: DTZ001
        ("31-12-2024 23:59:58", V.DATETIME_SECONDS_DMY, datetime(2024, 12, 31, 23, 59, 58)),  # noqa: DTZ001
        ("07:30", V.TIME, time(7, 30)),
        ("-5", V.INTEGER, Decimal(-5)),
        ("2.25", V.NUMBER_2DP, Decimal("2.25")),
        ("today", V.DATE_YMD, Relative.TODAY),
        ("now", V.DATETIME_SECONDS_YMD, Relative.NOW),
    ],
)
def test_it_reads_each_validation_types_limits(text, validation, value):
    assert parse_limit(text, validation) == value


def test_a_date_in_the_wrong_display_order_is_refused():
    with pytest.raises(ValueError, match="not a real date or time read as MM-DD-YYYY"):
        parse_limit("31-12-2024", V.DATE_MDY)


def test_validations_without_a_range_have_no_limits():
    with pytest.raises(ValueError, match="phone has no minimum or maximum"):
        parse_limit("1", V.PHONE)


def test_today_and_now_resolve_to_the_moment_given():
    assert resolve_limit(Relative.TODAY, V.DATE_DMY, now=NOW) == date(2025, 3, 14)
    assert resolve_limit(Relative.NOW, V.DATE_DMY, now=NOW) == date(2025, 3, 14)
    assert resolve_limit(Relative.TODAY, V.DATETIME_YMD, now=NOW) == datetime(2025, 3, 14)  # noqa: DTZ001
    assert resolve_limit(Relative.NOW, V.DATETIME_SECONDS_YMD, now=NOW) == datetime(  # noqa: DTZ001
        2025, 3, 14, 15, 9, 26
    )


def test_fixed_limits_resolve_to_themselves():
    assert resolve_limit(Decimal(3), V.INTEGER, now=NOW) == Decimal(3)
