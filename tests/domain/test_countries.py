"""Country matching: codes, names and aliases name one country (pycountry + a small alias list)."""

from __future__ import annotations

import pytest

from lineup.domain import Roster, Scenario, ScenarioSpec
from lineup.domain.countries import country_code, country_mask, unknown_countries
from lineup.domain.scenario import check_against_roster
from lineup.optimize.rules import candidates


@pytest.mark.parametrize("text", ["us", "US", "USA", "usa", "United States", "united states", "U.S.", "U.S.A",
                                  "U.S.A.", "u.s.", "United States of America", " America "])
def test_every_spelling_of_the_united_states(text):
    assert country_code(text) == "US"


@pytest.mark.parametrize("text", ["GB", "gbr", "UK", "U.K.", "United Kingdom", "Great Britain", "Britain",
                                  "England", "Scotland", "Wales", "Northern Ireland"])
def test_every_spelling_of_the_united_kingdom(text):
    assert country_code(text) == "GB"


@pytest.mark.parametrize("text, code", [("NA", "NA"), ("na", "NA"), ("Namibia", "NA"), ("Türkiye", "TR"),
                                        ("Turkey", "TR"), ("Russia", "RU"), ("South Korea", "KR"),
                                        ("Cote d'Ivoire", "CI"), ("Viet Nam", "VN"), ("Vietnam", "VN"),
                                        ("DE", "DE"), ("Germany", "DE"), ("fra", "FR")])
def test_codes_names_and_aliases(text, code):
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["", "   ", "Worldwide", "LATAM", "Mars", "u s s r"])
def test_values_that_name_no_country(text):
    assert country_code(text) is None


def test_mask_matches_by_country_and_unknown_values_literally():
    cells = ["united states", "u.s.a", "us", "usa", "canada", "", "worldwide", "na"]
    assert country_mask(cells, ["United States"]).tolist() == [True] * 4 + [False] * 4
    assert country_mask(cells, ["Worldwide", "Namibia"]).tolist() == [False] * 6 + [True, True]


def test_unknown_countries_are_counted():
    assert unknown_countries(["us", "mars", "mars", "", "worldwide"]) == {"mars": 2, "worldwide": 1}


def _scenario(constraints, countries, niches=None):
    n = len(countries)
    r = Roster.from_columns(ids=[f"i{k}" for k in range(n)], followers=[5_000] * n, engagement_rate=[0.03] * n,
                            fee=[100] * n, country=countries, niches=niches)
    spec = ScenarioSpec.model_validate({"name": "x", "budget": 10_000, "roster": "r.csv", "constraints": constraints})
    return Scenario(spec, r)


def test_filter_us_keeps_the_united_states_however_spelt():
    sc = _scenario({"countries": ["us"]}, ["United States", "U.S.A", "USA", "Canada", ""])
    cand = candidates(sc)
    assert cand.mask.tolist() == [True, True, True, False, False]
    assert cand.removed == {"constraints.countries": 2}


def test_a_filter_value_naming_nothing_is_located_with_a_hint():
    sc = _scenario({"countries": ["Untied States"]}, ["united states", "canada"])
    [(loc, msg)] = check_against_roster(sc.spec, sc.roster)
    assert loc == ("constraints", "countries", 0)
    assert "names no country" in msg and "did you mean 'united states'" in msg


def test_a_filter_value_held_by_the_roster_is_allowed_as_written():
    sc = _scenario({"countries": ["Worldwide"]}, ["worldwide", "us"])
    assert check_against_roster(sc.spec, sc.roster) == []
    assert candidates(sc).mask.tolist() == [True, False]
