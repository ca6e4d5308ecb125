"""A definition import created by the first release names its provider `components.definition_import`
in the state: in a checkout, the dynamic-provider host (run in the project folder) still finds it
through the bridge at the repository root. Outside a checkout, `apic-access migrate-state` moves
it to the lasting path (tests/components/test_upgrades.py drives both through Pulumi's host)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "components" / "golden" / "first-release-8b6e663-DefinitionImportProvider.b64"


def test_the_first_releases_pickle_loads_in_the_checkout() -> None:
    script = (
        "import base64, dill, sys\n"
        "from apic_access.components.definition_import import DefinitionImportProvider\n"
        "blob = base64.b64decode(open(sys.argv[1]).read())\n"
        "assert b'apic_access' not in blob  # the path the first release wrote\n"
        "print(type(dill.loads(blob)) is DefinitionImportProvider)\n"
    )
    out = subprocess.run([sys.executable, "-c", script, str(GOLDEN)], cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "True", out.stderr
