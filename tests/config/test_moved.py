"""`moved:` entries: each names a key that was renamed (gone) and the key it is now (there), in one
of the accepted path forms; the model gives the components the names a resource had before."""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.config.errors import SpecError
from apic_access.config.moved import Moved, previous_names
from apic_access.config.spec import load_spec

SPEC = (
    "specVersion: 1\n"
    "apiCenter: {name: \"apis-${stack}\", resourceGroup: rg-apis, location: eastus}\n"
    "keyVault:\n  name: kv-apis-${stack}\n  secrets:\n    orders-api-key: {fromConfig: ordersKey}\n"
    "entraApps:\n  orders-app: {displayName: Orders}\n"
    "authConfigs:\n  orders-key: {title: Orders key, apiKey: {name: x-key, secret: orders-api-key}}\n"
    "apis:\n  orders:\n    title: Orders\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: design\n"
    "        access:\n          - authConfig: orders-key\n            name: orders-api-key\n            users: [alice@contoso.com]\n"
)


def problems(tmp_path: Path, moved: str) -> list[str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC + "moved:\n" + moved, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_spec(spec)
    return [str(p).replace(str(spec), "SPEC") for p in err.value.problems if p.severity == "error"]


def test_renames_of_every_form_load_into_the_model(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        SPEC
        + "moved:\n"
        + "  - {from: entraApps.orders-api, to: entraApps.orders-app}\n"
        + "  - from: apis.orders.versions.v1-0.access[orders-key]\n    to: apis.orders.versions.v1-0.access[orders-api-key]\n"
        + "  - {from: apis.order, to: apis.orders}\n"
        + "  - {from: keyVault.secrets.orders-key, to: keyVault.secrets.orders-api-key}\n",
        encoding="utf-8",
    )
    moved = load_spec(spec).spec.moved
    assert [(m.kind, m.old, m.new, m.azure_named) for m in moved] == [
        ("entraApp", ("orders-api",), ("orders-app",), False),
        ("access", ("orders", "v1-0", "orders-key"), ("orders", "v1-0", "orders-api-key"), True),
        ("api", ("order",), ("orders",), True),
        ("secret", ("orders-key",), ("orders-api-key",), True),
    ]
    assert moved[0].effect() == (
        "entraApps.orders-api → entraApps.orders-app: the Entra app keeps its client id, identifier URI and secret (Pulumi aliases: renamed in the "
        "stack only); a client secret's Key Vault secret named after the key (the default) is replaced under its new name"
    )
    assert moved[2].effect() == (
        "apis.order → apis.orders: Azure has no rename: `pulumi up` replaces API 'order' by 'orders' with its versions, definitions, "
        "deployments and bindings; managed groups (`via: group`) are kept, renamed in place"
    )


def test_a_from_that_still_exists_and_a_to_that_does_not(tmp_path: Path) -> None:
    assert problems(tmp_path, "  - from: entraApps.orders-app\n    to: entraApps.orders-apps\n") == [
        "SPEC:24:11: moved[0].from: entraApps.orders-app still exists in the spec: `from` is the key as it was before the rename; "
        "rename it to entraApps.orders-apps in the spec, or remove this entry if nothing was renamed",
        "SPEC:25:9: moved[0].to: entraApps.orders-apps is not in the spec (did you mean 'orders-app'?): `to` is the key as it is now; "
        "if it was renamed again, point `to` at its current name",
    ]


def test_an_access_entry_is_found_by_its_binding_name(tmp_path: Path) -> None:
    # the entry's binding is `orders-api-key` (its name), not `orders-key` (its auth config)
    assert problems(tmp_path, "  - from: apis.orders.versions.v1-0.access[old]\n    to: apis.orders.versions.v1-0.access[orders-key]\n") == [
        "SPEC:25:9: moved[0].to: apis.orders.versions.v1-0.access[orders-key] is not in the spec (did you mean 'orders-api-key'?): "
        "`to` is the key as it is now; if it was renamed again, point `to` at its current name",
    ]


def test_unknown_forms_list_the_accepted_ones(tmp_path: Path) -> None:
    assert problems(tmp_path, "  - from: portal.signIn\n    to: entraApps.orders-app\n") == [
        "SPEC:24:11: moved[0].from: 'portal.signIn' is not a spec path `moved` accepts: use entraApps.NAME, authConfigs.NAME, "
        "environments.NAME, keyVault.secrets.NAME, apis.API, apis.API.versions.VERSION or apis.API.versions.VERSION.access[BINDING]",
    ]


def test_from_and_to_of_different_kinds_and_one_key_moved_twice(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "  - {from: apis.old, to: apis.orders.versions.v1-0}\n  - {from: apis.order, to: apis.orders}\n  - {from: apis.order, to: apis.orders}\n",
    )
    assert found == [
        "SPEC:24:26: moved[0].to: 'apis.orders.versions.v1-0' is an API version but 'apis.old' is an API: a `moved` entry renames one key, "
        "so `to` has the form of `from`",
        "SPEC:26:12: moved[2].from: apis.order is already moved by moved[1] (line 25): keep one entry per renamed key",
    ]


def test_previous_names_follow_the_most_specific_rename() -> None:
    moved = (
        Moved("api", ("order",), ("orders",), "apis.order", "apis.orders"),
        Moved("version", ("orders", "v1"), ("orders", "v1-0"), "apis.orders.versions.v1", "apis.orders.versions.v1-0"),
        Moved("entraApp", ("orders",), ("orders-app",), "entraApps.orders", "entraApps.orders-app"),
    )
    assert previous_names(moved, "apis", "orders/v1-0/key/users/alice@contoso.com") == ["orders/v1/key/users/alice@contoso.com", "order/v1-0/key/users/alice@contoso.com"]
    assert previous_names(moved, "apis", "orders") == ["order"]
    assert previous_names(moved, "apis", "orders-v2") == []  # a prefix of the name, not of its keys
    assert previous_names(moved, "entraApps", "orders-app/Orders.Read") == ["orders/Orders.Read"]
    assert previous_names(moved, "authConfigs", "orders") == []


def test_a_renamed_auth_config_renames_the_bindings_named_after_it(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = SPEC.replace("            name: orders-api-key\n", "") + "moved:\n  - {from: authConfigs.orders, to: authConfigs.orders-key}\n"
    spec.write_text(text, encoding="utf-8")
    moved = load_spec(spec).spec.moved
    assert [(m.kind, m.from_path, m.to_path) for m in moved] == [
        ("authConfig", "authConfigs.orders", "authConfigs.orders-key"),
        # the access entry has no `name`: its binding was `orders`, it is `orders-key` now
        ("access", "apis.orders.versions.v1-0.access[orders]", "apis.orders.versions.v1-0.access[orders-key]"),
    ]
    assert moved[1].effect() == (
        "apis.orders.versions.v1-0.access[orders] → apis.orders.versions.v1-0.access[orders-key]: Azure has no rename: `pulumi up` replaces "
        "access entry (binding) 'orders/v1-0/orders' by 'orders/v1-0/orders-key'; managed groups (`via: group`) are kept, renamed in place"
    )
