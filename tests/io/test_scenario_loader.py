import errno
import os
import time
import traceback

import numpy as np
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


# --------------------------------------------------------------------------- YAML 1.2 numbers


@pytest.mark.parametrize("written, budget", [("025000", 25000), ("1e4", 10000.0), ("0x1F4", 500), ("+7.5", 7.5)])
def test_numbers_follow_yaml_1_2(tmp_path, written, budget):
    # YAML 1.1 read 025000 as octal (10,752) and 1e4 as a string
    spec, _ = read_spec(write_case(tmp_path, TINY_SCENARIO.replace("budget: 6000", f"budget: {written}")))
    assert spec.budget == budget


@pytest.mark.parametrize("written", ["25:00", "1_000", "0b101", "0o19"])
def test_yaml_1_1_only_numbers_are_located_type_errors(tmp_path, written):
    # YAML 1.1 read 25:00 as base 60 (1,500): now a string, rejected by the strict schema
    with pytest.raises(ScenarioError) as info:
        read_spec(write_case(tmp_path, TINY_SCENARIO.replace("budget: 6000", f"budget: {written}")))
    assert f"line 3, field 'budget': input should be a valid number, got '{written}'" in _problems(info.value)


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "y", "n"])
def test_yaml_1_1_booleans_are_strings(tmp_path, word):
    text = TINY_SCENARIO + f"simulation:\n  network: {{path: g.csv, directed: {word}}}\n"
    with pytest.raises(ScenarioError) as info:
        read_spec(write_case(tmp_path, text))
    assert f"field 'simulation.network.directed': input should be a valid boolean, got '{word}'" in \
        _problems(info.value)
    spec, _ = read_spec(write_case(tmp_path, text.replace(f"directed: {word}", "directed: True")))
    assert spec.simulation.network.directed is True


@pytest.mark.parametrize("value", ["!!int x", "!!float 1:30", "!!bool yes", "!!timestamp 2024-13-45", "1" * 5000])
def test_explicitly_tagged_garbage_is_invalid_yaml_with_a_line(tmp_path, value):
    with pytest.raises(ScenarioError, match=r"line 3, column 9: invalid YAML: "):
        read_spec(write_case(tmp_path, TINY_SCENARIO.replace("budget: 6000", f"budget: {value}")))


def test_billion_laughs_is_refused_quickly(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * 9)}]" for k in range(1, 10)]
    text = TINY_SCENARIO + "\n".join(lines) + "\nniches_too: *a9\n"
    start = time.perf_counter()
    with pytest.raises(ScenarioError) as info:
        read_spec(write_case(tmp_path, text))
    assert "unknown key 'a9'" in _problems(info.value)
    traceback.format_exception(info.value)  # what --debug prints: no 9**10-item repr in it
    assert time.perf_counter() - start < 5


def test_keys_that_look_like_pydantic_tags_are_located(tmp_path):
    with pytest.raises(ScenarioError) as info:  # was an IndexError
        read_spec(write_case(tmp_path, TINY_SCENARIO + "str: 1\nlist[x]: 2\n"))
    text = _problems(info.value)
    assert "line 14, field 'str': unknown key 'str'" in text and "line 15, field 'list[x]'" in text


# --------------------------------------------------------------------------- the files themselves


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_fifo_scenario_is_refused(tmp_path):
    os.mkfifo(tmp_path / "s.yaml")
    with pytest.raises(ScenarioError, match=r"s.yaml: is a named pipe \(FIFO\)"):
        load_scenario(tmp_path / "s.yaml")


def test_symlink_loop_scenario_is_a_scenario_error(tmp_path):
    (tmp_path / "s.yaml").symlink_to(tmp_path / "s.yaml")
    with pytest.raises(ScenarioError, match="symlink loop"):
        load_scenario(tmp_path / "s.yaml")


