"""`apic-access doctor`: before `pulumi up`, everything in the subscription and the tenant
that would stop it, found in one read-only run.

One module per concern: `names` (soft-deleted and taken names), `providers` (registration and
location), `rights` (the deploying identity's ARM actions at every scope the stack writes),
`entra` (Graph permissions and the principals the spec names), `budget` (secret config and
the role-assignment budget); `report` prints the findings, `engine` runs them in order.
"""

from .engine import doctor
from .report import FORMATS, Finding, Report, exit_code

__all__ = ["FORMATS", "Finding", "Report", "doctor", "exit_code"]
