"""Terminal text: every user text printed with rich shows exactly as typed."""

from __future__ import annotations

import io

import pytest

from lineup.io.terminal import console, literal

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
