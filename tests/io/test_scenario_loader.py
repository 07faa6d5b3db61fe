import pytest

from lineup.errors import RosterError, ScenarioError
from lineup.io.scenario import load_scenario, read_spec, scenario_json_schema

from ..conftest import TINY_SCENARIO, write_case


def _problems(exc) -> str:
    return "\n".join([exc.message, *exc.problems])


def test_loads_tiny_scenario(tiny_case):
    sc = load_scenario(tiny_case)
    assert sc.name == "Tiny test campaign"
    assert sc.roster.n == 6
    assert sc.roster.er_estimated.tolist() == [False, False, True, False, False, False]
    assert sc.roster.fee_estimated.tolist() == [False, False, False, False, True, False]
    assert sc.spec.niches["skincare"].target == 2


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_malformed_yaml_is_located(tmp_path):
    path = write_case(tmp_path, "name: x\nbudget: [1\n")
    with pytest.raises(ScenarioError, match=r"line \d+, column \d+: invalid YAML"):
        load_scenario(path)


def test_not_a_mapping(tmp_path):
    path = write_case(tmp_path, "- just\n- a list\n")
    with pytest.raises(ScenarioError, match="expected a mapping"):
        load_scenario(path)


def test_every_problem_reported_at_once_with_lines(tmp_path):
    text = TINY_SCENARIO.replace("budget: 6000", "budget: -5\nbudjet: 3").replace(
        "coverage: 500", "coverage: lots"
    )
    path = write_case(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = _problems(info.value)
    assert "line 3, field 'budget': input should be greater than 0, got -5" in text
    assert "line 4, field 'budjet': unknown key 'budjet' (did you mean 'budget'?)" in text
    assert "field 'objective.coverage'" in text and "'lots'" in text
    assert len(info.value.problems) == 3


def test_nested_unknown_key_hint(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + "  tiers: {micro: {minimum: 3}, macr: {max: 1}}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = _problems(info.value)
    assert "unknown key 'minimum' (did you mean 'min'?)" in text
    assert "did you mean 'macro'?" in text


def test_duplicate_key_rejected(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + "budget: 7000\n")
    with pytest.raises(ScenarioError, match="duplicate key"):
        load_scenario(path)


def test_unknown_niche_and_id_checked_against_roster(tmp_path):
    text = TINY_SCENARIO + "  include: [alcie]\n" + "  exclude: [bob]\n"
    text = text.replace("vegan: {weight: 1}", "vegann: {weight: 1}")
    path = write_case(tmp_path, text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = _problems(info.value)
    assert "niche 'vegann' is not in the roster (did you mean 'vegan'?)" in text
    assert "id 'alcie' is not in the roster (did you mean 'alice'?)" in text
    assert "line 10, field 'niches.vegann'" in text


def test_missing_roster_file_is_a_roster_error(tmp_path):
    path = write_case(tmp_path)
    (tmp_path / "roster.csv").unlink()
    with pytest.raises(RosterError, match="roster.csv"):
        load_scenario(path)


def test_with_overrides_revalidates(tiny_case):
    sc = load_scenario(tiny_case)
    assert sc.with_overrides(budget=9000).budget == 9000
    assert sc.with_overrides(constraints__influencers__max=3).spec.constraints.influencers.max == 3
    with pytest.raises(Exception):
        sc.with_overrides(budget=-1)


def test_json_schema_documents_units():
    schema = scenario_json_schema()
    assert "budget" in schema["required"]
    assert "currency" in schema["properties"]["budget"]["description"]
    assert schema["additionalProperties"] is False


def test_read_spec_without_roster(tiny_case):
    spec, lines = read_spec(tiny_case)
    assert spec.budget == 6000
    assert lines[("budget",)] == 3
