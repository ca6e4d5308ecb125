"""config/per_command.py: within one command a result is computed once; between commands, afresh."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from apic_access.config import per_command


def counter() -> tuple[list[int], Callable[[], int]]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_inside_a_command_a_result_is_computed_once() -> None:
    calls, compute = counter()
    with per_command.scope():
        assert per_command.remembered("k", compute) == 1
        with per_command.scope():  # a nested scope (the engine inside the CLI) shares it
            assert per_command.remembered("k", compute) == 1
    assert len(calls) == 1


def test_the_next_command_computes_afresh() -> None:
    calls, compute = counter()
    with per_command.scope():
        per_command.remembered("k", compute)
    with per_command.scope():
        assert per_command.remembered("k", compute) == 2
    assert per_command.remembered("k", compute) == 3  # outside any command: every time


def test_a_failure_is_remembered_too() -> None:
    attempts: list[int] = []

    def broken() -> int:
        attempts.append(1)
        raise ValueError("bad spec")

    with per_command.scope():
        for _ in range(2):
            with pytest.raises(ValueError, match="bad spec"):
                per_command.remembered("k", broken)
    assert len(attempts) == 1
