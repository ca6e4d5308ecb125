"""components/program.py, the Pulumi program as `pulumi up` runs it: one process, one command."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import apic_access.config.definition_files as definition_files
import apic_access.config.spec as spec_module
from apic_access import recorder

PETSTORE = 'openapi: 3.0.3\ninfo: {title: Petstore, version: "1.0"}\npaths:\n  /pets:\n    get:\n      responses: {"200": {description: The pets}}\n'
SPEC = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n" + "".join(
    f"      v{i}-0:\n        title: v{i}\n        lifecycleStage: production\n        definitions:\n          openapi: {{title: OpenAPI, file: petstore.yaml}}\n" for i in range(1, 4)
)


def test_the_program_reads_and_checks_a_definition_file_once_and_imports_what_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "petstore.yaml").write_text(PETSTORE, encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    counts = {"spec loads": 0, "file reads": 0, "file checks": 0}
    load, read_bytes, judge = spec_module._load, Path.read_bytes, definition_files.judge

    def counting_load(*args: object) -> object:
        counts["spec loads"] += 1
        return load(*args)  # type: ignore[arg-type]

    def counting_read(self: Path) -> bytes:
        counts["file reads"] += self.name == "petstore.yaml"
        return read_bytes(self)

    def counting_judge(*args: object) -> object:
        counts["file checks"] += 1
        return judge(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(spec_module, "_load", counting_load)
    monkeypatch.setattr(Path, "read_bytes", counting_read)
    monkeypatch.setattr(definition_files, "judge", counting_judge)
    monkeypatch.setattr(definition_files, "_VERDICTS", {})
    # the program alone, as `pulumi up` runs it: no engine (or CLI) scope around it, and the
    # engine's own look at the spec left out
    monkeypatch.setattr(recorder, "_spec_facts", lambda *_args: ({}, {}, None, []))
    rec = recorder._record(spec, "dev", "apic-access", None, None, True, None, True)
    imports = rec.by_type("pulumi-python:dynamic/apicenter:DefinitionImport")
    assert len(imports) == 3
    assert {(r.inputs["file"], r.inputs["contentHash"]) for r in imports} == {("petstore.yaml", hashlib.sha256(PETSTORE.encode()).hexdigest())}
    assert counts == {"spec loads": 1, "file reads": 1, "file checks": 1}
