"""`extends` deep-merge and `${...}` interpolation, keeping every node's position."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import Mark, Problem, did_you_mean
from .loader import PosList, PosMap, read_yaml_file
from .project import outside, project_root

VARIABLES = ("stack", "project", "location")
_VAR = re.compile(r"\$\{([^}]*)\}")


def load_with_extends(path: Path) -> tuple[Any, list[Problem]]:
    """Load `path` and every base it extends, merged; a cycle, a bad base or a base outside
    the project (config/project.py) is a problem."""
    root = project_root(path)
    escape = outside(path.name, path.parent, root)
    if escape:
        return None, [Problem(Mark(str(path), 1, 1), "", f"the spec {escape}: a spec may only read files inside its project; put the spec itself there")]
    return _load(path.resolve(), path, [], root)


def _load(real: Path, shown: Path, chain: list[Path], root: Path) -> tuple[Any, list[Problem]]:
    data, problems = read_yaml_file(shown, sum(p.stat().st_size for p in chain))
    if not isinstance(data, PosMap) or "extends" not in data:
        return data, problems
    ref = data["extends"]
    mark = data.value_mark("extends")
    del data["extends"]
    if not isinstance(ref, str) or not ref:
        return None, [*problems, Problem(mark, "extends", "must be the path of a base spec, relative to this file")]
    escape = outside(ref, shown.parent, root)
    if escape:
        fix = "move the base spec into the project and give its path relative to this file"
        return None, [*problems, Problem(mark, "extends", f"'{ref}' {escape}: {fix}")]
    base_shown = shown.parent / ref
    base_real = base_shown.resolve()
    if base_real == real or base_real in chain:
        loop = " -> ".join(p.name for p in [*chain, real, base_real])
        return None, [*problems, Problem(mark, "extends", f"extends cycle ({loop}): remove one of the `extends`")]
    if not base_real.is_file():
        return None, [*problems, Problem(mark, "extends", f"base spec '{ref}' not found (looked for {base_shown}): the path is relative to this file")]
    base, base_problems = _load(base_real, base_shown, [*chain, real], root)
    problems.extend(base_problems)
    if base is None:  # the base does not parse: nothing below can be checked reliably
        return None, problems
    if not isinstance(base, PosMap):
        return None, [*problems, Problem(mark, "extends", f"base spec '{ref}' is not a mapping of spec keys")]
    return merge(base, data), problems


def merge(base: Any, over: Any) -> Any:
    """Maps merge key by key; anything else in `over` replaces `base`."""
    if not (isinstance(base, PosMap) and isinstance(over, PosMap)):
        return over
    out = PosMap()
    out.file, out.start = over.file, over.start
    out.value_marks, out.key_marks, out.key_files = {}, {}, {}
    for src in (base, over):
        for key in src:
            out.value_marks[key] = src.value_marks.get(key)
            out.key_marks[key] = src.key_marks.get(key)
            out.key_files[key] = src._file_of(key)
    for key, value in base.items():
        out[key] = value
    for key, value in over.items():
        out[key] = merge(out[key], value) if key in base else value
    return out


def variables_for(raw: Any, stack: str, project: str) -> dict[str, str]:
    """${stack}, ${project}, and ${location} when apiCenter.location is a plain region."""
    ac = raw.get("apiCenter") if isinstance(raw, dict) else None
    location = ac.get("location") if isinstance(ac, dict) else None
    variables = {"stack": stack, "project": project}
    if isinstance(location, str) and "${" not in location:
        variables["location"] = location
    return variables


def interpolate(root: Any, variables: dict[str, str]) -> list[Problem]:
    """Replace ${stack}, ${project}, ${location} in every string, keys included, in place."""
    problems: list[Problem] = []

    def sub(text: str, mark: Mark, path: str) -> str:
        def one(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in variables:
                return variables[name]
            problems.append(
                Problem(
                    mark,
                    path,
                    f"unknown variable '${{{name}}}'{did_you_mean(name, VARIABLES)}: "
                    f"only {', '.join('${' + v + '}' for v in VARIABLES)} are interpolated",
                )
            )
            return m.group(0)

        return _VAR.sub(one, text)

    def walk(node: Any, path: str) -> None:
        if isinstance(node, PosMap):
            if any("${" in k for k in node):
                _rekey(node, lambda k: sub(k, node.key_mark(k), path) if "${" in k else k)
            for key, value in node.items():
                sub_path = f"{path}.{key}" if path else key
                if isinstance(value, str):
                    if "${" in value:
                        node[key] = sub(value, node.value_mark(key), sub_path)
                else:
                    walk(value, sub_path)
        elif isinstance(node, PosList):
            for i, value in enumerate(node):
                if isinstance(value, str):
                    if "${" in value:
                        node[i] = sub(value, node.value_mark(i), f"{path}[{i}]")
                else:
                    walk(value, f"{path}[{i}]")

    walk(root, "")
    return problems


def _rekey(node: PosMap, rename: Any) -> None:
    items = list(node.items())
    marks = [(node.value_marks.get(k), node.key_marks.get(k), node._file_of(k)) for k, _ in items]
    node.clear()
    node.value_marks, node.key_marks, node.key_files = {}, {}, {}
    for (key, value), (vm, km, file) in zip(items, marks, strict=True):
        new = rename(key)
        node[new] = value
        node.value_marks[new], node.key_marks[new], node.key_files[new] = vm, km, file
