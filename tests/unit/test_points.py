"""Points as people write them (`twitchlearn.scoring.format_points`, `points_text`): whole
numbers plainly, a part-point with one decimal that never reads as a whole number."""

from __future__ import annotations

import math
import re
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twitchlearn.scoring import format_points, points_text

ONE_DECIMAL = re.compile(r"^\d+\.[1-9]$")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (0.0, "0"),
        (2, "2"),
        (3.0, "3"),
        (2.33333, "2.3"),
        (7 / 3, "2.3"),
        (2 / 3, "0.7"),
        (0.5, "0.5"),
        (1 / 3 + 1 / 3 + 1 / 3, "1"),
        (0.1 + 0.2, "0.3"),
        (2.96, "2.9"),  # not "3.0": that reads as full marks
        (0.04, "0.1"),  # not "0": something was right
        (92.0, "92"),
    ],
)
def test_examples(value: float, text: str) -> None:
    assert format_points(value) == text


@pytest.mark.parametrize(
    ("score", "out_of", "text"),
    [
        (2, 3, "2 of 3 points"),
        (7 / 3, 3, "2.3 of 3 points"),
        (0.5, 1, "0.5 of 1 point"),
        (1, 1, "1 of 1 point"),
        (0, 92, "0 of 92 points"),
    ],
)
def test_points_text(score: float, out_of: float, text: str) -> None:
    assert points_text(score, out_of) == text


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_not_a_number_is_refused(value: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        format_points(value)


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_numbers_have_no_decimals(n: int) -> None:
    assert format_points(n) == str(n)
    assert format_points(float(n)) == str(n)


@given(
    st.lists(st.fractions(min_value=0, max_value=1, max_denominator=12), min_size=1, max_size=100)
)
def test_a_sum_of_part_points_that_is_whole_is_written_whole(parts: list[Fraction]) -> None:
    total = sum(parts, Fraction(0))
    text = format_points(sum(float(p) for p in parts))  # floating point, as grades add up
    if total.denominator == 1:
        assert text == str(total.numerator)
    else:
        assert ONE_DECIMAL.match(text), text
        assert int(text.split(".")[0]) == math.floor(total)


part_points = st.floats(min_value=0, max_value=10**6, allow_nan=False).filter(
    lambda x: abs(x - round(x)) > 1e-6
)


@given(part_points)
def test_a_part_point_has_one_decimal_and_never_looks_whole(value: float) -> None:
    text = format_points(value)
    assert ONE_DECIMAL.match(text), text
    assert int(text.split(".")[0]) == math.floor(value)  # 2.96 is never "3.0" or "3"
    assert abs(float(text) - value) <= 0.1 + 1e-9


@given(part_points)
def test_a_part_point_is_the_nearest_tenth_unless_that_looks_whole(value: float) -> None:
    nearest = round(value * 10) / 10
    if nearest != math.floor(value) and nearest != math.floor(value) + 1:
        assert math.isclose(float(format_points(value)), nearest, abs_tol=1e-9)


@given(
    st.floats(min_value=0, max_value=10**6, allow_nan=False),
    st.floats(min_value=0, max_value=10**6, allow_nan=False),
)
def test_more_points_never_read_as_fewer(a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert float(format_points(low)) <= float(format_points(high))


@given(st.floats(min_value=0, max_value=10**6, allow_nan=False))
def test_negative_points_mirror_positive_ones(value: float) -> None:
    text = format_points(value)
    assert format_points(-value) == (text if text == "0" else "-" + text)
