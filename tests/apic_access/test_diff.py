"""The diff states what Azure will see: replacements (and in which order), updates with old
and new values, protection changes, deletions with the way to keep a resource, and
nothing at all for a change Azure does not see."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from apic_access import diff
from apic_access.cli import main
from apic_access.recorder import SECRET, Recording, Registration, record

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def config(tmp_path: Path) -> Path:
    """A throwaway copy of the example specs, to edit as a pull request would."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    return tmp_path / "config"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def diff_of(before: Path, after: Path, stack: str) -> diff.Diff:
    return diff.diff(record(before, stack=stack), record(after, stack=stack))


def test_location_change_replaces_the_service(config: Path, tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "prod.yaml", "location: westeurope", "location: northeurope")
    d = diff_of(before / "prod.yaml", config / "prod.yaml", "prod")
    by_name = {e.resource.name: e for e in d.entries}
    service = by_name["contoso-apis-prod"]
    assert service.action == "replace" and service.mode == "create-before-delete"
    assert [(c.path, c.old, c.new) for c in service.changes] == [("location", "westeurope", "northeurope")]
    assert "x-ms-mutability" in (service.changes[0].replaces or "")
    assert by_name["kv-contoso-prod"].action == "replace"
    assert by_name["rg-contoso-apis-prod"].action == "replace"
    # the portal redirect URIs follow the new host names: an update, not a replacement
    assert by_name["portal-signin/spa"].action == "update"
    assert d.summary().startswith("3 to replace, 0 to delete in Azure")
    move = "Azure does not move it from westeurope to northeurope: the replacement has the same name, and Azure refuses to create it while the old one exists, so `pulumi up` fails here unless the old one is deleted first"
    assert service.notes == ["protected: `pulumi up` refuses to replace it until `protect` is turned off", move]
    # what replacing the resource group takes, and which names stay taken afterwards
    assert by_name["rg-contoso-apis-prod"].notes[1:] == [
        move,
        "deleting resource group rg-contoso-apis-prod deletes everything in it (apicenter:Service contoso-apis-prod, keyvault:Vault kv-contoso-prod, "
        "and anything else in it), then it is created empty",
        "names that stay taken after the delete: API center contoso-apis-prod (soft-deleted: its name stays taken until it is purged or restored); "
        "Key Vault kv-contoso-prod (purge protection: it cannot be purged, its name stays taken in every region for 90 days)",
    ]


def test_title_change_shows_old_and_new(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "dev.yaml", "title: Petstore\n", "title: Petstore API\n")
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(config / "dev.yaml"), "--format", "text", "--exit-code")
    assert code == 2  # something changes: pipelines can tell
    assert out == "Stack 'dev': 0 to replace, 0 to delete in Azure, 0 to create, 1 to update in place\n  ~ apicenter:Api petstore: update in place\n      title: Petstore → Petstore API\n"
    code, _ = run(capsys, "diff", str(config / "dev.yaml"), str(config / "dev.yaml"), "--exit-code")
    assert code == 0


def test_turning_protect_off_on_prod_is_an_unprotect(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "prod.yaml", "protect: true ", "protect: false")
    code, out = run(capsys, "diff", str(before / "prod.yaml"), str(config / "prod.yaml"), "--stack", "prod", "--format", "json")
    d = json.loads(out)
    assert code == 0
    assert {(r["action"], r["name"]) for r in d["resources"]} == {
        ("unprotect", "rg-contoso-apis-prod"),
        ("unprotect", "contoso-apis-prod"),
        ("unprotect", "kv-contoso-prod"),
        ("unprotect", "petstore-oauth"),
        ("unprotect", "portal-signin"),
    }
    assert d["summary"]["unprotect"] == 5 and d["changed"] is True


def test_existing_true_on_a_managed_api_is_deleted_in_azure(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "dev.yaml", "  petstore:\n    title: Petstore\n", "  petstore:\n    existing: true\n    title: Petstore\n")
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(config / "dev.yaml"), "--format", "text")
    assert code == 0
    lines = out.splitlines()
    i = lines.index("  - apicenter:Api petstore: delete (deleted in Azure)")
    block = lines[i + 1 : i + 6]
    assert "      now `existing: true` in the spec, but the stack created it: `pulumi up` deletes it in Azure" in block
    assert any(line.startswith("      Azure deletes what is under it too, though this stack still manages it: apicenter:ApiDefinition petstore/v1-0/openapi") for line in block)
    urn = "urn:pulumi:dev::apic-access::apic-access:index:Inventory$azure-native:apicenter:Api::petstore"
    assert f"      to keep it in Azure: `pulumi state delete '{urn}'` before `pulumi up`" in block
    assert lines[0] == "Stack 'dev': 0 to replace, 1 to delete in Azure, 0 to create, 0 to update in place"


