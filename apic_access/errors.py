"""The failure every command may end with: a message for the user and an exit code."""

from __future__ import annotations


class CommandError(Exception):
    """A user-facing failure: exit 1 (bad spec, something to fix) or 2 (usage). The message
    is printed as it is (stdout for 1, stderr for 2), never with a traceback."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


# The import names of the `deploy` extra (pip install 'apic-access[deploy]'): the Pulumi SDKs
# that running the program needs (plan, diff, graph, import-ids, export, `pulumi up`), left
# out of an install that only validates.
DEPLOY_EXTRA = frozenset({"pulumi", "pulumi_azure_native", "pulumi_azuread", "pulumi_policy"})
