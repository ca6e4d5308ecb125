"""The policies of the apic-access pack: the validators in `validators.py`, adapted to the
policy SDK. Importing this module starts nothing; `__main__.py` serves the list.

Pulumi runs the pack with its folder as the import root, so the pack's modules import
each other by their plain names (`import validators`), also once published on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import validators
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

Validator = Callable[[str, Mapping[str, Any]], list[str]]


def plain(value: Any) -> Any:
    """The engine's props as plain dicts and lists, each unknown value as the engine's placeholder.

    The SDK wraps props so that reading an unknown value raises, which would turn every
    check of a preview into a "can't run policy" note; the validators skip unknowns instead.
    """
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key in value:
            try:
                result[key] = plain(value[key])
            except UnknownValueError as unknown:
                result[key] = unknown.unknown_type_sentinel
        return result
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        items: list[Any] = []
        for index in range(len(value)):
            try:
                items.append(plain(value[index]))
            except UnknownValueError as unknown:
                items.append(unknown.unknown_type_sentinel)
        return items
    return value


def _validate(validator: Validator) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for message in validator(args.resource_type, plain(args.props)):
            report_violation(message, None)

    return validate


def _validate_key_vault(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    require_private = args.get_config().get("requirePrivateVault", False) is True
    for message in validators.key_vault(args.resource_type, plain(args.props), require_private_vault=require_private):
        report_violation(message, None)


POLICIES: list[ResourceValidationPolicy] = [
    ResourceValidationPolicy(
        name="key-vault-rbac-purge-protection",
        description="Key Vaults use Azure RBAC (enableRbacAuthorization) and purge protection; with requirePrivateVault, public network access is Disabled.",
        validate=_validate_key_vault,
        enforcement_level=EnforcementLevel.MANDATORY,
        config_schema=PolicyConfigSchema(
            properties={
                "requirePrivateVault": {
                    "type": "boolean",
                    "default": False,
                    "description": 'true: every Key Vault must set publicNetworkAccess to "Disabled" (reached through a private endpoint).',
                }
            }
        ),
    ),
    ResourceValidationPolicy(
        name="role-assignment-scope",
        description="Role assignments are scoped to one resource inside a resource group (never a management group, subscription or whole resource group) and set principalType.",
        validate=_validate(validators.role_assignment),
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="credential-access-reader-at-binding",
        description="The Azure API Center Credential Access Reader role is assigned only at a binding (.../apis/<api>/versions/<version>/securityRequirements/<name>), or at an API version or API where the spec's access `scope` chose it (recorded in the assignment's description).",
        validate=_validate(validators.credential_access_reader),
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    ResourceValidationPolicy(
        name="client-secret-expiry",
        description="Entra client secrets (ApplicationPassword) have an end date: endDate or endDateRelative.",
        validate=_validate(validators.client_secret),
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
