"""Terminal text: every user text printed with rich shows exactly as typed."""

from __future__ import annotations

import io

import pytest

from lineup.render.terminal import console, literal

MARKUP_PAYLOADS = ["[/bold]", "Campaign [/]", "[/i]", "brand[official]", "[uk] fashion", "[UK] fashion",
                   "[link=https://evil.example]alice[/link]", "[bold red]loud", "back\\", "trailing [", "x :fire: y"]


def _printed(markup: str) -> str:
    out = console(file=io.StringIO(), width=200, color_system=None)
    out.print(markup)
    return out.file.getvalue()


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_literal_prints_exactly_the_text(payload):
    assert _printed(f"[bold]{literal(payload)}[/bold] —") == f"{payload} —\n"


def test_literal_makes_no_hyperlink():
    out = console(file=io.StringIO(), width=200, force_terminal=True, color_system="truecolor")
    out.print(literal("[link=https://evil.example]alice[/link]"))
    import re

    text = out.file.getvalue()
    assert "\x1b]8;" not in text  # no OSC 8 hyperlink
    assert "[link=https://evil.example]alice[/link]" in re.sub(r"\x1b\[[0-9;]*m", "", text)  # colours aside


def test_control_characters_are_spelled_out():
    assert _printed(literal("a\x1b[31mred\x07")) == "a\\x1b[31mred\\x07\n"


def test_status_and_progress_labels_are_literal():
    from lineup.commands._common import maybe_status, progress_bar

    out = console(file=io.StringIO(), width=120, force_terminal=True, color_system=None)
    with maybe_status(out, "Solving Campaign [/] [/bold]…"):
        pass
    with progress_bar(out, "Report on [/i] brand[official]") as tick:
        tick(1, 2)
    assert "Report on [/i] brand[official]" in out.file.getvalue()


# ---------------------------------------------------------------- whole ids and numbers (issue 9, item 7)

LONG_IDS = ["glow.studio3_official_account", "bob_the_very_long_handle_name_2024", "x" * 70]
NUMBERS = ["338,456,789", "1,234,567.89", "£400,123", "[2.40 – 2.96]"]


def _long_table():
    from rich.table import Table

    table = Table(title="Portfolio of a campaign whose name is long enough to wrap")
    table.add_column("id", no_wrap=True)
    table.add_column("niches")
    for name in ("followers", "fee", "cost per talker"):
        table.add_column(name, justify="right", no_wrap=True)
    for k, i in enumerate(LONG_IDS):
        table.add_row(literal(i), "skincare; vegan; makeup; wellness; travel", NUMBERS[0], NUMBERS[2 - k % 2],
                      f"2.68\n{literal(NUMBERS[3])}")
    return table


@pytest.mark.parametrize("width", [80, 120, None])
def test_print_table_never_cuts_ids_or_numbers(width):
    from lineup.render.terminal import print_table

    out = console(file=io.StringIO(), width=width, color_system=None)
    print_table(out, _long_table())
    text = out.file.getvalue()
    assert "…" not in text
    for word in LONG_IDS + NUMBERS[:1] + NUMBERS[2:]:
        assert word in text, word


def test_piped_console_is_as_wide_as_the_text():
    from lineup.render.terminal import PIPED_WIDTH

    assert console(file=io.StringIO()).width == PIPED_WIDTH
    assert console(file=io.StringIO(), width=80).width == 80


def test_every_command_uses_the_one_console_helper():
    import pathlib

    import lineup

    src = pathlib.Path(lineup.__file__).parent
    for path in [src / "cli.py", *(src / "commands").glob("*.py"), *(src / "io").glob("*.py")]:
        text = path.read_text()
        assert "Console(" not in text or path.name == "terminal.py", path
        assert "console.print(table)" not in text, f"{path}: print tables with print_table"


@pytest.mark.parametrize("backend, shown", [("greedy", "· greedy build"), ("highs", "· highs (milp) build")])
def test_the_status_line_names_the_solver_once_when_it_is_the_method(backend, shown):
    from lineup.optimize import solve
    from lineup.optimize.formulation import tiny_scenario
    from lineup.render.solve import render_solve

    out = console(file=io.StringIO(), width=300, color_system=None)
    render_solve(solve(tiny_scenario(), backend=backend), out)
    assert shown in out.file.getvalue()
