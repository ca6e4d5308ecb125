"""`extends` deep-merge and `${...}` interpolation, on plain data.

A spec and the bases it extends are read inside the project (config/project.py) and within
the YAML budgets (config/loader.py). Problems carry the spec path of their node; the
`Locator` of the chain finds their file:line:col when they are reported.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path
from typing import Any

from .errors import LINE_OF, Expansions, Mark, PathMark, Problem, Written, did_you_mean, format_path
from .loader import Source, has_anchors, parse, read_spec_text
from .positions import key_pattern
from .project import outside, project_root

VARIABLES = ("stack", "project", "location")
_VAR = re.compile(r"\$\{([^}]*)\}")


class WrittenIn(dict[str, Any]):
    """A definition whose `file:` is written in `written_in` (a base spec, perhaps): the path
    is relative to that file (config/definition_files.py reads it)."""

    __slots__ = ("written_in",)
    written_in: str


def load_chain(path: Path, *, native: bool = True) -> tuple[Any, list[Source], list[Problem]]:
    """The spec at `path` merged over every base it extends; the files read (the spec first);
    and the problems: a cycle, a bad base, a path outside the project, a budget exceeded."""
    root = project_root(path)
    escape = outside(path.name, path.parent, root)
    if escape:
        return None, [], [Problem(Mark(str(path), 1, 1), "", f"the spec {escape}: a spec may only read files inside its project; put the spec itself there")]
    sources: list[Source] = []
    data, problems = _load(path.resolve(), path, [], root, sources, native)
    return data, sources, problems


def _load(real: Path, shown: Path, chain: list[Path], root: Path, sources: list[Source], native: bool) -> tuple[Any, list[Problem]]:
    text, problems = read_spec_text(shown, sum(p.stat().st_size for p in chain))
    if text is None:
        return None, problems
    data, parse_problems = parse(text, str(shown), native=native)
    problems = [*problems, *parse_problems]
    sources.append(Source(str(shown), text, data))
    if not isinstance(data, dict):
        return data, problems
    _tag_definition_files(data, str(shown))
    if "extends" not in data:
        return data, problems
    ref = data.pop("extends")
    mark = PathMark(str(shown), 0, 0, ("extends",))
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
    base, base_problems = _load(base_real, base_shown, [*chain, real], root, sources, native)
    problems.extend(base_problems)
    if base is None:  # the base does not parse: nothing below can be checked reliably
        return None, problems
    if not isinstance(base, dict):
        return None, [*problems, Problem(mark, "extends", f"base spec '{ref}' is not a mapping of spec keys")]
    return merge(base, data), problems


def _tag_definition_files(data: dict[str, Any], file: str) -> None:
    """Remember which file each definition's `file:` is written in (a merge keeps it)."""
    apis = data.get("apis")
    for api in apis.values() if isinstance(apis, dict) else ():
        versions = api.get("versions") if isinstance(api, dict) else None
        for version in versions.values() if isinstance(versions, dict) else ():
            definitions = version.get("definitions") if isinstance(version, dict) else None
            if isinstance(definitions, dict):
                for name, definition in definitions.items():
                    if isinstance(definition, dict) and "file" in definition:
                        tagged = WrittenIn(definition)
                        tagged.written_in = file
                        definitions[name] = tagged


def merge(base: Any, over: Any) -> Any:
    """Maps merge key by key; anything else in `over` replaces `base`. A key the extending file
    sets to null (`staging-gw: null`, or `staging-gw:` with nothing after it) removes the base's
    entry, as in Helm's values: an overlay's way to drop something the base has."""
    if not (isinstance(base, dict) and isinstance(over, dict)):
        return over
    out: dict[str, Any]
    if isinstance(over, WrittenIn) or isinstance(base, WrittenIn):
        out = WrittenIn(base)
        out.written_in = over.written_in if isinstance(over, WrittenIn) else base.written_in  # type: ignore[attr-defined]
    else:
        out = dict(base)
    for key, value in over.items():
        if value is None and key in base:
            del out[key]
        else:
            out[key] = merge(base[key], value) if key in base else value
    return out


def variables_for(raw: Any, stack: str, project: str) -> dict[str, str]:
    """${stack}, ${project}, and ${location} when apiCenter.location is a plain region."""
    ac = raw.get("apiCenter") if isinstance(raw, dict) else None
    location = ac.get("location") if isinstance(ac, dict) else None
    variables = {"stack": stack, "project": project}
    if isinstance(location, str) and "${" not in location:
        variables["location"] = location
    return variables


