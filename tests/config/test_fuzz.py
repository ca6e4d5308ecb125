"""Random mutations of the example spec only ever end as SpecErrors (or a valid spec), and
the fast path never disagrees with the position-keeping path.

Thousands of specs: wrong types, missing keys, unknown references, huge strings, odd
unicode, broken YAML. Any other exception would reach a user as a traceback.
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

from config.errors import SpecError
from config.fastpath import fast_load
from config.spec import load_spec_located

ROOT = Path(__file__).resolve().parents[2]
DEV = yaml.safe_load((ROOT / "config" / "dev.yaml").read_text(encoding="utf-8"))
DEV_TEXT = (ROOT / "config" / "dev.yaml").read_text(encoding="utf-8")
WORKDIR = Path(tempfile.mkdtemp(prefix="apic-fuzz-"))
shutil.copytree(ROOT / "config" / "apis", WORKDIR / "apis")  # so that untouched definitions stay valid
ACCEPTED_FAST = []
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
    fast = fast_load(path, stack="dev", project="apic-access")
    try:
        located = load_spec_located(path)
    except SpecError as exc:
        assert fast is None, "the fast path accepted a spec the located path rejects"
        assert exc.problems, "a SpecError always names at least one problem"
        for p in exc.problems:
            assert p.mark.line >= 1 and p.mark.col >= 1 and p.message
    else:
        if fast is not None:  # the fast path only ever answers for a spec with nothing to report
            assert located.warnings == () and fast == located.spec
            ACCEPTED_FAST.append(1)


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


def test_the_fuzz_exercised_the_fast_path() -> None:
    """Runs after the fuzz tests above: many mutations stay valid and go the fast way."""
    assert len(ACCEPTED_FAST) >= 50