def test_removing_an_api_is_a_reviewed_deletion(config: Path, tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    text = (config / "dev.yaml").read_text(encoding="utf-8")
    start = text.index("  partner-orders:")
    end = text.index("\nportal:")
    (config / "dev.yaml").write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    d = diff_of(before / "dev.yaml", config / "dev.yaml", "dev")
    assert d.entries and {e.action for e in d.entries} == {"delete", "forget"}
    # `pulumi state delete` keeps something in Azure only for what Azure does not delete with
    # the API anyway: the API itself and the role assignments (separate objects)
    offered = {(e.resource.type.rsplit(":", 1)[-1], e.resource.name) for e in d.entries if e.keep_command == f"pulumi state delete '{e.resource.urn}'"}
    assert offered == {
        ("Api", "partner-orders"),
        ("RoleAssignment", "partner-orders/v1-0/legacy-basic/users/carol@contoso.com"),
        ("RoleAssignment", "partner-orders/v1-0/partner-oauth/groups/partner integrators"),
    }
    by_name = {e.resource.name: e for e in d.entries}
    assert by_name["partner-orders/v1-0"].notes == ["Azure deletes it with apicenter:Api partner-orders"]
    # an import: deleting it deletes nothing in Azure
    assert (by_name["partner-orders/v1-0/openapi/import"].action, by_name["partner-orders/v1-0/openapi/import"].notes) == (
        "forget",
        ["nothing to delete in Azure: what it imported stays in the definition for as long as the definition does"],
    )
    assert d.summary() == "0 to replace, 8 to delete in Azure, 0 to create, 0 to update in place, 1 to drop from the stack only (nothing in Azure)"
    text = diff.to_text(d)
    assert "to keep it in Azure" not in text.split("  - apicenter:ApiVersion partner-orders/v1-0: delete (deleted in Azure)\n")[1].split("\n  - ")[0]
    assert all("existing" not in " ".join(e.notes) for e in d.entries)
    md = diff.to_markdown(d)
    assert md.splitlines()[2].startswith("**0 to replace, ") and "to delete in Azure" in md.splitlines()[2]
    assert "| **delete (deleted in Azure)** | `apicenter:Api` | `partner-orders` |" in md


def test_a_spec_new_at_base_diffs_against_an_empty_stack(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    repo = tmp_path / "repo"
    (repo / "config").mkdir(parents=True)
    (repo / "README").write_text("x", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "config" / "test.yaml").write_text("specVersion: 1\napiCenter: {name: apis-t, resourceGroup: rg-t, location: eastus}\n", encoding="utf-8")
    monkeypatch.chdir(repo)
    code, out = run(capsys, "diff", "HEAD:config/test.yaml", "config/test.yaml", "--stack", "test", "--format", "text")
    assert code == 0
    assert out.splitlines()[:2] == [
        "`HEAD:config/test.yaml` does not exist: the stack is new, everything is created.",
        "Stack 'test': 0 to replace, 0 to delete in Azure, 2 to create, 0 to update in place",
    ]


def test_base_revision_reads_definitions_outside_the_spec_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    repo = tmp_path / "repo"
    (repo / "specs" / "stacks").mkdir(parents=True)
    (repo / "openapi").mkdir()
    (repo / "openapi" / "pets.yaml").write_text((ROOT / "config" / "apis" / "petstore-v1.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    spec = repo / "specs" / "stacks" / "dev.yaml"
    body = (
        "specVersion: 1\napiCenter: {name: apis-d, resourceGroup: rg-d, location: eastus}\n"
        "apis:\n  pets:\n    title: Pets\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: design\n"
        "        definitions:\n          openapi: {title: OpenAPI, file: ../../openapi/pets.yaml}\n"
    )
    spec.write_text(body, encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    spec.write_text(body.replace("title: Pets", "title: Pets API"), encoding="utf-8")
    monkeypatch.chdir(repo / "specs")  # REV:PATH is relative to the repository's top, as in git
    code, out = run(capsys, "diff", "HEAD:specs/stacks/dev.yaml", "stacks/dev.yaml", "--format", "text")
    assert code == 0, out
    assert out.splitlines()[1:] == ["  ~ apicenter:Api pets: update in place", "      title: Pets → Pets API"]


def test_values_are_masked_and_shortened() -> None:
    assert diff.shorten(SECRET) == SECRET
    long = "https://" + "a" * 200 + ".example.com/end"
    short = diff.shorten(long)
    assert len(short) == diff.MAX_VALUE and short.startswith("https://aaa") and short.endswith(".example.com/end") and "…" in short
    assert diff.shorten({"b": 1, "a": [True]}) == '{"a": [true], "b": 1}'
    assert diff.shorten(None) == "(none)"


def test_secret_values_never_appear(config: Path, tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "dev.yaml", "fromConfig: petstoreApiKey", "fromConfig: petstoreApiKey2")
    secrets = {"apic-access:petstoreApiKey": "old-PLAINTEXT-1", "apic-access:petstoreApiKey2": "new-PLAINTEXT-2"}
    d = diff.diff(record(before / "dev.yaml", stack="dev", config=secrets), record(config / "dev.yaml", stack="dev", config=secrets))
    rendered = diff.to_text(d) + diff.to_markdown(d) + diff.to_json(d)
    assert "PLAINTEXT" not in rendered
    assert d.entries == []  # a secret's source changed, the recorded value is [secret] either way


def _reg(name: str, type_: str, inputs: dict, **options: object) -> Registration:
    return Registration(urn=f"urn:pulumi:dev::apic-access::{type_}::{name}", type=type_, name=name, custom=True, parent="", inputs=inputs, dependencies=[], options=dict(options))


def test_order_protection_retain_and_ignored_changes() -> None:
    spa = "azuread:index/applicationRedirectUris:ApplicationRedirectUris"
    base = Recording("apic-access", "dev", [
        _reg("app/spa", spa, {"applicationId": "/applications/1", "type": "SPA", "redirectUris": ["https://a"]}),
        _reg("kept", "azure-native:apicenter:Environment", {"environmentName": "kept", "title": "K"}, retainOnDelete=True),
        _reg("guarded", "azure-native:apicenter:Environment", {"environmentName": "guarded", "title": "G"}, protect=True),
        _reg("secret", "azuread:index/applicationPassword:ApplicationPassword", {"endDate": "2030-01-01T00:00:00Z", "displayName": "x"}, ignoreChanges=["endDate"]),
    ])
    head = Recording("apic-access", "dev", [
        _reg("app/spa", spa, {"applicationId": "/applications/1", "type": "PublicClient", "redirectUris": ["https://a"]}),
        _reg("secret", "azuread:index/applicationPassword:ApplicationPassword", {"endDate": "2031-01-01T00:00:00Z", "displayName": "x"}, ignoreChanges=["endDate"]),
    ])
    d = diff.diff(base, head)
    by_name = {e.resource.name: e for e in d.entries}
    assert set(by_name) == {"app/spa", "kept", "guarded"}  # an ignored property is no change
    assert by_name["app/spa"].action == "replace" and by_name["app/spa"].mode == "delete-before-create"  # the Terraform bridge deletes first
    assert by_name["kept"].action == "retain" and by_name["kept"].keep_command is None
    assert by_name["guarded"].action == "delete"
    assert "protected: `pulumi up` refuses to delete it until `protect` is turned off" in by_name["guarded"].notes
    assert [e.action for e in d.entries] == ["replace", "delete", "retain"]  # replacements and deletions first


ALICE_ID = "a11ce000-0000-4000-8000-000000000001"


def test_entra_stand_ins_show_as_labels_and_a_known_object_id_as_itself() -> None:
    offline = record(ROOT / "config" / "dev.yaml", stack="dev")
    known = record(ROOT / "config" / "dev.yaml", stack="dev", lookups={"alice@contoso.com": ALICE_ID})
    text = diff.to_text(diff.diff(offline, known))
    assert text == (
        "Stack 'dev': 2 to replace, 0 to delete in Azure, 0 to create, 0 to update in place\n"
        "  +- authorization:RoleAssignment petstore/v1-0/petstore-key/users/alice@contoso.com: replace (delete, then create)\n"
        f"      principalId: <object id of user alice@contoso.com> → {ALICE_ID} (forces replacement)\n"
        # still derived from a scope in the subscription a plan does not know
        "      roleAssignmentName: <derived at deploy> → <derived at deploy>, a different one (forces replacement)\n"
        "  +- azuread:ApplicationOwner petstore-oauth/owner/alice@contoso.com: replace (delete, then create)\n"
        f"      ownerObjectId: <object id of user alice@contoso.com> → {ALICE_ID} (forces replacement)\n"
    )
    changes = json.loads(diff.to_json(diff.diff(offline, known)))["resources"][0]["changes"]
    assert [(c["path"], c["old"]) for c in changes] == [("principalId", "<object id of user alice@contoso.com>"), ("roleAssignmentName", "<derived at deploy>")]
    # two labels alike: JSON says the values differ, as the text's ", a different one" does
    assert [c.get("differentValue", False) for c in changes] == [False, True]


def test_a_name_derived_anew_from_a_stand_in_says_it_is_another_one(config: Path, tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "dev.yaml", "  name: contoso-apis-${stack}", "  name: contoso-api-${stack}")
    d = diff_of(before / "dev.yaml", config / "dev.yaml", "dev")
    lines = diff.to_text(d).splitlines()
    i = lines.index("  +- authorization:RoleAssignment petstore/v1-0/petstore-key/users/alice@contoso.com: replace (delete, then create)")
    assert lines[i + 1] == "      roleAssignmentName: <derived at deploy> → <derived at deploy>, a different one (forces replacement)"
    # two long scopes are cut around where they differ, so the change reads
    # never inside a word
    assert lines[i + 2] == "      scope: …services/contoso-apis-dev/workspaces/default… → …services/contoso-api-dev/workspaces/default… (forces replacement)"
    assert not [oid for oid in d.placeholders if oid in diff.to_text(d) + diff.to_markdown(d) + diff.to_json(d)]


def test_long_values_are_cut_around_their_difference() -> None:
    head = "/subscriptions/s/resourceGroups/rg-contoso-apis-dev/providers/Microsoft.ApiCenter/services/"
    old, new = head + "contoso-apis-dev/workspaces/default/apis/orders", head + "contoso-apis-prod/workspaces/default/apis/orders"
    assert diff.shorten_pair(old, new) == ("…services/contoso-apis-dev/workspaces/default/apis…", "…services/contoso-apis-prod/workspaces/default/apis…")
    # short values, equal ones and secrets as before
    assert diff.shorten_pair("a", "b") == ("a", "b")
    assert diff.shorten_pair(old, old) == (diff.shorten(old), diff.shorten(old))
    # a difference longer than the limit is itself cut in the middle
    x, y = diff.shorten_pair("p" * 50 + "x" * 300 + "s" * 50, "p" * 50 + "y" * 300 + "s" * 50)
    assert (len(x), len(y)) == (diff.MAX_VALUE, diff.MAX_VALUE) and x.startswith("…" + "p" * 20 + "x") and x.endswith("x" + "s" * 20 + "…")


def test_a_principal_added_shows_what_it_stands_for(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "dev.yaml", "users: [alice@contoso.com]", "users: [alice@contoso.com, Erin@contoso.com]")
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(config / "dev.yaml"), "--quiet")
    assert code == 0
    assert (
        "| **create** | `authorization:RoleAssignment` | `petstore/v1-0/petstore-key/users/erin@contoso.com` | "
        "Azure API Center Credential Access Reader -&gt; User &lt;object id of user Erin@contoso.com&gt; at securityRequirements/petstore-key |"
    ) in out.splitlines()


# A diff of a stack at a revision (`--base REV`) reads that revision's Pulumi.<stack>.yaml: the
# spec it names there and the settings it records with (shard, platform stack). The working
# tree's stack file is HEAD's only.


def project_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """A git repository holding the project's stack files and specs, committed, as the current folder."""
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    for f in ROOT.glob("Pulumi*.yaml"):
        shutil.copy(f, repo / f.name)
    shutil.copytree(ROOT / "config", repo / "config")
    git = ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], check=True)
    commit(git)
    monkeypatch.chdir(repo)
    return repo, git


def commit(git: list[str]) -> None:
    import subprocess

    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "change"], check=True)