def sections_with_variables(sources: list[Source]) -> set[str] | None:
    """The top-level keys under which the files write `${`, or None when that cannot be told
    from the text (an escape or an alias could carry one elsewhere, or the file is not in
    block style).
    Interpolation walks only these sections: in a large inventory, `${stack}` is in the
    header (names of the API center, vault, apps), not in the thousands of APIs."""
    found: set[str] = set()
    for source in sources:
        text = source.nl_text()
        if "\\" in text or has_anchors(text):  # an escape, or an alias, can carry `${` elsewhere
            return None
        at = text.find("${")
        if at < 0:
            continue
        tops = [(m.start(), m.group(1)) for m in key_pattern(0).finditer(text)]
        starts = [offset for offset, _ in tops]
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            if i < 0 or "${" in tops[i][1]:
                return None
            found.add(tops[i][1])
            at = text.find("${", at + 2)
    return found


def interpolate(root: Any, variables: dict[str, str], sections: set[str] | None = None, expansions: Expansions | None = None) -> list[Problem]:
    """Replace ${stack}, ${project}, ${location} in every string, keys included, in place
    (with `sections`, only under those top-level keys). `expansions` gets each string
    changed, as written, for messages about its expanded value."""
    problems: list[Problem] = []

    def sub(text: str, parts: tuple[Any, ...], key: bool) -> str:
        out = _sub(text, parts, key)
        if expansions is not None and out != text:
            expansions[((*parts[:-1], out) if key else parts), key] = Written(text, given(text, variables))
        return out

    def _sub(text: str, parts: tuple[Any, ...], key: bool) -> str:
        def one(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in variables:
                return variables[name]
            problems.append(
                Problem(
                    PathMark("", 0, 0, parts, key),
                    format_path(parts[:-1] if key else parts),  # a key's problem is its mapping's
                    f"unknown variable '${{{name}}}'{did_you_mean(name, VARIABLES)}: "
                    f"only {', '.join('${' + v + '}' for v in VARIABLES)} are interpolated",
                )
            )
            return m.group(0)

        return _VAR.sub(one, text)

    stack: list[tuple[Any, tuple[Any, ...]]] = [(root, ())]
    if sections is not None and isinstance(root, dict):
        stack = []
        for key in sections & root.keys():
            value = root[key]
            if type(value) is str:
                root[key] = sub(value, (key,), False)
            elif isinstance(value, (dict, list)):
                stack.append((value, (key,)))
    while stack:
        node, parts = stack.pop()
        if isinstance(node, dict):
            try:
                renamed = "${" in "\0".join(node)
            except TypeError:  # a key that is not a string (reported by the parser)
                renamed = any(isinstance(k, str) and "${" in k for k in node)
            if renamed:
                problems += _rekey(node, parts, variables, lambda k, parts=parts: sub(k, (*parts, k), True) if isinstance(k, str) and "${" in k else k)
            items: Any = node.items()
        else:
            items = enumerate(node)
        for key, value in items:
            kind = type(value)
            if kind is str:
                if "${" in value:
                    node[key] = sub(value, (*parts, key), False)
            elif kind is dict or kind is list or isinstance(value, (dict, list)):
                stack.append((value, (*parts, key)))
    return problems


def given(text: str, variables: dict[str, str]) -> str:
    """"for stack 'prod'": the variables `text` uses, with their values ('' for none)."""
    used = [f"{name} '{variables[name]}'" for name in dict.fromkeys(m.group(1) for m in _VAR.finditer(text)) if name in variables]
    return "" if not used else "for " + (", ".join(used[:-1]) + " and " + used[-1] if len(used) > 1 else used[0])


def _rekey(node: dict[str, Any], parts: tuple[Any, ...], variables: dict[str, str], rename: Any) -> list[Problem]:
    """Rename the keys of `node` in place; a key that becomes another's name is dropped and
    reported (the first one stays)."""
    items = list(node.items())
    node.clear()
    written: dict[Any, Any] = {}
    problems = []

    def shown(key: Any) -> str:
        return f"'{key}' {given(key, variables)}".rstrip()

    for key, value in items:
        new = rename(key)
        if new in node:
            first = written[new]
            problems.append(
                Problem(
                    PathMark("", 0, 0, (*parts, key), True, as_written=True),
                    format_path((*parts, new)),
                    f"{shown(key)} and {shown(first)} ({LINE_OF.format(0)}) are both '{new}': rename one of them",
                    refs=(PathMark("", 0, 0, (*parts, first), True, as_written=True),),
                )
            )
            continue
        node[new], written[new] = value, key
    return problems
