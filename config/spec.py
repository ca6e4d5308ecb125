"""Load a spec file into the frozen model: the one entry point for everything downstream."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import per_command
from .build import build
from .checks import cross_check
from .errors import Mark, Problem, SpecError
from .fastpath import fast_load
from .grants import check_budget
from .loader import PosMap
from .model import Spec
from .resolve import interpolate, load_with_extends, variables_for
from .schema import check

DEFAULT_PROJECT = "apic-access"


@dataclass(frozen=True)
class Loaded:
    spec: Spec
    warnings: tuple[Problem, ...]


def load_spec(path: str | Path, *, stack: str = "dev", project: str = DEFAULT_PROJECT) -> Loaded:
    """Read, merge, interpolate, validate and build. Raises SpecError with every problem found.

    Within one command (config/per_command.py) a spec is loaded once, whoever asks again."""
    path = Path(path)
    with per_command.scope():
        return per_command.remembered(("spec", os.path.abspath(path), stack, project), lambda: _load(path, stack, project))


def _load(path: Path, stack: str, project: str) -> Loaded:
    fast = fast_load(path, stack=stack, project=project)
    if fast is not None:
        return Loaded(fast, ())
    return load_spec_located(path, stack=stack, project=project)


def load_spec_located(path: str | Path, *, stack: str = "dev", project: str = DEFAULT_PROJECT) -> Loaded:
    """The position-keeping path: decides every spec and reports every problem with file:line:col."""
    path = Path(path)
    raw, problems = load_with_extends(path)
    if raw is None and not problems:
        problems = [Problem(Mark(str(path), 1, 1), "", "the spec is empty: start with `specVersion: 1` and `apiCenter:`")]
    if problems and raw is None:
        raise SpecError(problems)
    if not isinstance(raw, PosMap):
        raise SpecError([*problems, Problem(Mark(str(path), 1, 1), "", "a spec is a mapping of keys (specVersion, apiCenter, ...), not a single value or list")])

    unresolved = interpolate(raw, variables_for(raw, stack, project))
    problems += unresolved
    # a value with an unknown ${...} fails its pattern too: report the variable only
    problems += [p for p in check(raw) if p.path not in {u.path for u in unresolved}]
    problems += cross_check(raw)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SpecError(problems)
    spec = build(raw, file=str(path), stack=stack, project=project)
    problems += check_budget(spec, raw)  # counted on the model: the grants the components make
    if any(p.severity == "error" for p in problems):
        raise SpecError(problems)
    warnings = tuple(sorted((p for p in problems if p.severity == "warning"), key=lambda p: (p.mark, p.path)))
    return Loaded(spec, warnings)
