"""Checks before credentials: sharding as docs/stacks.md documents it, and one set of rules
with the bundled policy pack."""

from __future__ import annotations

import importlib
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from apic_access import preflight
from apic_access.cli import main
from apic_access.config.spec import load_spec
from apic_access.recorder import record

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "apic_access" / "policy"))  # the pack's modules, imported as the policy host does
validators = importlib.import_module("validators")


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def documented_stack_files() -> dict[str, str]:
    """The `# Pulumi.<stack>.yaml` blocks of docs/stacks.md (sharding), as a user copies them."""
    text = (ROOT / "docs" / "stacks.md").read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in re.finditer(r"```yaml\n# (Pulumi\.[\w-]+\.yaml)\n(.*?)```", text, re.S)}


def test_the_documented_sharding_example_plans_one_api_center(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = documented_stack_files()
    assert set(files) == {"Pulumi.platform.yaml", "Pulumi.inv-1.yaml"}
    for name, body in files.items():
        (project / name).write_text(body, encoding="utf-8")
    ids = set()
    for stack in ("platform", "inv-1"):
        code, out, err = run(capsys, "validate", "--stack", stack)
        assert (code, out) == (0, ""), out + err
        code, out, err = run(capsys, "plan", "--stack", stack, "--format", "json")
        assert code == 0, out + err
        plan = json.loads(out)
        ids.add(plan["outputs"]["apiCenterId"])
        names = {r["name"] for r in plan["resources"] if r["custom"]}
        assert ("contoso-apis-prod" in names) == (stack == "platform")
        assert ("petstore" in names) == (stack == "inv-1")
    assert len(ids) == 1 and next(iter(ids)).endswith("/services/contoso-apis-prod")


def test_a_sharded_stack_whose_names_use_the_stack_name_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.inv-3.yaml").write_text(
        "config:\n  apic-access:spec: config/prod.yaml\n  apic-access:shard: tag:shard-3\n  apic-access:platformStack: contoso/apic-access/platform\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "validate", "--stack", "inv-3")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == (
        "Pulumi.inv-3.yaml:3:22: config.apic-access:shard: warning: shard 'tag:shard-3' selects no API of prod.yaml: "
        "no API of the spec has `tags`; fix the shard or tag the APIs"
    )
    assert lines[1].startswith(
        "config/base.yaml:7:9: apiCenter.name: 'contoso-apis-${stack}' depends on ${stack}, but stack 'inv-3' is a shard "
        "(apic-access:shard: tag:shard-3 in Pulumi.inv-3.yaml): every stack of a sharded setup reads this spec"
    )
    assert lines[1].endswith("write a fixed name (for example 'contoso-apis-prod') in the spec the sharded stacks read")
    assert [line.split(": ")[1] for line in lines[2:]] == [
        "apiCenter.resourceGroup",
        "keyVault.name",
        "entraApps.petstore-oauth.displayName",
        "entraApps.petstore-oauth.identifierUri",
        "entraApps.portal-signin.displayName",
    ]


def test_a_shard_tag_typo_is_a_warning_with_the_tags_there_are(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "Pulumi.inv-1.yaml").write_text("config:\n  apic-access:spec: config/sharded.yaml\n  apic-access:shard: tag:shard1\n", encoding="utf-8")
    code, out, _ = run(capsys, "validate", "--stack", "inv-1")
    assert code == 0
    assert "Pulumi.inv-1.yaml:3:22: config.apic-access:shard: warning: shard 'tag:shard1' selects no API of sharded.yaml (did you mean 'shard-1'?)" in out


# --- one set of rules with the policy pack --------------------------------------------------

EXAMPLES = [("dev.yaml", "dev"), ("prod.yaml", "prod"), ("base.yaml", "test"), ("sharded.yaml", "prod")]


def pack_verdicts(spec: Path, stack: str) -> set[str]:
    """Every policy of the pack, run on every resource of the spec's plan, as at `pulumi preview`."""
    found = set()
    for r in record(spec, stack=stack).resources:
        if not r.custom:
            continue
        for check in (validators.key_vault, validators.role_assignment, validators.credential_access_reader, validators.client_secret):
            found.update(check(r.type, r.inputs))
    return found


def validate_verdicts(spec: Path, stack: str) -> set[str]:
    prefix = "the bundled policy pack (`apic-access policy-pack`, key-vault-rbac-purge-protection) blocks this at `pulumi preview`: "
    problems = preflight.policy_problems(spec, load_spec(spec, stack=stack).spec)
    assert all(p.message.startswith(prefix) for p in problems)
    return {p.message[len(prefix) :] for p in problems}


@pytest.mark.parametrize(("name", "stack"), EXAMPLES)
def test_every_policy_agrees_with_validate_on_the_examples(name: str, stack: str) -> None:
    spec = ROOT / "config" / name
    assert pack_verdicts(spec, stack) == validate_verdicts(spec, stack) == set()


@pytest.mark.parametrize(
    ("name", "stack", "old", "new"),
    [
        ("dev.yaml", "dev", "  purgeProtection: true\n", "  purgeProtection: false\n"),
        ("prod.yaml", "prod", "  sku: premium\n", "  sku: premium\n  purgeProtection: false\n"),  # through `extends`
    ],
)
def test_what_the_pack_blocks_validate_warns_about_in_its_words(project: Path, capsys: pytest.CaptureFixture[str], name: str, stack: str, old: str, new: str) -> None:
    spec = project / "config" / name
    text = spec.read_text(encoding="utf-8")
    assert old in text
    spec.write_text(text.replace(old, new, 1), encoding="utf-8")
    blocked = pack_verdicts(spec, stack)
    assert len(blocked) == 1 and next(iter(blocked)).startswith("Key Vault properties.enablePurgeProtection is not set: set it to true")
    assert validate_verdicts(spec, stack) == blocked
    code, out, _ = run(capsys, "validate", "--stack", stack, str(spec))
    assert code == 0
    (line,) = [x for x in out.splitlines() if "policy pack" in x]
    assert re.match(rf"config/{name}:\d+:20: keyVault\.purgeProtection: warning: the bundled policy pack", line), line
    assert line.endswith(next(iter(blocked)))
