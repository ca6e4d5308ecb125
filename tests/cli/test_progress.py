"""plan, diff and graph on stderr: live progress on a terminal, one summary line elsewhere,
nothing with --quiet; stdout the same in every case."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest

from apic_access import progress
from apic_access.cli import main

ROOT = Path(__file__).resolve().parents[2]
DEV_RESOURCES = 57  # custom resources in the dev plan ("57 resources to create"; no owner resource for the deploying identity)
LIVE = re.compile(r"(plan|graph|diff): (?:(head|base): )?([\d,]+) resources? recorded, \d+\.\d s")
MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"
UNBOUND = MIN + "keyVault:\n  name: kv-apis-x\n  secrets: {k: {fromConfig: k}}\nauthConfigs:\n  spare: {title: Spare, apiKey: {in: header, name: x-key, secret: k}}\n"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, terminal: bool = False) -> tuple[int, str, str]:
    """stdout and stderr of `apic-access ARGS`, stderr a terminal or not."""
    capsys.readouterr()
    err = Terminal() if terminal else io.StringIO()
    with monkeypatch.context() as m:
        m.setattr(sys, "stderr", err)
        code = main(list(args))
    out, _ = capsys.readouterr()
    return code, out, err.getvalue()


@pytest.fixture(autouse=True)
def every_registration_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    """No throttle and no timer: the live line shows each count, whatever the machine's speed."""
    monkeypatch.setattr(progress, "INTERVAL", 0.0)
    monkeypatch.setattr(progress, "TICK", 3600.0)
    monkeypatch.chdir(ROOT)


def live_counts(err: str) -> list[tuple[str, str, int]]:
    """(command, phase, count) of each live line; asserts every piece between \\r is one."""
    assert err.startswith("\r") and err.endswith("\r")
    out = []
    for part in err[1:-1].split("\r"):
        if part.strip():
            found = LIVE.fullmatch(part.rstrip())
            assert found, repr(part)
            out.append((found[1], found[2] or "", int(found[3].replace(",", ""))))
    return out


@pytest.mark.parametrize("command", [["plan"], ["plan", "--format", "json"], ["plan", "--format", "markdown"], ["graph"], ["graph", "--format", "mermaid"]])
def test_a_terminal_sees_the_count_grow_then_the_line_cleared_and_stdout_is_unchanged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, shown, err = run(monkeypatch, capsys, *command, terminal=True)
    assert code == 0
    counts = live_counts(err)
    assert [c for _, _, c in counts] == list(range(DEV_RESOURCES + 1))
    assert {(name, phase) for name, phase, _ in counts} == {(command[0], "")}
    last = len(err[:-1].rsplit("\r", 2)[-2])  # the final line, overwritten with spaces
    assert err.endswith("\r" + " " * last + "\r")
    assert (code, shown) == run(monkeypatch, capsys, *command, "--quiet")[:2]


@pytest.mark.parametrize("command", ["plan", "graph"])
def test_elsewhere_exactly_one_summary_line_and_quiet_none(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, err = run(monkeypatch, capsys, command)
    assert code == 0 and out
    assert re.fullmatch(rf"{command}: {DEV_RESOURCES} resources recorded in \d+\.\d s\n", err), err
    for quiet in ("--quiet", "-q"):
        assert run(monkeypatch, capsys, command, quiet) == (0, out, "")
        assert run(monkeypatch, capsys, command, quiet, terminal=True) == (0, out, "")


def test_diff_counts_head_then_base(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text(UNBOUND, encoding="utf-8")  # a spec with a warning, told on a line of its own
    head = tmp_path / "head.yaml"
    head.write_text(MIN, encoding="utf-8")
    code, out, err = run(monkeypatch, capsys, "diff", str(base), str(head), "--format", "text", terminal=True)
    assert code == 0 and out.startswith("Stack 'dev': ")
    # the warning's wording belongs to the checks (tests/config): here, where it lands
    start = err.index(f"{base}:10:10: authConfigs.spare: warning: auth config 'spare' ")
    warning = err[start : err.index("\n", start) + 1]
    before, after = err.split(warning)
    last = len(before[:-1].rsplit("\r", 2)[-2])
    assert before.endswith("\r" + " " * last + "\r")  # cleared before the warning
    assert [(p, c) for _, p, c in live_counts(before)] == [("head", 0), ("head", 1), ("head", 2)]
    assert [(p, c) for _, p, c in live_counts(after)] == [("base", n) for n in range(7)]
    code, same, err = run(monkeypatch, capsys, "diff", str(base), str(head), "--format", "text")
    assert (code, same) == (0, out)
    assert re.fullmatch(re.escape(warning) + r"diff: base 6 resources, head 2 resources, recorded in \d+\.\d s\n", err), err
    assert run(monkeypatch, capsys, "diff", str(base), str(head), "--format", "text", "--quiet") == (0, out, warning)


def test_a_spec_with_errors_leaves_no_progress_behind(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MIN.replace("specVersion: 1", "specVersion: 3"), encoding="utf-8")
    for terminal in (True, False):
        code, out, err = run(monkeypatch, capsys, "plan", str(bad), terminal=terminal)
        assert (code, err) == (1, "")
        assert out == f"{bad}:1:14: specVersion: 3 must be 1, the only spec version today (write `specVersion: 1`)\n"
