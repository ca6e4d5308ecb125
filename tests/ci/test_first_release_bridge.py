"""A definition import created by the first release names its provider `components.definition_import`
in the state: the dynamic-provider host (run in the project folder) still finds it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_old_module_path_still_unpickles() -> None:
    script = (
        "import base64, dill, pickle\n"
        "import components.definition_import as old\n"
        "from apic_access.components.definition_import import DefinitionImportProvider\n"
        "blob = pickle.dumps(old.DefinitionImportProvider(), protocol=0)  # text: the module path is plain bytes\n"
        "assert b'apic_access.components.definition_import' in blob\n"
        "legacy = blob.replace(b'apic_access.components.definition_import', b'components.definition_import')\n"
        "print(type(pickle.loads(legacy)) is DefinitionImportProvider)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "True", out.stderr
