"""Budgets for untrusted YAML (config/loader.py): aliases, nesting, file and chain sizes.

Each refusal is asserted as the whole line `validate` prints. Timings are printed, never
asserted: that the bomb is refused at its first crossing alias is what keeps it fast.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

import config.loader as loader
from config.errors import SpecError
from config.spec import load_spec

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


def test_a_10000_api_spec_is_within_every_budget(tmp_path: Path) -> None:
    gen_spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "benchmarks" / "generate.py")
    assert gen_spec and gen_spec.loader
    gen = importlib.util.module_from_spec(gen_spec)
    sys.modules[gen_spec.name] = gen
    gen_spec.loader.exec_module(gen)
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
