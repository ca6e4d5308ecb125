"""Dynamic resources serialize their provider once per process: Pulumi's serialize_provider wraps
pickle's _batch_setitems again on every call and never unwraps it, so a program with thousands of
bindings would die in RecursionError."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from apic_access.components import dynamic
from apic_access.recorder import record

from .conftest import write_spec

ROOT = Path(__file__).resolve().parents[2]

_SCRIPT = """
import sys
from pulumi.dynamic.dynamic import serialize_provider
from apic_access.components.dynamic import serialized
from apic_access.components.preview_resource import PreviewResourceProvider
p = PreviewResourceProvider()
f = serialized if sys.argv[1] == "once" else serialize_provider
for _ in range(3000):
    f(p)
print("ok")
"""


@pytest.mark.parametrize(("how", "survives"), [("once", True), ("every-time", False)])
def test_thousands_of_dynamic_resources_in_one_process(how: str, survives: bool) -> None:
    result = subprocess.run([sys.executable, "-c", _SCRIPT, how], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    if survives:
        assert (result.returncode, result.stdout) == (0, "ok\n"), result.stderr[-2000:]
    else:  # the SDK's own behaviour, which components/dynamic.py works around
        assert result.returncode != 0 and "RecursionError" in result.stderr


def test_a_plan_serializes_each_provider_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = dynamic.serialize_provider

    def counting(provider: object) -> str:
        calls.append(type(provider).__name__)
        return real(provider)  # type: ignore[arg-type]

    monkeypatch.setattr(dynamic, "serialize_provider", counting)
    monkeypatch.setattr(dynamic, "_serialized", {})
    versions = "".join(
        f"      v{i}-0:\n        title: v{i}\n        lifecycleStage: production\n        access:\n          - {{authConfig: key, users: [a{i}@contoso.com]}}\n"
        for i in range(1, 31)
    )
    spec = write_spec(
        tmp_path,
        "specVersion: 1\napiCenter:\n  name: apis-dev\n  resourceGroup: rg-apis\n  location: eastus\n"
        "keyVault:\n  name: kv-apis-dev\n  secrets: {k: {fromConfig: k}}\n"
        "authConfigs:\n  key: {title: Key, apiKey: {in: header, name: x-key, secret: k}}\n"
        "apis:\n  orders:\n    title: Orders\n    kind: rest\n    versions:\n" + versions,
    )
    rec = record(spec, stack="dev")
    assert len(rec.by_type("pulumi-python:dynamic/apicenter:PreviewResource")) == 31  # one auth config, 30 bindings
    assert calls == ["PreviewResourceProvider"]
