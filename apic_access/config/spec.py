"""Load a spec file into the frozen model: the one entry point for everything downstream.

One pipeline, on plain data whichever parser produced it: the `extends` chain merged,
`${...}` interpolated, the schema and the cross-checks run, the model built. Only the
problems and warnings being reported are then given their file:line:col.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from . import per_command
from .build import build
from .checks import cross_check
from .errors import Expansions, Mark, Problem, SpecError
from .grants import check_budget
from .model import Spec
from .positions import Locator
from .resolve import interpolate, load_chain, sections_with_variables, variables_for
from .schema import check, structural

DEFAULT_PROJECT = "apic-access"


@dataclass(frozen=True)
class Loaded:
    spec: Spec
    warnings: tuple[Problem, ...]


def load_spec(path: str | Path, *, stack: str = "dev", project: str = DEFAULT_PROJECT, native_yaml: bool = True) -> Loaded:
    """Read, merge, interpolate, validate and build. Raises SpecError with every problem found.

    `native_yaml=False` parses with PyYAML only (tests check that both parsers agree). Within one
    command (config/per_command.py) a spec is loaded once, whoever asks again."""
    path = Path(path)
    with per_command.scope():
        return per_command.remembered(("spec", os.path.abspath(path), stack, project, native_yaml), lambda: _load(path, stack, project, native_yaml))


def _load(path: Path, stack: str, project: str, native_yaml: bool = True) -> Loaded:
    raw, sources, problems = load_chain(path, native=native_yaml)
    locator = Locator(sources)
    if raw is None and not problems:
        problems = [Problem(Mark(str(path), 1, 1), "", "the spec is empty: start with `specVersion: 1` and `apiCenter:`")]
    if problems and raw is None:
        raise SpecError(locator.locate(problems))
    if not isinstance(raw, dict):
        raise SpecError([*locator.locate(problems), Problem(Mark(str(path), 1, 1), "", "a spec is a mapping of keys (specVersion, apiCenter, ...), not a single value or list")])

    variables = variables_for(raw, stack, project)
    locator.variables = variables
    expansions: Expansions = {}
    unresolved = interpolate(raw, variables, sections_with_variables(sources), expansions)
    problems += unresolved
    # a value with an unknown ${...} fails its pattern too: report the variable only
    schema_problems = [p for p in check(raw, expansions) if p.path not in {u.path for u in unresolved}]
    problems += schema_problems
    cross = cross_check(raw, str(path))
    if structural(schema_problems):  # the cross-checks read a shape the schema refused: their warnings follow from its errors
        cross = [p for p in cross if p.severity == "error"]
    refused = {p.path for p in schema_problems}
    cross = [p for p in cross if p.severity == "error" or p.path not in refused]  # a value the schema refused: its error says it all
    problems += cross
    if any(p.severity == "error" for p in problems):
        raise SpecError(locator.locate(problems))
    spec = build(raw, file=str(path), stack=stack, project=project)
    problems += check_budget(spec, raw)  # counted on the model: the grants the components make
    if any(p.severity == "error" for p in problems):
        raise SpecError(locator.locate(problems))
    warnings = tuple(sorted(locator.locate(problems), key=lambda p: (p.mark, p.path)))
    return Loaded(spec, warnings)