def test_a_stack_file_naming_another_spec_is_the_change_pulumi_up_makes(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, _ = project_repo(tmp_path, monkeypatch)
    edit(repo / "Pulumi.prod.yaml", "apic-access:spec: config/prod.yaml", "apic-access:spec: config/dev.yaml")
    code, out = run(capsys, "diff", "--base", "HEAD", "--stack", "prod", "--format", "text", "--exit-code", "--quiet")
    assert code == 2
    lines = out.splitlines()
    assert lines[:2] == [
        "The stack's spec changes: `config/prod.yaml` at HEAD → `config/dev.yaml` in the working tree (Pulumi.prod.yaml, `apic-access:spec`).",
        "Stack 'prod': 3 to replace, 4 to delete in Azure, 30 to create, 8 to update in place",
    ]
    assert "  +- apicenter:Service contoso-apis-prod: replace (create, then delete)" in lines
    # the spec named explicitly at the base revision reads the same
    code, out = run(capsys, "diff", "HEAD:config/prod.yaml", "config/dev.yaml", "--stack", "prod", "--format", "text", "--quiet")
    assert out.splitlines()[0] == "Stack 'prod': 3 to replace, 4 to delete in Azure, 30 to create, 8 to update in place"


def test_a_spec_moved_with_its_stack_file_changes_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, _ = project_repo(tmp_path, monkeypatch)
    (repo / "config" / "prod.yaml").rename(repo / "config" / "prod-main.yaml")
    edit(repo / "config" / "sharded.yaml", "extends: prod.yaml", "extends: prod-main.yaml")
    edit(repo / "Pulumi.prod.yaml", "apic-access:spec: config/prod.yaml", "apic-access:spec: config/prod-main.yaml")
    code, out = run(capsys, "diff", "--base", "HEAD", "--stack", "prod", "--format", "text", "--exit-code", "--quiet")
    assert (code, out.splitlines()) == (
        0,
        [
            "The stack's spec changes: `config/prod.yaml` at HEAD → `config/prod-main.yaml` in the working tree (Pulumi.prod.yaml, `apic-access:spec`).",
            "No changes for stack 'prod'.",
        ],
    )
    code, out = run(capsys, "diff", "--base", "HEAD", "--stack", "prod", "--quiet")  # the pull-request comment
    assert out.splitlines()[2:] == [
        "The stack's spec changes: `config/prod.yaml` at HEAD → `config/prod-main.yaml` in the working tree (Pulumi.prod.yaml, `apic-access:spec`).",
        "",
        "No changes: this spec change leaves Azure as it is.",
    ]


def test_a_stack_file_new_since_the_base_is_a_new_stack(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, git = project_repo(tmp_path, monkeypatch)
    # a spec already at the base, but no stack deployed it: no stack file there
    (repo / "config" / "test.yaml").write_text("specVersion: 1\napiCenter: {name: apis-t, resourceGroup: rg-t, location: eastus}\n", encoding="utf-8")
    commit(git)
    (repo / "config" / "test.yaml").write_text("specVersion: 1\napiCenter: {name: apis-t2, resourceGroup: rg-t, location: eastus}\n", encoding="utf-8")
    (repo / "Pulumi.test.yaml").write_text("config:\n  apic-access:spec: config/test.yaml\n", encoding="utf-8")
    code, out = run(capsys, "diff", "--base", "HEAD", "--stack", "test", "--format", "text", "--quiet")
    assert code == 0
    assert out.splitlines() == [
        "`Pulumi.test.yaml` does not exist at HEAD: stack 'test' is new, everything is created.",
        "Stack 'test': 0 to replace, 0 to delete in Azure, 2 to create, 0 to update in place",
        "  + apicenter:Service apis-t2: create",
        "      serviceName=apis-t2",  # a create shows its detail in text, as in markdown
        "  + resources:ResourceGroup rg-t: create",
        "      resourceGroupName=rg-t",
    ]


def test_a_deleted_stack_file_shows_every_resource_it_leaves(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, _ = project_repo(tmp_path, monkeypatch)
    (repo / "Pulumi.prod.yaml").unlink()
    code, out = run(capsys, "diff", "--base", "HEAD", "--stack", "prod", "--format", "text", "--exit-code", "--quiet")
    assert code == 2
    lines = out.splitlines()
    # the header and the summary agree: deleting the file deletes nothing (the deploy workflow
    # deploys the stacks whose files exist); what `pulumi destroy` would do is said per resource
    assert lines[:2] == [
        "`Pulumi.prod.yaml` does not exist in the working tree: stack 'prod' is no longer deployed. Deleting a stack file deletes nothing in Azure: "
        "the deploy workflow runs `pulumi up` for the stacks whose files exist, so the resources below stay in Azure and in the stack's state, "
        "managed by no pipeline. To delete them, run `pulumi destroy --stack prod` before the stack file goes (then `pulumi stack rm prod`); "
        "to keep managing them, keep the stack file.",
        "Stack 'prod': 31 left in Azure, deployed by no pipeline; nothing is deleted in Azure (`pulumi destroy --stack prod` would delete 28 of them)",
    ]
    i = lines.index("  = apicenter:Service contoso-apis-prod: left in Azure (no pipeline deploys it)")
    assert lines[i + 1 : i + 4] == [
        "      serviceName=contoso-apis-prod",
        "      `pulumi destroy --stack prod` would delete it in Azure",
        "      protected: `pulumi up` refuses to delete it until `protect` is turned off",
    ]
    assert "to delete in Azure" not in out and "to keep it in Azure" not in out
    kept = [line for line in lines if "retainOnDelete" in line]
    assert kept == ["      `pulumi destroy` would leave it in Azure (retainOnDelete)"] * 2
    workflow = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    assert "apic-access stacks --format json" in workflow and "destroy" not in workflow  # what the note says of it
    # no stack file on either side: a mistyped --stack, not an empty diff
    code = main(["diff", "--base", "HEAD", "--stack", "prd", "--quiet"])
    assert code == 2
    assert "stack 'prd' has no Pulumi.prd.yaml at HEAD nor in the working tree: check --stack" in capsys.readouterr().err


def test_the_base_is_recorded_with_the_base_revisions_shard(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, git = project_repo(tmp_path, monkeypatch)
    (repo / "Pulumi.inv.yaml").write_text("config:\n  apic-access:spec: config/sharded.yaml\n  apic-access:shard: platform\n", encoding="utf-8")
    commit(git)
    (repo / "Pulumi.inv.yaml").write_text("config:\n  apic-access:spec: config/sharded.yaml\n", encoding="utf-8")  # the whole inventory now
    expected = [
        "`apic-access:shard` changes: `platform` at HEAD → (not set) in the working tree (Pulumi.inv.yaml).",
        "Stack 'inv': 0 to replace, 0 to delete in Azure, 9 to create, 0 to update in place",
    ]
    for args in (["--base", "HEAD"], ["HEAD:", "config/sharded.yaml"], ["HEAD:config/sharded.yaml", "config/sharded.yaml"]):
        code, out = run(capsys, "diff", *args, "--stack", "inv", "--format", "text", "--quiet")
        assert code == 0
        lines = out.splitlines()
        assert lines[:2] == expected, args
        assert "  + apicenter:Api petstore: create" in lines


def test_diff_says_which_sides_it_needs(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project_repo(tmp_path, monkeypatch)
    for args, message in (
        ([], "diff: give --base REV (stack 'dev' at REV against the working tree's), or BASE HEAD (two specs)"),
        (["--base", "HEAD", "config/dev.yaml"], "diff: give either --base REV (stack 'dev' at REV) or BASE HEAD (two specs), not both"),
        (["--head", "HEAD", "HEAD:", "config/dev.yaml"], "diff: --head REV goes with --base REV"),
        (["--base", "nope"], "cannot read --base nope from git: 'nope' is not a revision of this repository"),
        (["--base=--output=x"], "cannot read --base --output=x from git: '--output=x' is not a revision of this repository"),  # never a git option
    ):
        code = main(["diff", *args])
        out, err = capsys.readouterr()
        assert (code, out) == (2, ""), args
        assert message in err, args


# --- renamed keys (`moved:`) -------------------------------------------------------------------


def rename_app(spec: Path, *, moved: bool) -> None:
    """config/dev.yaml with its Entra app `petstore-oauth` under the key `petstore-app`."""
    edit(spec, "entraApps:\n  petstore-oauth:", "entraApps:\n  petstore-app:")
    edit(spec, "      entraApp: petstore-oauth\n", "      entraApp: petstore-app\n")
    if moved:
        spec.write_text(spec.read_text(encoding="utf-8") + "\nmoved:\n  - from: entraApps.petstore-oauth\n    to: entraApps.petstore-app\n", encoding="utf-8")


AZUREAD_PARTS = [
    ("azuread:index/applicationIdentifierUri:ApplicationIdentifierUri", "petstore-app", "petstore-oauth"),
    ("azuread:index/applicationOwner:ApplicationOwner", "petstore-app/owner/alice@contoso.com", "petstore-oauth/owner/alice@contoso.com"),
    ("azuread:index/applicationPassword:ApplicationPassword", "petstore-app", "petstore-oauth"),
    ("azuread:index/applicationPermissionScope:ApplicationPermissionScope", "petstore-app/Pets.Read", "petstore-oauth/Pets.Read"),
    ("azuread:index/applicationPermissionScope:ApplicationPermissionScope", "petstore-app/Pets.Write", "petstore-oauth/Pets.Write"),
    ("azuread:index/applicationRedirectUris:ApplicationRedirectUris", "petstore-app/spa", "petstore-oauth/spa"),
    ("azuread:index/applicationRegistration:ApplicationRegistration", "petstore-app", "petstore-oauth"),
    ("azuread:index/servicePrincipal:ServicePrincipal", "petstore-app", "petstore-oauth"),
]


def test_an_entra_app_renamed_with_moved_is_kept(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    rename_app(config / "dev.yaml", moved=True)
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(config / "dev.yaml"), "--format", "json", "--exit-code", "--quiet")
    d = json.loads(out)
    assert code == 2
    azuread = [r for r in d["resources"] if r["type"].startswith("azuread:")]
    # the app and every part of it: renamed in the stack, nothing deleted, created or replaced
    assert sorted((r["action"], r["type"], r["name"], r["renamedFrom"]["name"]) for r in azuread) == [("rename", *part) for part in AZUREAD_PARTS]
    assert d["summary"] == {"replace": 1, "delete": 0, "create": 0, "update": 1, "rename": 8, "protect": 0, "unprotect": 0, "retain": 0, "forget": 0, "leave": 0}
    # the client secret's vault secret was named after the key (the default): Azure has no rename
    secret = next(r for r in d["resources"] if r["type"] == "azure-native:keyvault:Secret")
    assert (secret["action"], secret["name"], secret["renamedFrom"]["name"]) == ("replace", "kv-contoso-dev/petstore-app-client-secret", "kv-contoso-dev/petstore-oauth-client-secret")
    # the auth config keeps the app's client id: only the secret's reference changes
    auth = next(r for r in d["resources"] if r["name"] == "petstore-oauth" and r["type"].endswith("PreviewResource"))
    assert [c["path"] for c in auth["changes"]] == ["properties.oauth2.clientSecret"]

    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(config / "dev.yaml"), "--quiet")
    lines = out.splitlines()
    assert lines[2] == "**1 to replace, 0 to delete in Azure, 0 to create, 1 to update in place, 8 renamed in the stack only.**"
    assert (
        "| **rename (kept in Azure)** | `azuread:ApplicationRegistration` | `petstore-app` | "
        "renamed from petstore-oauth (`moved` in the spec): Pulumi finds it under its old name and keeps it in Azure |"
    ) in lines
    assert (
        "| **replace (create, then delete)** | `keyvault:Secret` | `kv-contoso-dev/petstore-app-client-secret` | renamed from kv-contoso-dev/petstore-oauth-client-secret "
        "(`moved` in the spec), but its Azure name changes with the key and Azure has no rename: `pulumi up` replaces it<br>"
        "secretName: petstore-oauth-client-secret → petstore-app-client-secret (forces replacement) |"
    ) in lines


def test_an_entra_app_renamed_without_moved_is_a_new_app(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    rename_app(config / "dev.yaml", moved=False)
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(config / "dev.yaml"), "--format", "text", "--quiet")
    lines = out.splitlines()
    assert lines[0] == "Stack 'dev': 0 to replace, 8 to delete in Azure, 9 to create, 1 to update in place, 1 to drop from the stack but keep in Azure"
    assert "  - azuread:ApplicationRegistration petstore-oauth: delete (deleted in Azure)" in lines
    assert "  + azuread:ApplicationRegistration petstore-app: create" in lines
    # the auth config gets the new app's client id, not only its new secret
    i = lines.index("  ~ dynamic/apicenter:PreviewResource petstore-oauth: update in place")
    assert lines[i + 1 : i + 4] == [
        "      properties.oauth2.clientId: [unknown until apply] → [another value, unknown until apply]",
        "      properties.oauth2.clientSecret: https://kv-contoso-dev.vault.azure.net/secrets/petstore-oauth-client-secret → "
        "https://kv-contoso-dev.vault.azure.net/secrets/petstore-app-client-secret",
        "      properties.oauth2.clientId: from azuread:ApplicationRegistration petstore-app, a new resource in the place of petstore-oauth (deleted): "
        "a new value, known only after `pulumi up`",
    ]
    # Pulumi creates before it deletes: the new app's identifier URI is still the old app's
    i = lines.index("  + azuread:ApplicationIdentifierUri petstore-app: create")
    assert lines[i + 1] == (
        "      Entra refuses a duplicate identifier URI, and `pulumi up` creates this before it deletes petstore-oauth, which holds "
        "api://<tenant id>/petstore-dev: this create fails. If the app's key was renamed, add a `moved` entry (the app is kept, with its client id); "
        "otherwise give the new app another identifierUri"
    )
    # the app's parts go with the app: no state-delete hint that would keep nothing
    i = lines.index("  - azuread:ApplicationPermissionScope petstore-oauth/Pets.Read: delete (deleted in Azure)")
    assert lines[i + 1 : i + 3] == ["      Entra deletes it with app petstore-oauth", "  - azuread:ApplicationPermissionScope petstore-oauth/Pets.Write: delete (deleted in Azure)"]
    urn = "urn:pulumi:dev::apic-access::apic-access:index:EntraApp$azuread:index/applicationRegistration:ApplicationRegistration::petstore-oauth"
    i = lines.index("  - azuread:ApplicationRegistration petstore-oauth: delete (deleted in Azure)")
    assert lines[i + 1 : i + 4] == [
        "      displayName=Petstore API (dev)",
        "      a new app petstore-app is created in this run: if entraApps.petstore-oauth was renamed to entraApps.petstore-app, add "
        "`moved: [{from: entraApps.petstore-oauth, to: entraApps.petstore-app}]` to the spec, and the app is kept with its client id",
        f"      to keep it in Azure: `pulumi state delete '{urn}'` before `pulumi up`",
    ]


def test_an_api_renamed_with_moved_is_replaced_in_azure(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "dev.yaml", "  partner-orders:\n", "  partner-ords:\n")
    spec = config / "dev.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "\nmoved:\n  - {from: apis.partner-orders, to: apis.partner-ords}\n", encoding="utf-8")
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(spec), "--format", "text", "--quiet")
    lines = out.splitlines()
    assert lines[0] == "Stack 'dev': 9 to replace, 0 to delete in Azure, 0 to create, 0 to update in place"
    i = lines.index("  +- apicenter:Api partner-ords: replace (create, then delete)")
    assert lines[i + 1 : i + 3] == [
        "      renamed from partner-orders (`moved` in the spec), but its Azure name changes with the key and Azure has no rename: `pulumi up` replaces it",
        "      apiName: partner-orders → partner-ords (forces replacement)",
    ]
    code, out = run(capsys, "plan", str(spec), "--quiet")
    assert out.splitlines()[-2:] == [
        "Renamed keys (moved):",
        "    apis.partner-orders → apis.partner-ords: Azure has no rename: `pulumi up` replaces API 'partner-orders' by 'partner-ords' with its versions, "
        "definitions, deployments and bindings; managed groups (`via: group`) are kept, renamed in place",
    ]


def test_a_shrinking_list_shows_the_items_that_went() -> None:
    old = ["https://contoso-apis-dev.portal.eastus.azure-api-center.ms", "https://petstore.contoso.com/oauth/callback", "https://contoso-apis-dev.portal.eastus.azure-apicenter.ms"]
    new = [old[0], old[2]]
    a = Registration("urn:a", "azuread:index/applicationRedirectUris:ApplicationRedirectUris", "app/spa", True, "", {"redirectUris": old}, [], {})
    b = Registration("urn:a", a.type, a.name, True, "", {"redirectUris": new}, [], {})
    d = diff.diff(Recording("p", "dev", [a]), Recording("p", "dev", [b]))
    assert diff.to_text(d).splitlines()[1:] == [
        "  ~ azuread:ApplicationRedirectUris app/spa: update in place",
        "      redirectUris: removed https://petstore.contoso.com/oauth/callback",
    ]


def test_an_access_entry_renamed_with_moved_keeps_its_managed_group(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    grant = "          - authConfig: petstore-key\n"
    edit(config / "dev.yaml", grant, grant + "            via: group\n")
    before = tmp_path / "before"
    shutil.copytree(config, before)
    edit(config / "dev.yaml", grant, grant + "            name: petstore-api-key\n")
    spec = config / "dev.yaml"
    spec.write_text(
        spec.read_text(encoding="utf-8")
        + "\nmoved:\n  - from: apis.petstore.versions.v1-0.access[petstore-key]\n    to: apis.petstore.versions.v1-0.access[petstore-api-key]\n",
        encoding="utf-8",
    )
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(spec), "--format", "text", "--quiet")
    lines = out.splitlines()
    assert lines[0] == "Stack 'dev': 2 to replace, 0 to delete in Azure, 0 to create, 1 to update in place, 2 renamed in the stack only"
    # the binding is named by its key in Azure: replaced; the group and its memberships are kept
    assert "  +- dynamic/apicenter:PreviewResource petstore/v1-0/petstore-api-key: replace (delete, then create)" in lines
    i = lines.index("  ~ azuread:Group petstore/v1-0/petstore-api-key/group: update in place")
    assert lines[i + 1 : i + 5] == [
        "      renamed from petstore/v1-0/petstore-key/group (`moved` in the spec): Pulumi finds it under its old name and keeps it in Azure",
        "      description: …petstore/v1-0/petstore-key in the API Center… → …petstore/v1-0/petstore-api-key in the API Center…",
        "      displayName: contoso-apis-dev API access: petstore/v1-0/petstore-key → contoso-apis-dev API access: petstore/v1-0/petstore-api-key",
        "  ~ azuread:GroupMember petstore/v1-0/petstore-api-key/group/groups/api testers: rename (kept in Azure)",
    ]


def test_without_stack_every_changed_stack_is_diffed(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, git = project_repo(tmp_path, monkeypatch)
    (repo / "Pulumi.staging.yaml").write_text("config:\n  apic-access:spec: config/staging.yaml\n", encoding="utf-8")
    (repo / "config" / "staging.yaml").write_text("specVersion: 1\napiCenter: {name: apis-s, resourceGroup: rg-s, location: eastus}\n", encoding="utf-8")
    commit(git)
    # a change to staging's spec only: never "no changes" for the default stack alone
    (repo / "config" / "staging.yaml").write_text("specVersion: 1\napiCenter: {name: apis-s, resourceGroup: rg-s, location: eastus, tags: {team: a}}\n", encoding="utf-8")
    code, out = run(capsys, "diff", "--base", "HEAD", "--exit-code", "--format", "text", "--quiet")
    assert (code, out.splitlines()) == (
        2,
        [
            "Stack 'staging': 0 to replace, 0 to delete in Azure, 0 to create, 2 to update in place",
            "  ~ apicenter:Service apis-s: update in place",
            "      tags.team: (none) → a",
            "  ~ resources:ResourceGroup rg-s: update in place",
            "      tags.team: (none) → a",
            "",
            "Unchanged: dev, prod (the same `apic-access:*` stack settings, spec, base specs and definition files at HEAD and in the working tree).",
        ],
    )
    # a base spec two stacks extend, and a definition file: both stacks that read them
    commit(git)
    edit(repo / "config" / "base.yaml", "    title: Petstore\n", "    title: Petstore API\n")
    code, out = run(capsys, "diff", "--base", "HEAD", "--format", "json", "--quiet")
    d = json.loads(out)
    assert (code, [s["stack"] for s in d["stacks"]], d["unchanged"], d["changed"]) == (0, ["prod"], ["dev", "staging"], True)
    commit(git)
    with (repo / "config" / "apis" / "petstore-v1.yaml").open("a", encoding="utf-8") as f:
        f.write("# a comment changes the file, and so the import\n")
    code, out = run(capsys, "diff", "--base", "HEAD", "--format", "markdown", "--quiet")
    assert [line for line in out.splitlines() if line.startswith(("### ", "Unchanged"))] == [
        "### apic-access plan diff: stack `dev`",
        "### apic-access plan diff: stack `prod`",
        "Unchanged: staging (the same `apic-access:*` stack settings, spec, base specs and definition files at HEAD and in the working tree).",
    ]
    # nothing changed anywhere: said for every stack, exit 0
    commit(git)
    code, out = run(capsys, "diff", "--base", "HEAD", "--exit-code", "--format", "text", "--quiet")
    assert (code, out) == (0, "Unchanged: dev, prod, staging (the same `apic-access:*` stack settings, spec, base specs and definition files at HEAD and in the working tree).\n")
    # a stack file deleted since the base is a changed stack too; --stack keeps to one stack
    (repo / "Pulumi.staging.yaml").unlink()
    code, out = run(capsys, "diff", "--base", "HEAD", "--exit-code", "--format", "text", "--quiet")
    assert code == 2 and out.splitlines()[1] == "Stack 'staging': 2 left in Azure, deployed by no pipeline; nothing is deleted in Azure (`pulumi destroy --stack staging` would delete 2 of them)"
    code, out = run(capsys, "diff", "--base", "HEAD", "--stack", "dev", "--exit-code", "--format", "text", "--quiet")
    assert (code, out) == (0, "No changes for stack 'dev'.\n")


def test_environment_vault_secret_and_version_renamed_with_moved_are_replaced(config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = tmp_path / "before"
    shutil.copytree(config, before)
    spec = config / "dev.yaml"
    text = spec.read_text(encoding="utf-8")
    for old, new in (
        ("  partner-env:\n", "  partners-env:\n"),
        ("environment: partner-env", "environment: partners-env"),
        ("    petstore-api-key:\n      fromConfig", "    petstore-key:\n      fromConfig"),
        ("secret: petstore-api-key", "secret: petstore-key"),
        ("      v2-0:\n", "      v2-1:\n"),
        ("definition: v2-0/openapi", "definition: v2-1/openapi"),
    ):
        assert old in text, old
        text = text.replace(old, new)
    spec.write_text(
        text
        + "\nmoved:\n  - {from: environments.partner-env, to: environments.partners-env}\n"
        + "  - {from: keyVault.secrets.petstore-api-key, to: keyVault.secrets.petstore-key}\n"
        + "  - {from: apis.petstore.versions.v2-0, to: apis.petstore.versions.v2-1}\n",
        encoding="utf-8",
    )
    code, out = run(capsys, "diff", str(before / "dev.yaml"), str(spec), "--format", "json", "--quiet")
    d = json.loads(out)
    # Azure names each of these by its key: replaced, each paired with what it was (no delete, no create)
    assert sorted((r["action"], r["name"], r.get("renamedFrom", {}).get("name")) for r in d["resources"]) == [
        ("replace", "kv-contoso-dev/petstore-key", "kv-contoso-dev/petstore-api-key"),
        ("replace", "partners-env", "partner-env"),
        ("replace", "petstore/v2-1", "petstore/v2-0"),
        ("replace", "petstore/v2-1/openapi", "petstore/v2-0/openapi"),
        ("replace", "petstore/v2-1/openapi/import", "petstore/v2-0/openapi/import"),
        ("replace", "petstore/v2-1/petstore-oauth-preview", "petstore/v2-0/petstore-oauth-preview"),
        ("replace", "petstore/v2-1/petstore-oauth-preview/users/bob@contoso.com", "petstore/v2-0/petstore-oauth-preview/users/bob@contoso.com"),
        # what refers to them by name follows in place
        ("update", "partner-orders/partner", None),
        ("update", "petstore-key", None),
        ("update", "petstore/dev-v2", None),
    ]
