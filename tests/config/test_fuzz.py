"""Random mutations of the example spec only ever end as SpecErrors (or a valid spec), and
the two YAML parsers (native yaml-rs and PyYAML) never lead to different outcomes.

Thousands of specs: wrong types, missing keys, unknown references, huge strings, odd
unicode, broken YAML. Any other exception would reach a user as a traceback. Then hostile
ones, as a pull request could bring them (alias bombs, deep nesting, very long names, paths
out of the project): each is refused as a SpecError by the rule made for it, which is what
bounds its time.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apic_access.config import loader
from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
DEV = yaml.safe_load((ROOT / "config" / "dev.yaml").read_text(encoding="utf-8"))
DEV_TEXT = (ROOT / "config" / "dev.yaml").read_text(encoding="utf-8")
WORKDIR = Path(tempfile.mkdtemp(prefix="apic-fuzz-"))
shutil.copytree(ROOT / "config" / "apis", WORKDIR / "apis")  # so that untouched definitions stay valid
# WORKDIR has no Pulumi.yaml and no git: it is its own project; OUTSIDE is not in it
OUTSIDE = Path(tempfile.mkdtemp(prefix="apic-fuzz-outside-"))
(OUTSIDE / "creds.yaml").write_text("openapi: 3.0.3\ninfo: {title: creds, version: '1'}\npaths: {}\n", encoding="utf-8")
(WORKDIR / "apis" / "linked.yaml").symlink_to(OUTSIDE / "creds.yaml")
ACCEPTED_NATIVE = []
# CI runs a fixed sample (the same every run); APIC_FUZZ_EXAMPLES=20000 explores new random ones
EXAMPLES = int(os.environ.get("APIC_FUZZ_EXAMPLES", "1500"))
DERANDOMIZE = "APIC_FUZZ_EXAMPLES" not in os.environ

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=8).map(lambda s: s * 700),  # huge strings
    st.sampled_from(["${stack}", "${nope}", "${", "}", "\u202e\u0000", "petstore-keys", "v1.0", "a/b/c", "--", "🙂", ""]),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=3),
)


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += paths(v, (*prefix, i))
    return out


ALL_PATHS = paths(DEV)[1:]


def mutate(tree: Any, path: tuple[Any, ...], action: str, value: Any) -> Any:
    tree = copy.deepcopy(tree)
    parent = tree
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "replace":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent[last], dict):
        parent[last][str(value)[:30] or "x"] = value
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{last}-renamed"] = parent.pop(last)
    return tree


def check(text: str) -> None:
    path = WORKDIR / "spec.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    written = path.read_text(encoding="utf-8", errors="surrogatepass")
    # everything after parsing is one pipeline on plain data: the parsers must agree on it
    native = loader.parse(written, str(path))
    assert native == loader.parse(written, str(path), native=False), "the two parsers read the spec differently"
    try:
        load_spec(path, stack="dev", project="apic-access")
    except SpecError as exc:
        assert exc.problems, "a SpecError always names at least one problem"
        for p in exc.problems:
            assert p.mark.line >= 1 and p.mark.col >= 1 and p.message
    else:
        if loader.native_agrees(written):
            ACCEPTED_NATIVE.append(1)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.sampled_from(ALL_PATHS), st.sampled_from(["replace", "delete", "add", "rename"]), junk), min_size=1, max_size=3)
)
def test_structural_mutations_only_yield_spec_errors(mutations: list[tuple[tuple[Any, ...], str, Any]]) -> None:
    tree = DEV
    for path, action, value in mutations:
        try:
            tree = mutate(tree, path, action, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed this path
    check(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False))


@settings(max_examples=EXAMPLES * 2 // 5, deadline=None, derandomize=DERANDOMIZE, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(DEV_TEXT) - 1), st.text(max_size=6), st.integers(min_value=0, max_value=20))
def test_text_mutations_only_yield_spec_errors(pos: int, insert: str, cut: int) -> None:
    check(DEV_TEXT[:pos] + insert + DEV_TEXT[pos + cut :])


def test_the_fuzz_exercised_the_native_parser() -> None:
    """Runs after the fuzz tests above: many mutations stay valid and are parsed natively."""
    assert len(ACCEPTED_NATIVE) >= 50


HOLE = "HOSTILE-VALUE-GOES-HERE"


def bomb(levels: int, fanout: int) -> str:
    """Nested anchors and aliases on one line: fanout**levels values once expanded."""
    parts = [f"l0: &l0 [{', '.join(['lol'] * fanout)}]"]
    parts += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fanout)}]" for i in range(1, levels + 1)]
    return "{" + ", ".join(parts) + "}"


hostile_value = st.one_of(
    st.builds(lambda levels, fanout: ("expands the document past", bomb(levels, fanout)), st.integers(8, 30), st.integers(10, 40)),
    st.builds(lambda depth: ("nest deeper than", "[" * depth + "]" * depth), st.integers(70, 3000)),
)
escape = st.sampled_from(
    [
        ("is an absolute path", str(OUTSIDE / "creds.yaml")),
        ("is an absolute path", "/etc/passwd"),
        ("climbs out of the project", "../" + OUTSIDE.name + "/creds.yaml"),
        ("climbs out of the project", "apis/" + "../" * 40 + "etc/passwd"),
        ("symbolic link pointing out", "apis/linked.yaml"),
    ]
)
DEFINITION_FILES = [p for p in ALL_PATHS if p[-1] == "file"]


def load_refused(text: str) -> list[str]:
    path = WORKDIR / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    found = []
    for native in (True, False):
        try:
            load_spec(path, native_yaml=native)
        except SpecError as exc:
            found.append([p.message for p in exc.problems if p.severity == "error"])
        else:
            raise AssertionError("a hostile spec was accepted")
    assert found[0] == found[1]
    return found[0]


@settings(max_examples=max(50, EXAMPLES // 10), deadline=None, derandomize=DERANDOMIZE, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ALL_PATHS), hostile_value)
def test_alias_bombs_and_deep_nesting_anywhere_are_refused_by_their_budget(path: tuple[Any, ...], hostile: tuple[str, str]) -> None:
    rule, value = hostile
    text = yaml.safe_dump(mutate(DEV, path, "replace", HOLE), sort_keys=False).replace(HOLE, value)
    messages = load_refused(text)
    assert any(rule in m for m in messages), messages


@settings(max_examples=max(30, EXAMPLES // 30), deadline=None, derandomize=DERANDOMIZE, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DEFINITION_FILES + [("extends",)]), escape)
def test_paths_out_of_the_project_are_refused(path: tuple[Any, ...], hostile: tuple[str, str]) -> None:
    rule, value = hostile
    tree = {"extends": value, **DEV} if path == ("extends",) else mutate(DEV, path, "replace", value)
    messages = load_refused(yaml.safe_dump(tree, sort_keys=False))
    assert any(rule in m for m in messages), messages


@settings(max_examples=max(30, EXAMPLES // 30), deadline=None, derandomize=DERANDOMIZE, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["apis", "authConfigs", "environments", "entraApps"]), st.integers(91, 200_000), st.characters(codec="utf-8"))
def test_very_long_names_are_refused(section: str, length: int, char: str) -> None:
    tree = copy.deepcopy(DEV)
    first = next(iter(tree[section]))
    tree[section][char * length] = tree[section].pop(first)
    assert load_refused(yaml.safe_dump(tree, allow_unicode=True, sort_keys=False))