@pytest.mark.parametrize("target", ["loop", "dir", "fifo"])
def test_unusable_overlap_file_is_a_roster_error(tmp_path, target):
    path = write_case(tmp_path, TINY_SCENARIO + "overlap: {path: ov.csv}\n")
    ov = tmp_path / "ov.csv"
    if target == "loop":
        ov.symlink_to(ov)  # Path.resolve() raised RuntimeError on this before any read
    elif target == "dir":
        ov.mkdir()
    else:
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes here")
        os.mkfifo(ov)
    with pytest.raises(RosterError, match="ov.csv: (cannot open|is a)"):
        load_scenario(path)


def test_unreadable_overlap_file_is_a_roster_error(tmp_path, monkeypatch):
    # root ignores file modes, so make the open fail as chmod 000 would for a user
    from lineup.io import files

    path = write_case(tmp_path, TINY_SCENARIO + "overlap: {path: ov.csv}\n")
    (tmp_path / "ov.csv").write_text("id_a,id_b,shared\nalice,bob,10\n")
    real_open = os.open

    def deny(file, *args, **kwargs):
        if str(file).endswith("ov.csv"):
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(files.os, "open", deny)
    with pytest.raises(RosterError, match="ov.csv: cannot read the overlap file: permission denied"):
        load_scenario(path)


def test_unknown_home_in_a_path_is_not_found(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + "overlap: {path: ~no-such-user-xyz/ov.csv}\n")
    with pytest.raises(RosterError, match="overlap file not found"):
        load_scenario(path)


def test_control_characters_in_keys_are_escaped(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + '"\\e[31mbudget": 5\n')
    with pytest.raises(ScenarioError) as info:
        read_spec(path)
    text = _problems(info.value)
    assert "\x1b" not in text and "field '\\x1b[31mbudget'" in text


# ------------------------------------------------------------------ rate cards and plausibility (issue 8)

def test_rate_card_override_fills_blank_fees(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO + "priors:\n  rate_card: {YouTube: {mega: [30000, 30000]}}\n")
    sc = load_scenario(path)
    erin = sc.roster.index_of("erin")
    assert sc.roster.fee_estimated[erin] and sc.roster.fee[erin] == 30_000.0


def test_rate_card_uses_the_scenario_tiers(tmp_path):
    # with mega starting at 2M, erin (1.1M, YouTube) is macro, which spans 100k–2M for 10k–20k per video:
    # 1.1M lies log(11) / log(20) of the way up
    path = write_case(tmp_path, TINY_SCENARIO + "tiers: {macro: 2000000}\n")
    assert load_scenario(path).roster.fee[4] == pytest.approx(10_000 * 2 ** (np.log10(11) / np.log10(20)))


@pytest.mark.parametrize("card, message", [
    ("{instagram: {micr: [1, 2]}}", "field 'priors.rate_card.instagram.micr'"),
    ("{instagram: {micro: [500, 100]}}", "instagram.micro: the low price 500 is above the high price 100"),
    ("{instagram: {micro: [0, 100]}}", "greater than 0"),
    ("{instagram: {micro: [100]}}", "at least 2 items"),
    ("{instagram: {micro: [100, 200, 300]}}", "at most 2 items"),
    ("{instagram: {micro: ['100', 500]}}", "valid number"),
    ("{instagram: {micro: 300}}", "valid list"),
    ("{instagram: {micro: [.inf, .inf]}}", "finite number"),
])
def test_rate_card_is_validated_strictly(tmp_path, card, message):
    path = write_case(tmp_path, TINY_SCENARIO + f"priors:\n  rate_card: {card}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert message in _problems(info.value) and "line 15" in _problems(info.value)


def test_implausible_mode_is_validated(tmp_path):
    path = write_case(tmp_path, TINY_SCENARIO.replace("roster: roster.csv",
                                                      "roster: {path: roster.csv, implausible: drop}"))
    with pytest.raises(ScenarioError, match="roster.implausible"):
        load_scenario(path)


def test_rate_card_survives_overrides(tmp_path):
    sc = load_scenario(write_case(tmp_path, TINY_SCENARIO + "priors:\n  rate_card: {YouTube: {mega: [30000, 40000]}}\n"))
    again = sc.with_overrides(budget=7000)
    assert again.spec.priors.rate_card == {"youtube": {"mega": [30000.0, 40000.0]}} and again.budget == 7000
