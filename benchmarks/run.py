"""Scale benchmark: a plan of our program vs the bare-SDK baseline, on a generated inventory.

    python benchmarks/run.py [--apis 100] [--rounds 3] [--validate-apis 1000] [--group-apis 500]

In one run, alternating ours, bare, ours, bare, ... each in a fresh subprocess:

- ours: `apic_access.recorder.record` of the generated spec (the real __main__.py: spec
  loading, validation, model, components) under the recording engine's mock monitor;
- bare: benchmarks/bare_program.py (the same custom resources registered directly with the
  SDK) under the same engine. The engine's own `load_spec` call (it reads which secret
  config keys the spec needs) is replaced by a plain YAML read, so bare pays no spec language.

For each: resources registered, wall seconds of the whole subprocess (interpreter, imports,
run), seconds of the run alone (the `record` call), and peak RSS (ru_maxrss of the child);
medians over the rounds, and the ratios ours/bare. Then: validation time (load_spec) of a
generated 1,000-API spec, the depth of our resource graph, and a plan of our program on the
reference inventory at 500 APIs with group access (`accessDefaults: {via: group}`, the layout
that fits Azure's 4,000 role assignments per subscription): resources, role assignments,
managed groups, memberships, time and peak RSS. Last, the cost of a large definition file:
`apic-access validate` and `apic-access plan` (whole processes, as a user runs them) of a spec
whose one API imports a generated 1.5 MB OpenAPI file from 1 and from 5 versions
(`--only definitions` runs this part alone; `--definition-bytes 3000000` makes the file as
large as ARM imports inline), after the CPU time of checking that file, as JSON and as YAML,
in-process. Figures only: nothing here asserts a timing.

Validation targets (generate.validation_spec: the inventory with object-id principals and
one unbound auth config, a warning): the valid spec in-process (load_spec, median of 3 runs
in a fresh process) and as a whole `apic-access validate` process (median of 3); the same
spec with an error in one API of fifty, every problem reported, as a whole process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BARE_PROGRAM = HERE / "bare_program.py"
STACK = "bench"
MARKER = "BENCH-RESULT "

TARGET_RATIO = 1.10
TARGET_DEPTH = 6
TARGET_VALIDATE_S = 0.3  # valid, with a warning, in-process
TARGET_VALIDATE_PROCESS_S = 0.6  # the same, as a whole `apic-access validate` process
TARGET_INVALID_S = 1.0  # invalid, every problem reported, as a whole process
TARGET_PLAN_OVER_VALIDATE_S = 1.0  # the program's own cost: the definition file is checked once


def _peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024  # bytes on macOS, KiB on Linux


def graph_depth(resources: list[Any]) -> tuple[int, list[str]]:
    """The longest chain of dependencies between custom resources, counted in nodes.

    A dependency on a component counts as a dependency on each custom resource under it.
    """
    by_urn = {r.urn: r for r in resources}
    children: dict[str, list[str]] = {}
    for r in resources:
        children.setdefault(r.parent, []).append(r.urn)

    def customs_under(urn: str) -> list[str]:
        r = by_urn.get(urn)
        if r is None:
            return []
        if r.custom:
            return [urn]
        return [c for child in children.get(urn, []) for c in customs_under(child)]

    deps = {r.urn: sorted({c for d in r.dependencies for c in customs_under(d)} - {r.urn}) for r in resources if r.custom}
    longest: dict[str, list[str]] = {}

    def chain(urn: str, visiting: frozenset[str]) -> list[str]:
        if urn not in longest:
            best: list[str] = []
            for d in deps.get(urn, []):
                if d in visiting:  # a cycle would be a bug of the program; do not loop on it
                    continue
                c = chain(d, visiting | {urn})
                if len(c) > len(best):
                    best = c
            longest[urn] = [*best, urn]
        return longest[urn]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    best: list[str] = []
    for urn in sorted(deps):
        c = chain(urn, frozenset())
        if len(c) > len(best):
            best = c
    return len(best), [f"{by_urn[u].type.split(':')[-1]}::{by_urn[u].name}" for u in best]


def _config_secrets_plain(spec_path: Path) -> dict[str, str]:
    """The engine's secret placeholders, found with a plain YAML read (no spec language)."""
    import yaml

    data = yaml.load(spec_path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    secrets = (data.get("keyVault") or {}).get("secrets") or {}
    return {f"apic-access:{s['fromConfig']}": "plan-placeholder" for s in secrets.values() if isinstance(s, dict) and "fromConfig" in s}


def _no_spec_language(*_args: Any, **_kwargs: Any) -> Any:
    raise RuntimeError("the bare baseline reads no spec")


def _record_bare(recorder: Any, spec: Path) -> Any:
    """The same engine on bare_program.py, with secret config found by a plain YAML read.

    The engine reads the spec with load_spec before it runs a program (to find which secret
    config keys it needs); for bare that call is made to fail fast, and the placeholders
    are passed as plain config, so bare pays nothing for the spec language.
    """
    from unittest import mock

    placeholders = _config_secrets_plain(spec)
    with mock.patch.object(recorder, "load_spec", _no_spec_language):
        return recorder.record(spec, stack=STACK, config=placeholders, secret_keys=list(placeholders), program=BARE_PROGRAM)


def child(kind: str, spec: Path) -> dict[str, Any]:
    """One measurement, in this (fresh) process."""
    t0 = time.perf_counter()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if kind == "validate":
        import apic_access.config.spec as spec_module
        from apic_access.config.errors import SpecError

        t1 = time.perf_counter()
        out: dict[str, Any] = {"import_s": t1 - t0, "runs_s": [], "cpu_s": []}
        for _ in range(3):
            t, cpu = time.perf_counter(), time.process_time()
            try:
                loaded = spec_module.load_spec(spec, stack=STACK)
                out["apis"], out["reported"] = len(loaded.spec.apis), len(loaded.warnings)
                del loaded
            except SpecError as exc:
                out["reported"] = len(exc.problems)
                out["errors"] = sum(p.severity == "error" for p in exc.problems)
            out["runs_s"].append(time.perf_counter() - t)
            out["cpu_s"].append(time.process_time() - cpu)
        out["peak_rss_mb"] = _peak_rss_mb()
        return out

    from apic_access import recorder

    t1 = time.perf_counter()
    if kind == "ours":
        rec = recorder.record(spec, stack=STACK)
    else:
        rec = _record_bare(recorder, spec)
    t2 = time.perf_counter()
    rss = _peak_rss_mb()
    depth, chain = graph_depth(rec.resources)
    custom = [r for r in rec.resources if r.custom]
    return {
        "import_s": t1 - t0,
        "run_s": t2 - t1,
        "peak_rss_mb": rss,
        "resources": len(rec.resources),
        "custom": len(custom),
        "types": dict(Counter(r.type for r in custom)),
        "invokes": len(rec.invokes),
        "depth": depth,
        "chain": chain,
    }


def _spawn(kind: str, spec: Path) -> dict[str, Any]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", kind, str(spec)], capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - t
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARKER)]
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"{kind} run failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(lines[-1][len(MARKER) :])
    result["wall_s"] = wall
    return result


