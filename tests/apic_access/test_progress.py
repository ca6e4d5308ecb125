"""apic_access/progress.py: the live line on a terminal, one summary line elsewhere, none with --quiet."""

from __future__ import annotations

import io

import pytest

from apic_access import progress
from apic_access.progress import Progress, elapsed_text
from apic_access.recorder import Registration


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def resource(custom: bool = True) -> Registration:
    return Registration(urn="urn:x", type="t", name="n", custom=custom, parent="", inputs={}, dependencies=[], options={})


@pytest.fixture(autouse=True)
def no_ticker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "TICK", 3600.0)  # only registrations draw: the output is exact


def test_elapsed_time_in_a_persons_words() -> None:
    assert [elapsed_text(s) for s in (0, 12.34, 59.96, 61, 3725)] == ["0.0 s", "12.3 s", "60.0 s", "1 min 01 s", "62 min 05 s"]


def test_a_terminal_gets_one_line_redrawn_at_most_every_interval_then_cleared() -> None:
    out, clock = Terminal(), Clock()
    with Progress("plan", stream=out, clock=clock) as p:
        tell = p.phase()
        for step in (0.05, 0.05, 0.05, 0.05, 0.2):  # t = 0.05 .. 0.4 after the start
            clock.now += step
            tell(resource())
        tell(resource(custom=False))  # a component: not counted
    assert out.getvalue().split("\r") == [
        "",
        "plan: 0 resources recorded, 0.0 s",
        "plan: 2 resources recorded, 0.1 s",  # the first at 0.05 s fell inside the interval
        "plan: 4 resources recorded, 0.2 s",
        "plan: 5 resources recorded, 0.4 s",
        " " * len("plan: 5 resources recorded, 0.4 s"),
        "",
    ]


def test_diff_counts_each_spec_in_its_own_phase_with_the_line_cleared_in_between() -> None:
    out, clock = Terminal(), Clock()
    with Progress("diff", stream=out, clock=clock) as p:
        tell = p.phase("head")
        for _ in range(1000):
            tell(resource())
        clock.now += 1
        tell(resource())
        p.clear()
        p.phase("base")
    head = "diff: head: 1,001 resources recorded, 1.0 s"
    base = "diff: base: 0 resources recorded, 1.0 s"
    assert out.getvalue().split("\r") == ["", "diff: head: 0 resources recorded, 0.0 s", head, " " * len(head), "", base, " " * len(base), ""]


def test_elsewhere_one_summary_line_at_the_end() -> None:
    out, clock = io.StringIO(), Clock()
    with Progress("diff", stream=out, clock=clock) as p:
        tell = p.phase("head")
        for _ in range(1234):
            tell(resource())
        p.clear()
        tell = p.phase("base")
        tell(resource())
        clock.now += 75.5
    assert out.getvalue() == "diff: base 1 resource, head 1,234 resources, recorded in 1 min 15 s\n"


def test_quiet_says_nothing_even_on_a_terminal() -> None:
    for stream in (Terminal(), io.StringIO()):
        with Progress("plan", stream=stream, quiet=True) as p:
            p.phase()(resource())
        assert stream.getvalue() == ""


def test_a_failure_clears_the_line_and_leaves_the_summary_out() -> None:
    for stream, left in ((Terminal(), "\rplan: 0 resources recorded, 0.0 s\r" + " " * 33 + "\r"), (io.StringIO(), "")):
        with pytest.raises(RuntimeError), Progress("plan", stream=stream, clock=Clock()) as p:
            p.phase()
            raise RuntimeError("the program failed")
        assert stream.getvalue() == left
