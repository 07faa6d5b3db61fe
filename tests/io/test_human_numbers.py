"""Human numbers: every accepted form, every missing token, garbage flagged."""

import math

import numpy as np
import pandas as pd
import pytest

from lineup.io.human_numbers import MISSING_TOKENS, explain_bad, parse_numbers

PLAIN = [
    ("1234", 1234.0), (" 7 ", 7.0), ("12.5K", 12_500.0), ("12.5k", 12_500.0), ("1.2M", 1_200_000.0),
    ("3.4b", 3.4e9), ("2bn", 2e9), ("1.5 k", 1_500.0), ("1,234", 1234.0), ("1,234,567", 1_234_567.0),
    ("1,234.5k", 1_234_500.0), ("$1,200", 1200.0), ("£300", 300.0), ("€ 3", 3.0), ("-5", -5.0),
    ("$-5", -5.0), ("1e3", 1000.0), ("2.28E+11", 2.28e11), (".5", 0.5),
]
GARBAGE = ["12x", "abc", "1,2", "12,34,567", "1.234.5", ",123", "1,,234", "inf", "5kk", "--5", "k5", "5n", "45%", "x" * 80]
PERCENT = [("3.4%", 0.034), ("3.4", 0.034), ("0.034", 0.034), ("1", 1.0), ("85", 0.85), ("3.4 %", 0.034),
           ("150%", 1.5), ("0%", 0.0)]


@pytest.mark.parametrize("text, expected", PLAIN)
def test_plain_forms(text, expected):
    values, bad = parse_numbers(pd.Series([text, "1"]))
    assert values[0] == pytest.approx(expected) and not bad[0]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_flagged(text):
    values, bad = parse_numbers(pd.Series([text, "1,234,567"]))  # an English column
    assert bad.tolist() == [True, False] and math.isnan(values[0])


@pytest.mark.parametrize("text", sorted(MISSING_TOKENS) + ["N/A", "NA", "NaN", "NaN%", "None", "NULL", None, np.nan])
def test_missing_tokens_are_missing_not_bad(text):
    values, bad = parse_numbers(pd.Series([text, "3"], dtype=object))
    assert math.isnan(values[0]) and not bad[0]


@pytest.mark.parametrize("text, expected", PERCENT)
def test_percent_mode(text, expected):
    values, bad = parse_numbers(pd.Series([text, "2%"]), percent=True)
    assert values[0] == pytest.approx(expected) and not bad[0]


def test_percent_mode_rejects_suffixes_and_plain_mode_rejects_percent():
    assert parse_numbers(pd.Series(["1k", "2"]), percent=True)[1].tolist() == [True, False]
    assert parse_numbers(pd.Series(["3%", "2"]))[1].tolist() == [True, False]


def test_numeric_series_pass_through_with_percent_rule():
    values, bad = parse_numbers(pd.Series([3.4, 0.5, np.nan, np.inf]), percent=True)
    assert values[:2].tolist() == pytest.approx([0.034, 0.5])
    assert math.isnan(values[2]) and bad.tolist() == [False, False, False, True]


def test_repeated_values_parse_like_distinct_ones():
    cells = ["12.5K", "N/A", "abc", "$1,200"] * 50
    values, bad = parse_numbers(pd.Series(cells))
    single = [parse_numbers(pd.Series([c, "1", "2"]))[0][0] for c in cells[:4]]
    np.testing.assert_array_equal(values[:4], single)
    assert bad.sum() == 50


def test_empty_series():
    values, bad = parse_numbers(pd.Series([], dtype=object))
    assert values.shape == bad.shape == (0,)


EUROPEAN = [("€1.200", 1200.0), ("1.250.000", 1_250_000.0), ("1.234,5", 1234.5), ("12,5K", 12_500.0),
            ("3,4", 3.4), ("950", 950.0), ("-2,5", -2.5), ("1.200", 1200.0)]


@pytest.mark.parametrize("text, expected", EUROPEAN)
def test_european_column_is_read_the_european_way(text, expected):
    values, bad = parse_numbers(pd.Series([text, "1.234.567"]))  # only European
    assert values[0] == pytest.approx(expected) and not bad.any()


def test_european_percentages():
    values, bad = parse_numbers(pd.Series(["3,4%", "0,034", "85", "12,5 %"]), percent=True)
    assert values == pytest.approx([0.034, 0.034, 0.85, 0.125]) and not bad.any()


@pytest.mark.parametrize("column", [["1.200", "950"], ["€1.200", "€1,500"], ["2.500", "3.000", "1,234"]])
def test_a_dot_and_three_digits_without_evidence_is_flagged_not_guessed(column):
    values, bad = parse_numbers(pd.Series(column))
    assert bad[0] and math.isnan(values[0]) and "ambiguous" in explain_bad(column[0])


@pytest.mark.parametrize("column, expected", [(["1.200", "12.5"], 1.2), (["1.200", "1,234.5"], 1.2),
                                              (["0.034", "0.5"], 0.034)])
def test_english_evidence_settles_the_dot(column, expected):
    values, bad = parse_numbers(pd.Series(column))
    assert values[0] == pytest.approx(expected) and not bad.any()


def test_mixed_conventions_flag_the_cells_that_do_not_fit():
    values, bad = parse_numbers(pd.Series(["1.234,5", "12.5", "1,234"]))
    assert bad.tolist() == [True, False, False] and values[1:].tolist() == [12.5, 1234.0]


def test_percentage_columns_keep_three_decimals():
    values, bad = parse_numbers(pd.Series(["1.250", "0.034"]), percent=True)
    assert values == pytest.approx([0.0125, 0.034]) and not bad.any()


@pytest.mark.parametrize("column, expected", [(["1.234M", "500K"], [1_234_000, 500_000]),
                                              (["12.345K", "2K"], [12_345, 2_000]),
                                              (["1.2e3", "1,5"], [1200, 1.5])])
def test_suffixes_and_exponents_are_not_separator_evidence(column, expected):
    values, bad = parse_numbers(pd.Series(column))
    assert values.tolist() == pytest.approx(expected) and not bad.any()


def test_in_a_european_column_a_comma_and_three_digits_is_flagged_not_guessed():
    values, bad = parse_numbers(pd.Series(["1,000", "2,000", "3,5"]))
    assert bad.tolist() == [True, True, False] and values[2] == 3.5
    assert "ambiguous number '1,000': the comma" in explain_bad("1,000")


def test_numbers_already_typed_in_a_text_column_are_taken_as_they_are():
    values, bad = parse_numbers(pd.Series([12.345, "n/a", 3, "1.5K"], dtype=object))
    assert values[[0, 2, 3]].tolist() == [12.345, 3.0, 1500.0] and np.isnan(values[1]) and not bad.any()


def test_a_european_cell_in_an_english_column_is_explained():
    assert "written the European way (1234.5)" in explain_bad("1.234,5")
