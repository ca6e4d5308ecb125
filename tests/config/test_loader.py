"""Budgets for untrusted YAML (config/loader.py): aliases, nesting, file and chain sizes.

Each refusal is asserted as the whole line `validate` prints. Timings are printed, never
asserted: that the bomb is refused at its first crossing alias is what keeps it fast.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import apic_access.config.loader as loader
import apic_access.config.positions as positions
from apic_access.config.errors import PathMark, SpecError
from apic_access.config.spec import load_spec

ROOT = Path(__file__).resolve().parents[2]
MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # problems name files relative to the working directory


def problems(spec: Path) -> list[str]:
    with pytest.raises(SpecError) as exc:
        load_spec(spec)
    return [str(p) for p in exc.value.problems]


def billion_laughs(levels: int = 9) -> str:
    """Nine levels of ten aliases each, under 1 KB: 10**9 values once expanded."""
    lines = ["specVersion: 1", "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, levels + 1)]
    lines.append(f"apiCenter: {{name: x, resourceGroup: y, location: eastus, tags: {{t: *l{levels}}}}}")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_the_first_alias_past_the_budget(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(billion_laughs(), encoding="utf-8")
    assert len(spec.read_bytes()) < 1024
    start = time.perf_counter()
    found = problems(spec)
    print(f"alias bomb refused in {time.perf_counter() - start:.3f} s")
    # l5 stands for 1,111,111 values: the third alias to it in l6 crosses 4,000,000
    assert found == [
        "spec.yaml:8:20: l6[2]: alias *l5 expands the document past 4,000,000 values: anchors and aliases are allowed, "
        "but not nested so that a few lines stand for millions of values; write the values out"
    ]


def test_anchors_and_aliases_as_people_use_them_are_accepted(tmp_path: Path) -> None:
    text = MIN + (
        "  tags: &tags {team: platform}\n"
        "environments:\n"
        "  prod: {title: Prod, kind: production, customProperties: *tags}\n"
        "  test: {title: Test, kind: testing, customProperties: *tags}\n"
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    loaded = load_spec(spec)
    assert {name: dict(e.custom_properties or {}) for name, e in loaded.spec.environments.items()} == {
        "prod": {"team": "platform"},
        "test": {"team": "platform"},
    }


def test_nesting_past_the_budget_is_refused(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MIN + "  tags: {deep: " + "[" * 100 + "]" * 100 + "}\n", encoding="utf-8")
    assert problems(spec) == [
        "spec.yaml:6:77: apiCenter.tags.deep[0][0][0][0][0]...: mappings and lists nest deeper than 64 levels: no spec needs this; flatten the data"
    ]


def test_an_oversized_spec_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    with spec.open("wb") as f:  # sparse: 33 MiB that take no disk
        f.truncate(33 * 2**20)
    assert problems(spec) == [
        "spec.yaml:1:1: (top level): the file is 34,603,008 bytes, more than the 32 MiB a spec file may have: split the inventory across stacks"
    ]


def test_an_oversized_extends_chain_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader, "MAX_CHAIN_BYTES", 200)  # the rule, at a size a test can write
    (tmp_path / "base.yaml").write_text(MIN, encoding="utf-8")
    (tmp_path / "mid.yaml").write_text("extends: base.yaml\n# " + "x" * 60 + "\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text("specVersion: 1\nextends: mid.yaml\n", encoding="utf-8")
    assert sum(len(p.read_bytes()) for p in tmp_path.glob("*.yaml")) == 207
    assert problems(spec) == [
        "base.yaml:1:1: (top level): with the specs that extend it, this is 207 bytes, more than the 200 bytes an `extends` chain may have: split the inventory across stacks"
    ]


def _generate_module() -> ModuleType:
    gen_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert gen_spec and gen_spec.loader
    gen = importlib.util.module_from_spec(gen_spec)
    sys.modules[gen_spec.name] = gen
    gen_spec.loader.exec_module(gen)
    return gen


def test_a_10000_api_spec_is_within_every_budget(tmp_path: Path) -> None:
    gen = _generate_module()
    # one API written out, then repeated under 10,000 names: what generate.write makes, faster
    one = gen.yaml.dump(gen.generate(1)["apis"]["api-0001"], Dumper=gen.yaml.CSafeDumper, sort_keys=False, width=160)
    block = "".join("    " + line + "\n" for line in one.splitlines())
    text = MIN + "apis:\n" + "".join(f"  api-{i:05d}:\n{block}" for i in range(10_000))
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    read, found = loader.read_spec_text(path)
    assert (read is not None, found) == (True, [])
    start = time.perf_counter()
    assert loader.budget_problem(text, str(path)) is None
    print(f"10,000-API spec: {len(text):,} bytes, budget walk {time.perf_counter() - start:.2f} s")


# --- the two parsers ---------------------------------------------------------------------------

EXAMPLES = [("dev.yaml", "dev"), ("prod.yaml", "prod"), ("base.yaml", "test")]


def outcome(path: Path, *, native: bool, stack: str = "dev") -> Any:
    """The model and warnings, or every problem line: what `validate` reports."""
    try:
        loaded = load_spec(path, stack=stack, native_yaml=native)
    except SpecError as exc:
        return [str(p) for p in exc.problems]
    return loaded.spec, [str(w) for w in loaded.warnings]


@pytest.mark.parametrize(("spec", "stack"), EXAMPLES)
def test_the_examples_parse_natively_and_both_parsers_agree(spec: str, stack: str) -> None:
    path = ROOT / "config" / spec
    assert loader.native_agrees(path.read_text(encoding="utf-8"))
    assert outcome(path, native=True, stack=stack) == outcome(path, native=False, stack=stack)


@pytest.mark.parametrize(
    "fragment",
    [
        "portal:\n  anonymousAccess: yes\n  signIn: {clientId: 2c1d0e4f-1111-2222-3333-444455556666}\n",  # a YAML 1.1 boolean
        "keyVault:\n  name: kv-apis\n  softDeleteRetentionDays: 010\n",  # octal in YAML 1.1
        "keyVault:\n  name: kv-apis\n  softDeleteRetentionDays: [1, 08]\n",  # a string in YAML 1.1
        "apiCenter:\n  tags: {a: !!str 1}\n",  # a tag
        "apiCenter:\n  tags: {a: 1:20}\n",  # sexagesimal 80 in YAML 1.1
        "apiCenter:\n  tags: {a: 1e3}\n",  # a string in YAML 1.1, a float in 1.2
        "environments:\n  prod: {title: Prod, kind: production, description: ${stak}}\n",  # an unknown variable
    ],
)
def test_what_the_yaml_versions_read_differently_is_parsed_by_pyyaml(tmp_path: Path, fragment: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(MIN + fragment, encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert not loader.native_agrees(text) or loader.parse(text, "x")[0] == loader.parse(text, "x", native=False)[0]
    assert outcome(path, native=True) == outcome(path, native=False)


def test_guids_date_like_api_versions_and_version_keys_parse_natively(tmp_path: Path) -> None:
    text = MIN + (
        "  previewApiVersions: {authConfigs: 2024-03-15-preview, portals: 2024-06-01}\n"
        "portal:\n"
        "  signIn: {clientId: 00000000-0000-0000-8000-000001000000}\n"
        "  readers:\n"
        "    groups:\n"
        "      - 0b6f3c1e-8000-4000-8000-000001000000\n"
        "      - 10000000-0000-0000-0000-000000000010\n"
        "    users: [00000000-0000-0000-0000-000000000001]\n"
        "apis:\n"
        "  petstore:\n"
        "    title: Petstore\n"
        "    kind: rest\n"
        "    versions:\n"
        "      v1-0: {title: v1, lifecycleStage: production}\n"
        "      v2-0: {title: v2, lifecycleStage: preview}\n"
    )
    assert loader.native_agrees(text)
    assert loader.parse(text, "x") == loader.parse(text, "x", native=False)


def test_a_spec_with_warnings_stays_native_and_reads_only_lines_around_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _generate_module()
    spec = gen.generate(200)
    spec["authConfigs"]["unbound"] = {"title": "Nobody binds me", "http": {"scheme": "bearer"}}
    spec["apis"]["api-0150"]["versions"]["v1-0"]["access"][1] = {"authConfig": "bench-key", "name": "nobody"}
    path = tmp_path / "spec.yaml"
    gen.write_definition_files(tmp_path)
    path.write_text(gen.yaml.dump(spec, Dumper=gen.yaml.CSafeDumper, sort_keys=False, width=160), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()

    def no_pyyaml(*_args: Any) -> Any:
        raise AssertionError("the spec was parsed by PyYAML")

    composed: list[int] = []
    compose = yaml.compose

    def counting(text: str, Loader: Any) -> Any:  # noqa: N803 - yaml's keyword
        composed.append(text.count("\n") + 1)
        return compose(text, Loader=Loader)

    monkeypatch.setattr(loader, "_parse_pyyaml", no_pyyaml)
    monkeypatch.setattr(loader.yaml, "compose", counting)
    warnings = [str(w) for w in load_spec(path, stack="bench").warnings]
    unbound = next(i for i, line in enumerate(lines, 1) if line == "  unbound:") + 1
    nobody = next(i for i, line in enumerate(lines, 1) if "name: nobody" in line)
    assert warnings == [
        f"spec.yaml:{unbound}:5: authConfigs.unbound: warning: auth config 'unbound' is bound to no API version: add it to a version's `access` or remove it",
        f"spec.yaml:{nobody - 1}:11: apis.api-0150.versions.v1-0.access[1]: warning: binding 'nobody' has no principals: nobody can use it to try the API; add users, groups or servicePrincipals",
    ]
    assert composed and max(composed) < 50  # a few lines around each warning, never the file's thousands


guid = st.one_of(
    st.uuids().map(str),
    st.builds(lambda a, b: f"{a:08x}-0000-0000-8000-{b:012d}", st.integers(0, 16**8 - 1), st.integers(0, 10**12 - 1)),
    st.builds(lambda b: f"00000000-0000-0000-0000-{b:012d}", st.integers(0, 10**12 - 1)),
)
api_version = st.builds(
    lambda y, m, d, preview: f"{y:04d}-{m:02d}-{d:02d}" + ("-preview" if preview else ""),
    st.integers(2000, 2099),
    st.integers(1, 12),
    st.integers(1, 28),
    st.booleans(),
)
version_key = st.builds(lambda a, b: f"v{a}-{b}", st.integers(0, 20), st.integers(0, 20))


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.lists(guid, min_size=1, max_size=30, unique=True),
    st.lists(guid, min_size=1, max_size=30, unique=True),
    st.tuples(api_version, api_version, api_version),
    st.lists(version_key, min_size=1, max_size=6, unique=True),
)
def test_object_ids_and_api_versions_parse_natively_and_both_parsers_agree(
    tmp_path: Path, users: list[str], principals: list[str], versions: tuple[str, str, str], keys: list[str]
) -> None:
    lines = [
        MIN + "  previewApiVersions:",
        f"    authConfigs: {versions[0]}",
        f"    securityRequirements: {versions[1]}",
        f"    portals: {versions[2]}",
        "keyVault:\n  name: kv-apis\n  secrets:\n    api-key: {fromConfig: apiKey}",
        "authConfigs:\n  key:\n    title: Key\n    apiKey: {name: x-api-key, secret: api-key}",
        "environments:\n  prod: {title: Prod, kind: production}",
        "apis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:",
    ]
    for key in keys:
        lines += [f"      {key}:", f"        title: {key}", "        lifecycleStage: production", "        definitions: {openapi: {title: OpenAPI}}", "        access:"]
        lines += ["          - authConfig: key", "            users:"] + [f"              - {u}" for u in users]
        lines += [f"            servicePrincipals: [{', '.join(principals)}]"]
    lines += ["    deployments:"] + [
        f"      dep{i}: {{title: D, environment: prod, definition: {key}/openapi, runtimeUris: [https://x.contoso.com]}}" for i, key in enumerate(keys)
    ]
    lines += ["portal:", f"  signIn: {{clientId: {principals[0]}}}", "  readers:", "    groups:"] + [f"      - {g}" for g in principals]
    text = "\n".join(lines) + "\n"
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    assert loader.native_agrees(text)
    native = outcome(path, native=True)
    assert native == outcome(path, native=False)
    assert not isinstance(native, list), native  # valid: the object ids and api-versions are read as written


def _all_paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _all_paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _all_paths(v, (*prefix, i))
    return out


@pytest.mark.parametrize("spec", ["dev.yaml", "generated", "quoted keys"])
def test_positions_from_the_lines_around_a_node_are_those_of_the_whole_file(tmp_path: Path, spec: str) -> None:
    """The Locator reads only the lines of the mapping entries on a node's path: for every node
    of the handwritten example (flow style, comments, lists) and of a generated inventory
    (also with its API and version keys quoted), key and value, that gives the position
    composing the whole file gives."""
    if spec != "dev.yaml":
        path = _generate_module().write(30, tmp_path / "spec.yaml")
        if spec == "quoted keys":
            text = path.read_text(encoding="utf-8")
            text = re.sub(r"(?m)^  (api-\d+):", r'  "\1":', text)
            path.write_text(re.sub(r"(?m)^      (v\d-\d):", r"      '\1':", text), encoding="utf-8")
            assert "\n  \"api-0001\":" in path.read_text(encoding="utf-8")
    else:
        path = ROOT / "config" / spec
    text = path.read_text(encoding="utf-8")
    data, _ = loader.parse(text, str(path))
    narrowed = positions.Locator([loader.Source(str(path), text, data)], {"stack": "dev", "project": "apic-access"})
    whole = positions.Locator([loader.Source(str(path), text, data)], {"stack": "dev", "project": "apic-access"})
    whole._narrowable = lambda source: False  # type: ignore[method-assign]
    paths = _all_paths(data)
    assert len(paths) > 150
    if spec != "dev.yaml":  # the lines of one version's entry are found by their keys alone
        source = narrowed.sources[0]
        assert narrowed._narrow(source, ["apis", "api-0007", "versions", "v2-0", "access"])[1] == 5
    for parts in paths:
        for key in (False, True):
            at = PathMark("", 0, 0, parts, key)
            assert narrowed.mark(at) == whole.mark(at), parts


@pytest.mark.parametrize("extra", [-1, 0, 1])
def test_both_parsers_draw_the_nesting_budget_at_the_same_level(tmp_path: Path, extra: int) -> None:
    levels = loader.MAX_DEPTH - 3 + extra  # the root, apiCenter and tags are three levels
    path = tmp_path / "spec.yaml"
    path.write_text(MIN + "  tags: {deep: " + "[" * levels + "]" * levels + "}\n", encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    assert loader.parse(text, "x") == loader.parse(text, "x", native=False)
    assert (loader.budget_problem(text, "x") is None) == (extra <= 0)