def _fmt_row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))


def _verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def _cli_seconds(command: str, spec: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one `apic-access COMMAND SPEC` process, as a user runs it. CPU
    time (user + system) stays put when other work shares the machine; wall time does not."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "apic_access.cli", command, str(spec)], capture_output=True, text=True, cwd=spec.parent, env=_child_env(), check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"apic-access {command} {spec} failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _child_env() -> dict[str, str]:
    """The environment of a measured process: this checkout first on the path, and bytecode
    cached as an installed package has it. With PYTHONDONTWRITEBYTECODE set (some sandboxes
    set it), every process compiles every module it imports again, which costs `plan` (it
    imports Pulumi and the Azure SDK) seconds that no user pays."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


_JUDGE = """
import json, statistics, sys, time
from pathlib import Path
from apic_access.config.definitions import judge
path = Path(sys.argv[1]); text = path.read_text(encoding="utf-8")
judge('{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}}', ".json", None)  # imports
runs = []
for _ in range(3):
    t = time.process_time(); verdict = judge(text, path.suffix, None); runs.append(time.process_time() - t)
print(json.dumps({"cpu_s": statistics.median(runs), "findings": len(verdict.findings)}))
"""


def _judge_seconds(path: Path) -> tuple[float, int]:
    """CPU seconds of checking one definition file in-process (median of 3), and its findings."""
    proc = subprocess.run([sys.executable, "-c", _JUDGE, str(path)], capture_output=True, text=True, env=_child_env(), check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result["cpu_s"], result["findings"]


def definition_benchmark(out: Path, rounds: int, target_bytes: int = 1_500_000) -> None:
    """validate and plan of a large OpenAPI definition (1.5 MB unless told) referenced from 1 and from 5 versions."""
    sys.path.insert(0, str(HERE))
    import generate

    folder = out / f"large-definition-{target_bytes}"
    specs = {n: generate.write_large_definition(folder, n, target_bytes) for n in (1, 5)}
    size = (folder / "large-openapi.json").stat().st_size
    print(f"\nlarge definition: a {size / 1e6:.2f} MB OpenAPI 3.0 file ({folder / 'large-openapi.json'}), imported by 1 and by 5 versions of one API")
    print(f"{rounds} rounds, alternating, each command a fresh `python -m apic_access.cli` process; medians")
    wall: dict[tuple[int, str], list[float]] = {}
    cpu: dict[tuple[int, str], list[float]] = {}
    as_yaml = folder / "large-openapi.yaml"
    if not as_yaml.exists():
        as_yaml.write_text(yaml.safe_dump(json.loads((folder / "large-openapi.json").read_text(encoding="utf-8")), sort_keys=False), encoding="utf-8")
    for file in (folder / "large-openapi.json", as_yaml):
        cpu_s, findings = _judge_seconds(file)
        print(f"  checking {file.name} ({file.stat().st_size / 1e6:.2f} MB) in-process, median of 3: {cpu_s:.2f} s CPU ({findings} finding(s))")
    for command in ("validate", "plan"):  # a warm-up, not counted: the first process writes the bytecode caches
        _cli_seconds(command, specs[1])
    for _ in range(rounds):
        for n, spec in specs.items():
            for command in ("validate", "plan"):
                w, c = _cli_seconds(command, spec)
                wall.setdefault((n, command), []).append(w)
                cpu.setdefault((n, command), []).append(c)

    def med(table: dict[tuple[int, str], list[float]], n: int, command: str) -> float:
        return statistics.median(table[(n, command)])

    widths = [11, 15, 11, 20, 14, 10, 19]
    print(_fmt_row(["references", "validate wall s", "plan wall s", "plan - validate wall", "validate CPU s", "plan CPU s", "plan - validate CPU"], widths))
    for n in specs:
        cells = [str(n)]
        for table in (wall, cpu):
            v, pl = med(table, n, "validate"), med(table, n, "plan")
            cells += [f"{v:.2f}", f"{pl:.2f}", f"{pl - v:.2f}"]
        print(_fmt_row(cells[:1] + cells[1:4] + cells[4:], widths))
    over = max(med(cpu, n, "plan") - med(cpu, n, "validate") for n in specs)
    five = med(cpu, 5, "plan") / med(cpu, 1, "plan")
    print(f"plan over validate (CPU): at most {over:.2f} s  (target: about the program's own cost, <= {TARGET_PLAN_OVER_VALIDATE_S:.0f} s: {_verdict(over <= TARGET_PLAN_OVER_VALIDATE_S)})")
    print(f"plan, 5 references / 1 reference (CPU): {five:.2f}  (target: about 1: the file is read and checked once)")
def _validate_process(spec: Path) -> tuple[float, float, int, str]:
    """Wall and CPU seconds of one whole `apic-access validate` process, its exit code and
    last line. On a shared machine wall time includes waiting for a CPU: CPU time does not."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "apic_access.cli", "validate", "--stack", STACK, str(spec)], capture_output=True, text=True, cwd=ROOT, check=False)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, proc.returncode, (proc.stderr.strip().splitlines() or [""])[-1]


def validation_targets(generate: Any, n: int, out: Path) -> None:
    # the targets are the spec language's: definitions without files (the cost of checking
    # definition files is measured on its own, below and in `large definition`)
    valid, _ = generate.write_validation_spec(n, out / f"validate-{n}.yaml", definition_files=False)
    invalid, errors = generate.write_validation_spec(n, out / f"invalid-{n}.yaml", invalid=True, definition_files=False)
    print(f"\nvalidation of {n} APIs, every principal an object id, one unbound auth config and definitions without files (warnings); {valid}")
    v = _spawn("validate", valid)
    runs, cpus = v["runs_s"], v["cpu_s"]
    print(
        f"  in-process (load_spec), 3 runs in a fresh process: median {statistics.median(runs):.3f} s wall, {statistics.median(cpus):.3f} s CPU "
        f"(runs {', '.join(f'{x:.3f}' for x in runs)}; {v['reported']} warning(s); importing config {v['import_s']:.2f} s)  "
        f"(target <= {TARGET_VALIDATE_S} s: {_verdict(statistics.median(runs) <= TARGET_VALIDATE_S)})"
    )
    procs = [_validate_process(valid) for _ in range(3)]
    wall, cpu = statistics.median(p[0] for p in procs), statistics.median(p[1] for p in procs)
    print(
        f"  whole process (apic-access validate), 3 runs: median {wall:.3f} s wall, {cpu:.3f} s CPU (runs {', '.join(f'{p[0]:.3f}' for p in procs)}; "
        f"exit {procs[0][2]}: {procs[0][3]})  (target <= {TARGET_VALIDATE_PROCESS_S} s: {_verdict(wall <= TARGET_VALIDATE_PROCESS_S)})"
    )
    with_files, _ = generate.write_validation_spec(n, out / "with-files" / f"validate-{n}.yaml")
    procs = [_validate_process(with_files) for _ in range(3)]
    wall, cpu = statistics.median(p[0] for p in procs), statistics.median(p[1] for p in procs)
    print(
        f"  the same with a definition file per version (2 distinct small OpenAPI files, each checked once), whole process: median {wall:.3f} s wall, "
        f"{cpu:.3f} s CPU (exit {procs[0][2]}: {procs[0][3]}; includes importing the OpenAPI validator)"
    )
    print(f"the same with an error in one API of fifty ({errors} errors, 5 kinds), every problem reported; {invalid}")
    v = _spawn("validate", invalid)
    procs = [_validate_process(invalid) for _ in range(3)]
    wall, cpu = statistics.median(p[0] for p in procs), statistics.median(p[1] for p in procs)
    print(
        f"  in-process: median {statistics.median(v['runs_s']):.3f} s wall, {statistics.median(v['cpu_s']):.3f} s CPU, "
        f"{v['errors']} error(s) of {v['reported']} problem(s) reported"
    )
    print(
        f"  whole process: median {wall:.3f} s wall, {cpu:.3f} s CPU (runs {', '.join(f'{p[0]:.3f}' for p in procs)}; exit {procs[0][2]})  "
        f"(target <= {TARGET_INVALID_S} s: {_verdict(wall <= TARGET_INVALID_S)})"
    )
    print(f"  (this machine: {os.cpu_count()} CPU(s), load average {', '.join(f'{x:.1f}' for x in os.getloadavg())}: wall time includes waiting for a CPU)")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Plan of our program vs the bare-SDK baseline on a generated inventory (figures only).")
    p.add_argument("--apis", type=int, default=100, help="APIs in the generated spec (default 100)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of ours+bare, at least 3 (default 3)")
    p.add_argument("--validate-apis", type=int, default=1000, help="APIs in the spec whose validation is timed (default 1000)")
    p.add_argument("--group-apis", type=int, default=500, help="APIs in the group-access plan (default 500; 0 skips it)")
    p.add_argument("--out", help="where the generated specs go (default: a temporary directory)")
    p.add_argument("--only", choices=["definitions"], help="run one part alone: definitions (the large definition file)")
    p.add_argument(
        "--definition-bytes",
        type=int,
        default=1_500_000,
        help="size of the large OpenAPI definition (default 1,500,000; ARM's inline limit is 3 MiB, so at most about 3,100,000)",
    )
    p.add_argument("--validate-only", action="store_true", help="only the validation targets (no plan rounds)")
    p.add_argument("--child", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        kind, spec = args.child
        print(MARKER + json.dumps(child(kind, Path(spec).resolve())), flush=True)
        return 0

    sys.path.insert(0, str(HERE))
    import generate

    rounds = max(3, args.rounds)
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="apic-bench-"))
    if args.only == "definitions":
        print(f"apic-access definition-file benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
        definition_benchmark(out, rounds, args.definition_bytes)
        return 0
    if args.validate_only:
        validation_targets(generate, args.validate_apis, out)
        return 0
    spec = generate.write(args.apis, out / f"spec-{args.apis}.yaml")
    c = generate.counts(args.apis)
    print(f"apic-access scale benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    print(
        f"inventory: {c['apis']} APIs, {c['versions']} versions, {c['deployments']} deployments, {c['bindings']} bindings, "
        f"{c['principals']} principal entries ({c['distinct_users']} users, {c['distinct_groups']} groups), spec {spec}"
    )
    print(f"{rounds} rounds, alternating ours/bare, each in a fresh subprocess\n")

    results: dict[str, list[dict[str, Any]]] = {"ours": [], "bare": []}
    for i in range(rounds):
        for kind in ("ours", "bare"):
            r = _spawn(kind, spec)
            results[kind].append(r)
            print(
                f"  round {i + 1} {kind:4}: wall {r['wall_s']:.2f} s, run {r['run_s']:.2f} s, peak RSS {r['peak_rss_mb']:.0f} MB, {r['custom']} custom / {r['resources']} resources"
            )

    ours, bare = results["ours"], results["bare"]
    if ours[0]["types"] != bare[0]["types"]:
        diff = {t: (ours[0]["types"].get(t, 0), bare[0]["types"].get(t, 0)) for t in sorted(set(ours[0]["types"]) | set(bare[0]["types"]))}
        print(f"\nWARNING: custom resources differ (type: ours, bare): { {t: v for t, v in diff.items() if v[0] != v[1]} }")
    else:
        print(
            f"\nsame custom resources in both: {ours[0]['custom']} of {len(ours[0]['types'])} types (generate.py expects {generate.expected_custom_resources(args.apis)})"
        )

    def med(rs: list[dict[str, Any]], key: str) -> float:
        return statistics.median(r[key] for r in rs)

    widths = [6, 10, 10, 8, 8, 9, 13]
    print("\nmedians over rounds:")
    print(_fmt_row(["", "custom", "all res.", "wall s", "run s", "import s", "peak RSS MB"], widths))
    for kind, rs in results.items():
        print(
            _fmt_row(
                [
                    kind,
                    str(rs[0]["custom"]),
                    str(rs[0]["resources"]),
                    f"{med(rs, 'wall_s'):.2f}",
                    f"{med(rs, 'run_s'):.2f}",
                    f"{med(rs, 'import_s'):.2f}",
                    f"{med(rs, 'peak_rss_mb'):.0f}",
                ],
                widths,
            )
        )
    ratios = {key: med(ours, key) / med(bare, key) for key in ("wall_s", "run_s", "peak_rss_mb")}
    print(f"\nratio ours/bare, wall time (whole process): {ratios['wall_s']:.2f}  (target <= {TARGET_RATIO:.2f}: {_verdict(ratios['wall_s'] <= TARGET_RATIO)})")
    print(f"ratio ours/bare, run time (record call):    {ratios['run_s']:.2f}  (target <= {TARGET_RATIO:.2f}: {_verdict(ratios['run_s'] <= TARGET_RATIO)})")
    print(
        f"ratio ours/bare, peak RSS:                  {ratios['peak_rss_mb']:.2f}  (target <= {TARGET_RATIO:.2f}: {_verdict(ratios['peak_rss_mb'] <= TARGET_RATIO)})"
    )

    validation_targets(generate, args.validate_apis, out)

    depth, chain = ours[0]["depth"], ours[0]["chain"]
    print(
        f"\ndepth of our resource graph: {depth} custom resources in the longest dependency chain (nodes, not edges; "
        f"bare: {bare[0]['depth']})  (target <= {TARGET_DEPTH}: {_verdict(depth <= TARGET_DEPTH)})"
    )
    print("  " + "\n  -> ".join(chain))
    definition_benchmark(out, rounds, args.definition_bytes)

    if args.group_apis:
        grouped = generate.write(args.group_apis, out / f"spec-{args.group_apis}-group.yaml", via="group")
        g = _spawn("ours", grouped)
        types = g["types"]
        assignments = types.get("azure-native:authorization:RoleAssignment", 0)
        print(
            f"\ngroup access (accessDefaults: {{via: group}}) at {args.group_apis} APIs, one run of ours in a fresh process: "
            f"{g['custom']} custom / {g['resources']} resources, {assignments} role assignments "
            f"({types.get('azuread:index/group:Group', 0)} managed groups, {types.get('azuread:index/groupMember:GroupMember', 0)} memberships; "
            f"generate.py expects {generate.expected_custom_resources(args.group_apis, via='group')} custom), "
            f"wall {g['wall_s']:.2f} s, run {g['run_s']:.2f} s, peak RSS {g['peak_rss_mb']:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
