"""The format registry: every kind of result offers every format it has the piece for; Markdown is one entry;
JSON and CSV through the registry are what the commands always printed; user text is escaped for Markdown."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from lineup.cli import app
from lineup.errors import UsageError
from lineup.render.formats import FORMATS, VIEWS, Format, choices, register, render
from lineup.render.table import Table, markdown
from tests.conftest import TINY_ROSTER, TINY_SCENARIO, write_case

SMALL = TINY_SCENARIO + "simulation: {days: 5, replications: 2, seed: 4, population: {size: 800}}\n"


def _rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row (escaped pipes are not separators)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| ") or line.startswith("|:") or line.startswith("| :"):
            rows.append([c for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return rows


def _one_table_per_block(text: str) -> None:
    """Every row of a Markdown table has as many cells as its header."""
    widths = [len(r) for r in _rows(text)]
    assert widths, text
    blocks = re.split(r"\n\n(?=\*\*)", text)
    for block in blocks:
        w = [len(r) for r in _rows(block)]
        assert len(set(w)) <= 1, (block, w)


def test_every_kind_offers_markdown_and_the_pieces_it_has():
    for kind, view in VIEWS.items():
        offered = choices(kind)
        assert offered[0] == "table" and "json" in offered and "markdown" in offered, kind
        assert ("csv" in offered) == view.has("csv"), kind


def test_a_new_format_is_one_registry_entry_and_every_kind_offers_it():
    register(Format("tsv", "tab-separated brief", "brief",
                    lambda piece, result, console, options: "\n".join(
                        "\t".join(row) for t in piece(result, **options) for row in (t.columns, *t.rows)) + "\n"))
    try:
        assert all("tsv" in choices(kind) for kind in VIEWS)
        from lineup.optimize.formulation import tiny_scenario
        from lineup.workflows.talkers import solve

        text = render("solve", "tsv", solve(tiny_scenario()))
        assert text.splitlines()[0].startswith("id\tplatform\ttier")
    finally:
        del FORMATS["tsv"]
    assert not any("tsv" in choices(kind) for kind in VIEWS)


def test_a_format_a_kind_lacks_is_a_usage_error_in_the_argument_name():
    with pytest.raises(UsageError, match=r"^format 'csv' is not available for a calibration; choose from table, json, "
                                         r"markdown$"):
        render("calibration", "csv", object())


def test_json_and_csv_through_the_registry_are_the_documents_of_old():
    from lineup.io.solve_data import solve_to_dict
    from lineup.io.writers import to_json
    from lineup.optimize.formulation import tiny_scenario
    from lineup.render.solve import portfolio_csv
    from lineup.workflows.talkers import solve

    res = solve(tiny_scenario())
    assert render("solve", "json", res) == to_json(solve_to_dict(res))
    assert render("solve", "csv", res) == portfolio_csv(res)


def test_markdown_escapes_user_text_so_no_cell_breaks_its_table():
    hostile = "a|b *c* _d_ [x](http://e) <i>#1\nnext"
    text = markdown([Table(hostile, ("id", hostile), (("<b>", "1"), (hostile, "2,000")), notes=(hostile,))])
    assert "<b>" not in text and "<i>" not in text and "](" not in text.replace("\\](", "")
    assert text.count("\n| ") == 4           # header, rule and two rows: the line break did not split a row
    _one_table_per_block(text)
    assert [r[-1].strip() for r in _rows(text)][-1] == "2,000"


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    roster = TINY_ROSTER.replace("alice,", "al|ice*_x_,")
    return write_case(tmp_path_factory.mktemp("md"), SMALL.replace("Tiny test campaign", "Tiny | *launch*"), roster)


@pytest.mark.parametrize("command", [["solve"], ["simulate"], ["compare", "--strategies", "optimised,micro"],
                                     ["frontier", "--budgets", "3000,6000"]])
def test_every_scenario_command_prints_markdown(case, command):
    res = CliRunner().invoke(app, [command[0], str(case), *command[1:], "--format", "markdown"])
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert out.startswith("**") and "\n| " in out
    if command[0] != "simulate":                         # a simulation's totals do not repeat the scenario's name
        assert "Tiny \\| \\*launch\\*" in out             # the scenario's name, escaped
    _one_table_per_block(out)
    if command[0] == "solve":
        assert "al\\|ice\\*\\_x\\_" in out


def test_calibrate_and_backtest_print_markdown(tmp_path):
    from lineup.io.synthetic import generate_posts

    posts, _ = generate_posts(60, seed=2)
    frame = posts.frame.drop(columns=["engagements"])
    frame["posted_at"] = frame["posted_at"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    path = tmp_path / "posts.csv"
    frame.to_csv(path, index=False)
    for args in (["calibrate", str(path)], ["backtest", str(path), "--split", "2024-07-01"]):
        res = CliRunner().invoke(app, [*args, "--format", "markdown"])
        assert res.exit_code == 0, res.output
        assert res.stdout.startswith("**") and "\n| " in res.stdout
        _one_table_per_block(res.stdout)


def test_compare_csv_is_comparison_csv(case, tmp_path):
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["compare", str(case), "--strategies", "optimised,micro", "--format", "csv",
                                   "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout == (out / "comparison.csv").read_text()


def test_a_line_break_in_user_text_is_escaped_and_a_tuple_cell_is_lines():
    import io

    from rich.console import Console

    from lineup.render.table import rich_table

    out = io.StringIO()
    table = Table("t", ("rule", "note"), ((("budget", "constraints.influencers.max"), "fake\nline [bold]x"),))
    Console(file=out, width=200).print(rich_table(table))
    text = out.getvalue()
    assert "fake\\nline [bold]x" in text                              # escaped, and no markup read
    assert [line for line in text.splitlines() if "constraints.influencers.max" in line]
    assert not [line for line in text.splitlines() if "budget" in line and "constraints" in line]
    assert "budget<br>constraints.influencers.max" in markdown([table])
