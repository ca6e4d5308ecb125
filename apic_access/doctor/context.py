"""What every check of doctor reads: the spec, the recorded program, live Azure, and the report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apic_access.azure.client import AzureError
from apic_access.config.model import Spec
from apic_access.live import Live
from apic_access.recorder import Recording

from .report import ERROR, WARNING, Report

READER_FIX = (
    "give the identity running doctor Reader on the subscription (and, for Entra, Graph's User.ReadBasic.All, "
    "GroupMember.Read.All and Application.Read.All), then run doctor again"
)


@dataclass
class Context:
    spec: Spec
    rec: Recording
    live: Live
    report: Report
    stack: str
    graph_claims: dict[str, Any] = field(default_factory=dict)
    _resources: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # lower-case id -> resource, None: absent
    rights: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # lower-case scope -> the caller's permission entries

    @property
    def subscription(self) -> str:
        return self.live.subscription

    @property
    def subscription_scope(self) -> str:
        return f"/subscriptions/{self.subscription}"

    def resource(self, resource_id: str, api_version: str, what: str) -> dict[str, Any] | None:
        """A live resource (read once per run), or None when it does not exist."""
        key = resource_id.lower()
        if key not in self._resources:
            self._resources[key] = self.live.arm.get(resource_id, api_version, what=f"reading {what}")
        return self._resources[key]

    def exists(self, resource_id: str) -> bool:
        """Whether a resource read earlier exists (False when it was not read)."""
        return self._resources.get(resource_id.lower()) is not None

    def attempt(self, check: str, what: str, run: Callable[[], None]) -> None:
        """Run one check; a read Azure refuses (403, 404 of a parent, 400) is a warning that says
        what could not be checked, and the other checks still run. Unreachable or signed out
        (no status, or 401) stops the whole run: nothing else would work either. An answer of a
        shape doctor does not know is an error: it cannot say that `pulumi up` may go ahead."""
        try:
            run()
        except AzureError as exc:
            if exc.status is None or exc.status == 401:
                raise
            self.report.add(check, WARNING, f"could not check {what}: {exc}", READER_FIX)
        except Exception as exc:  # noqa: BLE001 - an answer doctor does not understand must not hide the other checks
            self.report.add(
                check,
                ERROR,
                f"could not check {what}: Azure's answer was not understood ({type(exc).__name__}: {exc})",
                "run doctor again; if it persists, report it to apic-access with this message",
            )
