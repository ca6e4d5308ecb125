"""Where a value stands in a spec, found after the fact: for problems only the deployment can see
(an Entra name that resolves to two objects, say), reported at the spec's file:line:col like any
other problem. Runs on the error path only, so it may parse the spec again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import Mark, PathMark, Problem
from .positions import Locator
from .resolve import interpolate, load_chain, variables_for

# the spec lists that name principals of each kind (entraApps.*.owners are users)
_LISTS = {"users": ("users", "owners"), "groups": ("groups",), "servicePrincipals": ("servicePrincipals",)}


def _walk(node: Any, path: str, parts: tuple[Any, ...]) -> Iterator[tuple[str, tuple[Any, ...], Any, Any]]:
    """(path, path parts, container, key) for every value under `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, (*parts, key), node, key
            yield from _walk(value, child, (*parts, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            child = f"{path}[{index}]"
            yield child, (*parts, index), node, index
            yield from _walk(value, child, (*parts, index))


def principal_marks(file: str | Path, *, stack: str, project: str, kind: str, name: str) -> list[tuple[Mark, str]]:
    """Every place the spec (its `extends` chain included) names principal `name` of `kind`."""
    raw, sources, _ = load_chain(Path(file))
    if not isinstance(raw, dict):
        return []
    variables = variables_for(raw, stack, project)
    interpolate(raw, variables)
    locator = Locator(sources, variables)
    found = []
    for path, parts, container, key in _walk(raw, "", ()):
        value = container[key]
        if isinstance(container, list) and isinstance(value, str) and value.lower() == name.lower():
            list_name = path.rsplit(".", 1)[-1].split("[", 1)[0]
            if list_name in _LISTS.get(kind, ()):
                found.append((locator.mark(PathMark("", 0, 0, parts)), path))
    return sorted(found)


def principal_problems(file: str | Path, *, stack: str, project: str, kind: str, name: str, message: str) -> list[Problem]:
    marks = principal_marks(file, stack=stack, project=project, kind=kind, name=name)
    return [Problem(mark, path, message) for mark, path in marks] or [Problem(Mark(str(file), 1, 1), "", message)]
