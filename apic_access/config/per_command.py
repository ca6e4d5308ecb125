"""What one command has already read and checked: each spec and each definition file once.

`plan` validates the spec, reads which secret config it needs, and runs the Pulumi program,
which loads the spec again and reads every definition file to import it. Inside `scope()`
(the CLI opens one per command, the recording engine and the Pulumi program one per run,
`load_spec` one per call) those later readers get what the first one found. Files do not
change during one command; between commands (tests run many in one process) nothing is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_depth = 0
_memo: dict[Hashable, tuple[bool, Any]] = {}


@contextmanager
def scope() -> Iterator[None]:
    """One command: scopes nest, and what was remembered is forgotten when the outermost ends."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _memo.clear()


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """compute() once per command (and every time outside a command); its exception too."""
    if _depth == 0:
        return compute()
    if key not in _memo:
        try:
            _memo[key] = (True, compute())
        except Exception as exc:  # noqa: BLE001 - remembered as it is, raised again below
            _memo[key] = (False, exc)
    ok, value = _memo[key]
    if not ok:
        raise value
    return value


def forget() -> None:
    """Forget what this command has read: for a command that rewrites a file it read (export
    writes the spec again after leaving out what it cannot say)."""
    _memo.clear()
