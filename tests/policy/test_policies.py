"""The policy list, and the pack as the Pulumi engine talks to it (its gRPC analyzer protocol)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pulumi_policy.proxy as sdk_proxy
import pytest
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "apic_access" / "policy"))
policies = importlib.import_module("policies")

VAULT = "azure-native:keyvault:Vault"
ASSIGNMENT = "azure-native:authorization:RoleAssignment"
SUB = "/subscriptions/00000000-0000-0000-0000-00000000bbbb"
CAR = f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/1df7cd83-1d3f-41df-95b0-53b30d963369"
SERVICE = f"{SUB}/resourceGroups/rg/providers/Microsoft.ApiCenter/services/apis"


def test_every_policy_is_mandatory_and_described() -> None:
    assert [p.name for p in policies.POLICIES] == [
        "key-vault-rbac-purge-protection",
        "role-assignment-scope",
        "credential-access-reader-at-binding",
        "client-secret-expiry",
    ]
    for policy in policies.POLICIES:
        assert isinstance(policy, ResourceValidationPolicy)
        assert policy.name and policy.description
        assert policy.enforcement_level is EnforcementLevel.MANDATORY


def test_plain_turns_unknowns_into_placeholders() -> None:
    props = sdk_proxy.unknown_checking_proxy({"properties": {"flag": sdk_proxy.UNKNOWN_BOOLEAN_VALUE, "list": ["a", sdk_proxy.UNKNOWN_STRING_VALUE]}})
    assert policies.plain(props) == {"properties": {"flag": sdk_proxy.UNKNOWN_BOOLEAN_VALUE, "list": ["a", sdk_proxy.UNKNOWN_STRING_VALUE]}}


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack started as Pulumi starts it (`python <pack folder>`), which prints its port."""
    pack = subprocess.Popen([sys.executable, "-u", str(ROOT / "apic_access" / "policy")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert pack.stdout is not None
        port = pack.stdout.readline().strip()
        assert port.isdigit(), pack.stderr.read() if pack.stderr else port
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        pack.kill()
        pack.wait()


def _analyze(stub: analyzer_pb2_grpc.AnalyzerStub, type_: str, props: dict) -> list[tuple[str, int, str]]:
    request = analyzer_pb2.AnalyzeRequest(
        type=type_, properties=json_format.ParseDict(props, struct_pb2.Struct()), urn=f"urn:pulumi:dev::apic-access::{type_}::x", name="x"
    )
    return [(d.policyName, d.enforcementLevel, d.message.splitlines()[-1]) for d in stub.Analyze(request).diagnostics]


def test_served_pack_lists_its_policies(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "apic-access"
    assert {(p.name, p.enforcementLevel) for p in info.policies} == {(p.name, analyzer_pb2.MANDATORY) for p in policies.POLICIES}


def test_served_pack_blocks_and_skips_unknowns(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    found = _analyze(analyzer, ASSIGNMENT, {"scope": SERVICE, "roleDefinitionId": CAR, "principalType": "User"})
    assert [(name, level) for name, level, _ in found] == [("credential-access-reader-at-binding", analyzer_pb2.MANDATORY)]
    assert found[0][2].startswith(f'the Azure API Center Credential Access Reader role is assigned at "{SERVICE}"')
    # unknown values in a preview: no violation, and no "can't run policy" note either
    unknown = sdk_proxy.UNKNOWN_STRING_VALUE
    assert _analyze(analyzer, ASSIGNMENT, {"scope": unknown, "roleDefinitionId": CAR, "principalType": unknown}) == []
    assert _analyze(analyzer, VAULT, {"properties": {"enableRbacAuthorization": sdk_proxy.UNKNOWN_BOOLEAN_VALUE, "enablePurgeProtection": True}}) == []
    assert _analyze(analyzer, VAULT, {"properties": sdk_proxy.UNKNOWN_OBJECT_VALUE}) == []


def test_served_pack_reads_require_private_vault(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    public = {"properties": {"enableRbacAuthorization": True, "enablePurgeProtection": True, "publicNetworkAccess": "Enabled"}}
    assert _analyze(analyzer, VAULT, public) == []
    config = analyzer_pb2.PolicyConfig(
        enforcementLevel=analyzer_pb2.MANDATORY, properties=json_format.ParseDict({"requirePrivateVault": True}, struct_pb2.Struct())
    )
    analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={"key-vault-rbac-purge-protection": config}))
    try:
        assert [name for name, _, _ in _analyze(analyzer, VAULT, public)] == ["key-vault-rbac-purge-protection"]
    finally:
        analyzer.Configure(analyzer_pb2.ConfigureAnalyzerRequest())
