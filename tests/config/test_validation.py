"""One case per validation rule: the spec text, and every line `validate` prints for it, whole.

SPEC stands for the spec file's path. MIN is a minimal valid spec (lines 1-5); fragments are
appended from line 6, so positions in the expected lines count from there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec

MIN = "specVersion: 1\napiCenter:\n  name: apis-${stack}\n  resourceGroup: rg-apis\n  location: eastus\n"
KV = "keyVault:\n  name: kv-apis-${stack}\n  secrets:\n    api-key: {fromConfig: apiKey}\n"

CASES = [
    ('yaml_syntax', MIN + "keyVault: [unclosed\n", ["SPEC:7:1: (top level): YAML syntax error: did not find expected ',' or ']'; check indentation and quoting"]),
    ('duplicate_key', MIN + "apiCenter:\n  name: again\n", ["SPEC:6:1: apiCenter: duplicate key 'apiCenter' (first defined at line 2): remove or rename one of them"]),
    ('non_string_key', MIN + "apis:\n  123: {title: T, kind: rest}\n", ["SPEC:7:3: apis.123: key 123 is not a string: quote it ('123':)"]),
    ('unknown_property', MIN + "keyValut:\n  name: kv-x\n", ["SPEC:6:1: keyValut: unknown property 'keyValut' (did you mean 'keyVault'?)"]),
    ('missing_required', "specVersion: 1\napiCenter:\n  name: apis-x\n  location: eastus\n", ["SPEC:3:3: apiCenter: 'resourceGroup' is required: add `resourceGroup: ...`"]),
    ('wrong_type', MIN + "apis:\n  petstore:\n    title: [not, text]\n    kind: rest\n", ["SPEC:8:12: apis.petstore.title: expected a string, got a list ['not', 'text']"]),
    ('enum', MIN + "apis:\n  petstore:\n    title: Petstore\n    kind: rset\n", ["SPEC:9:11: apis.petstore.kind: 'rset' is not one of: rest, graphql, grpc, soap, webhook, websocket (did you mean 'rest'?)"]),
    ('resource_name', MIN + "apis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1.0: {title: v1, lifecycleStage: production}\n", ["SPEC:11:7: apis.petstore.versions.v1.0: 'v1.0' is not a valid API Center name: use 3-90 letters, digits or hyphens (for example `v1-0`, not `v1.0`)"]),
    ('key_vault_name', MIN + "keyVault:\n  name: kv--bad\n", ["SPEC:7:9: keyVault.name: 'kv--bad' is not a valid Key Vault name: use 3-24 letters, digits or hyphens, starting with a letter, ending with a letter or digit, without `--`"]),
    ('spec_version', MIN.replace("specVersion: 1", "specVersion: 2"), ['SPEC:1:14: specVersion: 2 must be 1, the only spec version today (write `specVersion: 1`)']),
    ('title_too_long', MIN + "environments:\n  prod:\n    title: " + "x" * 51 + "\n    kind: production\n", ['SPEC:8:12: environments.prod.title: is 51 characters long: at most 50 allowed; shorten it']),
    ('secret_value', MIN + "keyVault:\n  name: kv-apis\n  secrets:\n    api-key:\n      value: hunter2\n", ["SPEC:10:7: keyVault.secrets.api-key.value: a secret's value never goes in a spec: write `fromConfig: KEY` and set it with `pulumi config set --secret apic-access:KEY`"]),
    ('secret_needs_source', MIN + "keyVault:\n  name: kv-apis\n  secrets:\n    api-key: {contentType: text/plain}\n", ["SPEC:9:14: keyVault.secrets.api-key: needs `fromConfig: KEY` (its value comes from the stack's secret config) or `existing: true`"]),
    ('secret_two_sources', MIN + "keyVault:\n  name: kv-apis\n  secrets:\n    api-key: {fromConfig: apiKey, existing: true}\n", ['SPEC:9:14: keyVault.secrets.api-key: has both `fromConfig` and `existing: true`: keep one']),
    ('unknown_variable', MIN.replace("apis-${stack}", "apis-${stak}"), ["SPEC:3:9: apiCenter.name: unknown variable '${stak}' (did you mean 'stack'?): only ${stack}, ${project}, ${location} are interpolated"]),
    ('unknown_auth_config', MIN + KV + "authConfigs:\n  petstore-key:\n    title: Key\n    apiKey: {name: x-api-key, secret: api-key}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        access:\n          - authConfig: petstore-keys\n            users: [alice@contoso.com]\n", ["SPEC:12:5: authConfigs.petstore-key: warning: auth config 'petstore-key' is bound to no API version: add it to a version's `access` or remove it", 'SPEC:23:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no deployment with runtimeUris: the portal has nowhere to send "Try this API"; add a deployment', 'SPEC:23:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no definitions: "Try this API" has no operations to show; add `definitions: {openapi: {title: OpenAPI, file: ...}}` with the API\'s specification', "SPEC:23:25: apis.petstore.versions.v1-0.access[0].authConfig: unknown auth config 'petstore-keys' (did you mean 'petstore-key'?): add it under `authConfigs` or fix the name"]),
    ('unknown_secret', MIN + KV + "authConfigs:\n  petstore-key:\n    title: Key\n    apiKey: {name: x-api-key, secret: api-keys}\n", ["SPEC:12:5: authConfigs.petstore-key: warning: auth config 'petstore-key' is bound to no API version: add it to a version's `access` or remove it", "SPEC:13:39: authConfigs.petstore-key.apiKey.secret: unknown Key Vault secret 'api-keys' (did you mean 'api-key'?): add it under keyVault.secrets (with fromConfig) or fix the name"]),
    ('secret_without_vault', MIN + "authConfigs:\n  petstore-key:\n    title: Key\n    apiKey: {name: x-api-key, secret: api-key}\n", ["SPEC:8:5: authConfigs.petstore-key: warning: auth config 'petstore-key' is bound to no API version: add it to a version's `access` or remove it", 'SPEC:9:39: authConfigs.petstore-key.apiKey.secret: references a Key Vault secret but the spec has no `keyVault`: add one']),
    ('unknown_entra_app', MIN + "authConfigs:\n  oauth:\n    title: OAuth\n    oauth2: {entraApp: petstore}\n", ["SPEC:8:5: authConfigs.oauth: warning: auth config 'oauth' is bound to no API version: add it to a version's `access` or remove it", "SPEC:9:24: authConfigs.oauth.oauth2.entraApp: unknown Entra app 'petstore': add it under `entraApps` or fix the name"]),
    ('no_scheme', MIN + "authConfigs:\n  nothing:\n    title: Nothing\n", ['SPEC:8:5: authConfigs.nothing: needs exactly one of apiKey, oauth2, http (has none): keep one scheme per auth config', "SPEC:8:5: authConfigs.nothing: warning: auth config 'nothing' is bound to no API version: add it to a version's `access` or remove it"]),
    ('two_schemes', MIN + KV + "authConfigs:\n  both:\n    title: Both\n    apiKey: {name: x-api-key, secret: api-key}\n    http: {scheme: bearer}\n", ['SPEC:12:5: authConfigs.both: needs exactly one of apiKey, oauth2, http (has apiKey, http): keep one scheme per auth config', "SPEC:12:5: authConfigs.both: warning: auth config 'both' is bound to no API version: add it to a version's `access` or remove it"]),
    ('unknown_environment', MIN + "environments:\n  prod: {title: Prod, kind: production}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        definitions: {openapi: {title: OpenAPI}}\n    deployments:\n      main: {title: Main, environment: prd, definition: v1-0/openapi}\n", ["SPEC:18:40: apis.petstore.deployments.main.environment: unknown environment 'prd' (did you mean 'prod'?): add it under `environments` or fix the name"]),
    ('unknown_definition', MIN + "environments:\n  prod: {title: Prod, kind: production}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        definitions: {openapi: {title: OpenAPI}}\n    deployments:\n      main: {title: Main, environment: prod, definition: v1-0/openap}\n", ["SPEC:18:58: apis.petstore.deployments.main.definition: unknown definition 'openap' in version 'v1-0' (did you mean 'openapi'?): add it under the version's `definitions` or fix the name"]),
    ('unknown_version', MIN + "environments:\n  prod: {title: Prod, kind: production}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n    deployments:\n      main: {title: Main, environment: prod, definition: v2-0/openapi}\n", ["SPEC:17:58: apis.petstore.deployments.main.definition: unknown version 'v2-0' in API 'petstore' (did you mean 'v1-0'?): the reference is VERSION/DEFINITION of this API"]),
    ('definition_ref_shape', MIN + "environments:\n  prod: {title: Prod, kind: production}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    deployments:\n      main: {title: Main, environment: prod, definition: openapi}\n", ["SPEC:13:58: apis.petstore.deployments.main.definition: 'openapi' is not a definition reference: write VERSION/DEFINITION, for example `v1-0/openapi`"]),
    ('duplicate_binding', MIN + KV + "authConfigs:\n  petstore-key:\n    title: Key\n    apiKey: {name: x-api-key, secret: api-key}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        access:\n          - authConfig: petstore-key\n            users: [alice@contoso.com]\n          - authConfig: petstore-key\n            users: [bob@contoso.com]\n", ['SPEC:23:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no deployment with runtimeUris: the portal has nowhere to send "Try this API"; add a deployment', 'SPEC:23:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no definitions: "Try this API" has no operations to show; add `definitions: {openapi: {title: OpenAPI, file: ...}}` with the API\'s specification', "SPEC:25:25: apis.petstore.versions.v1-0.access[1].authConfig: binding name 'petstore-key' is already used by access[0] (line 23) of this version: give one of them a distinct `name`"]),
    ('user_not_upn', MIN + KV + "authConfigs:\n  petstore-key:\n    title: Key\n    apiKey: {name: x-api-key, secret: api-key}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        access:\n          - authConfig: petstore-key\n            users: [API Testers]\n", ['SPEC:23:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no deployment with runtimeUris: the portal has nowhere to send "Try this API"; add a deployment', 'SPEC:23:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no definitions: "Try this API" has no operations to show; add `definitions: {openapi: {title: OpenAPI, file: ...}}` with the API\'s specification', "SPEC:24:21: apis.petstore.versions.v1-0.access[0].users[0]: 'API Testers' is neither a user principal name (alice@contoso.com) nor an object id; groups go under `groups`, service principals (apps, managed identities) under `servicePrincipals`"]),
    ('user_assigned_missing', MIN + "  identity: {type: UserAssigned}\n", ["SPEC:6:20: apiCenter.identity.type: 'UserAssigned' needs at least one `userAssigned` identity: add `userAssigned: [{name: ...}]` or `[{id: ...}]`"]),
    ('user_assigned_with_system', MIN + "  identity:\n    type: SystemAssigned\n    userAssigned: [{name: id-apis}]\n", ['SPEC:8:19: apiCenter.identity.userAssigned: identities are listed but type is SystemAssigned: set `type: SystemAssigned,UserAssigned` (or UserAssigned)']),
    ('user_assigned_name_and_id', MIN + "  identity:\n    type: UserAssigned\n    userAssigned: [{name: id-apis, id: /subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/x}]\n", ["SPEC:8:20: apiCenter.identity.userAssigned[0]: give exactly one of `name` (an identity this stack creates) or `id` (an existing identity's resource id)"]),
    ('user_assigned_bad_id', MIN + "  identity:\n    type: UserAssigned\n    userAssigned: [{id: /subscriptions/s/identities/x}]\n", ["SPEC:8:25: apiCenter.identity.userAssigned[0].id: '/subscriptions/s/identities/x' is not a user-assigned identity resource id: expected `/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>`"]),
    ('oauth2_entra_and_client_id', MIN + "entraApps:\n  petstore: {displayName: Petstore}\nauthConfigs:\n  oauth:\n    title: OAuth\n    oauth2: {entraApp: petstore, clientId: abc}\n", ["SPEC:10:5: authConfigs.oauth: warning: auth config 'oauth' is bound to no API version: add it to a version's `access` or remove it", "SPEC:11:34: authConfigs.oauth.oauth2.clientId: is filled from Entra app 'petstore': remove it, or remove `entraApp` to describe another identity provider"]),
    ('oauth2_external_incomplete', MIN + "authConfigs:\n  oauth:\n    title: OAuth\n    oauth2: {clientId: abc, flows: [authorizationCode, clientCredentials]}\n", ["SPEC:8:5: authConfigs.oauth: warning: auth config 'oauth' is bound to no API version: add it to a version's `access` or remove it", "SPEC:9:13: authConfigs.oauth.oauth2: needs `tokenUrl`: the identity provider's token endpoint", "SPEC:9:13: authConfigs.oauth.oauth2: the authorizationCode flow needs `authorizationUrl`: the identity provider's authorize endpoint", 'SPEC:9:13: authConfigs.oauth.oauth2: the clientCredentials flow needs `clientSecret`: a keyVault.secrets entry']),
    ('client_credentials_public_app', MIN + "entraApps:\n  petstore: {displayName: Petstore}\nauthConfigs:\n  oauth:\n    title: OAuth\n    oauth2: {entraApp: petstore, flows: [clientCredentials]}\n", ["SPEC:10:5: authConfigs.oauth: warning: auth config 'oauth' is bound to no API version: add it to a version's `access` or remove it", "SPEC:11:41: authConfigs.oauth.oauth2.flows: clientCredentials needs a client secret, but Entra app 'petstore' has no `clientSecret`: add one to the app"]),
    ('app_secret_collision', MIN + "keyVault:\n  name: kv-apis\n  secrets:\n    petstore-client-secret: {fromConfig: x}\nentraApps:\n  petstore:\n    displayName: Petstore\n    clientSecret: {}\n", ["SPEC:9:5: keyVault.secrets.petstore-client-secret: is also where Entra app 'petstore' stores its client secret: the app writes it, so remove this entry or set the app's clientSecret.keyVaultSecret to another name"]),
    ('client_secret_without_vault', MIN + "entraApps:\n  petstore:\n    displayName: Petstore\n    clientSecret: {}\n", ['SPEC:9:19: entraApps.petstore.clientSecret: needs a `keyVault` to store the client secret in: add a keyVault section']),
    ('rotation_after_expiry', MIN + "keyVault: {name: kv-apis}\nentraApps:\n  petstore:\n    displayName: Petstore\n    clientSecret: {expiresInDays: 30, rotateAfterDays: 30}\n", ['SPEC:10:56: entraApps.petstore.clientSecret.rotateAfterDays: 30 is not before expiresInDays (30): rotate before the secret expires']),
    ('portal_without_sign_in', MIN + "portal:\n  title: APIs\n", ['SPEC:7:3: portal: an enabled portal needs `signIn: {entraApp: NAME}` (an entraApps entry) or `signIn: {clientId: GUID}`']),
    ('portal_two_sign_ins', MIN + "entraApps:\n  portal: {displayName: Portal}\nportal:\n  signIn: {entraApp: portal, clientId: 2c1d0e4f-1111-2222-3333-444455556666}\n", ['SPEC:9:11: portal.signIn: has both `entraApp` and `clientId`: keep one']),
    ('retention_range', MIN + "keyVault:\n  name: kv-apis\n  softDeleteRetentionDays: 5\n", ['SPEC:8:28: keyVault.softDeleteRetentionDays: 5 is out of range: use 7 to 90']),
    ('empty_file', "", ['SPEC:1:1: (top level): the spec is empty: start with `specVersion: 1` and `apiCenter:`']),
    ('not_a_mapping', "- a\n- b\n", ['SPEC:1:1: (top level): a spec is a mapping of keys (specVersion, apiCenter, ...), not a single value or list']),
    ('warnings', MIN + KV + "authConfigs:\n  petstore-key:\n    title: Key\n    apiKey: {name: x-api-key, secret: api-key}\n  unused:\n    title: Unused\n    http: {scheme: bearer}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        access:\n          - authConfig: petstore-key\n", ["SPEC:15:5: authConfigs.unused: warning: auth config 'unused' is bound to no API version: add it to a version's `access` or remove it", 'SPEC:26:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no deployment with runtimeUris: the portal has nowhere to send "Try this API"; add a deployment', 'SPEC:26:11: apis.petstore.versions.v1-0.access: warning: this version has access entries but no definitions: "Try this API" has no operations to show; add `definitions: {openapi: {title: OpenAPI, file: ...}}` with the API\'s specification', "SPEC:26:13: apis.petstore.versions.v1-0.access[0]: warning: binding 'petstore-key' has no principals: nobody can use it to try the API; add users, groups or servicePrincipals"]),
    ('date_like_string', MIN + "  previewApiVersions: {portals: 2024-06-01}\n", []),
    ('identifier_uri_plain_string', MIN + "entraApps:\n  orders:\n    displayName: Orders\n    identifierUri: api://orders-${stack}\n", ["SPEC:9:20: entraApps.orders.identifierUri: 'api://orders-qa' is refused by Entra's identifier-URI restrictions (a tenant can enforce them, some tenants have them by default): use one of api://{appId}, api://{tenantId}/<string>, api://{tenantId}/{appId}, api://<string>/{appId}, api://<string>.<verified or initial domain>/<string>, https://<initial>.onmicrosoft.com/<string>, https://<verified domain>[/<string>]; for example api://{tenantId}/orders-qa ({tenantId} and {appId} are filled in at deploy time)"]),
    ('identifier_uri_two_plain_parts', MIN + "entraApps:\n  orders:\n    displayName: Orders\n    identifierUri: api://orders/qa\n", ["SPEC:9:20: entraApps.orders.identifierUri: 'api://orders/qa' is refused by Entra's identifier-URI restrictions (a tenant can enforce them, some tenants have them by default): use one of api://{appId}, api://{tenantId}/<string>, api://{tenantId}/{appId}, api://<string>/{appId}, api://<string>.<verified or initial domain>/<string>, https://<initial>.onmicrosoft.com/<string>, https://<verified domain>[/<string>]; for example api://{tenantId}/orders/qa ({tenantId} and {appId} are filled in at deploy time)"]),
    *[
        (f'identifier_uri_accepted_{i}', MIN + f"entraApps:\n  orders:\n    displayName: Orders\n    identifierUri: {uri}\n", [])
        for i, uri in enumerate(
            [
                "api://{tenantId}/orders",
                "api://{tenantId}/orders-${stack}",
                "api://{appId}",
                "api://{tenantId}/{appId}",
                "api://orders/{appId}",
                "api://orders.contoso.com/api",
                "api://72f988bf-86f1-41af-91ab-2d7cd011db47/orders",
                "https://contoso.onmicrosoft.com/orders",
                "https://orders.contoso.com",
            ]
        )
    ],
    ('role_assignment_budget_zero', MIN + "  roleAssignmentBudget: 0\n", ["SPEC:6:25: apiCenter.roleAssignmentBudget: 0 is out of range: use 1 to 4000"]),
    ('access_defaults_unknown', MIN + "accessDefaults: {via: groups}\n", ["SPEC:6:23: accessDefaults.via: 'groups' is not one of: direct, group (did you mean 'group'?)"]),
]

# Azure's own limits (ARM 2024-03-15-preview, extracted in config/arm_limits.json): a value
# Azure would refuse fails `validate`, not the first `pulumi preview`.
DEPLOY = "environments:\n  prod: {title: Prod, kind: production}\napis:\n  petstore:\n    title: Petstore\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        definitions: {openapi: {title: OpenAPI}}\n    deployments:\n      main:\n        title: Main\n        environment: prod\n        definition: v1-0/openapi\n"
CASES += [
    ('runtime_uri_too_long', MIN + DEPLOY + "        runtimeUris: [https://petstore.contoso.com/" + "a" * 172 + "]\n", ['SPEC:22:23: apis.petstore.deployments.main.runtimeUris[0]: is 201 characters long: at most 200 allowed; shorten it']),
    ('external_docs_title_too_long', MIN + "apis:\n  petstore:\n    title: Petstore\n    kind: rest\n    externalDocs:\n      - title: " + "x" * 51 + "\n        url: https://docs.contoso.com/petstore\n", ['SPEC:11:16: apis.petstore.externalDocs[0].title: is 51 characters long: at most 50 allowed; shorten it']),
    ('deployment_description_too_long', MIN + DEPLOY + "        description: " + "d" * 501 + "\n", ['SPEC:22:22: apis.petstore.deployments.main.description: is 501 characters long: at most 500 allowed; shorten it']),
    ('kind_mcp', MIN + "apis:\n  tools:\n    title: Tools\n    kind: mcp\n", ["SPEC:9:11: apis.tools.kind: 'mcp' is not an API kind at ARM api-version 2024-03-15-preview, which this release writes APIs with, nor at any published later one (up to 2024-06-01-preview): register the MCP server with another kind (for example `rest`, with its OpenAPI definition) or remove it"]),
    ('license_url_and_identifier', MIN + "apis:\n  petstore:\n    title: Petstore\n    kind: rest\n    license: {name: MIT, url: https://opensource.org/licenses/MIT, identifier: MIT}\n", ["SPEC:10:80: apis.petstore.license.identifier: 'MIT' cannot be given with `url`: Azure takes a license's `url` or its SPDX `identifier`, not both; keep one"]),
    ('portal_uris_at_most_one', MIN + "environments:\n  prod:\n    title: Prod\n    kind: production\n    onboarding:\n      developerPortalUris: [https://a.contoso.com, https://b.contoso.com]\n", ['SPEC:11:28: environments.prod.onboarding.developerPortalUris: has 2 items: at most 1 allowed; remove 1']),
    ('runtime_uri_at_limit', MIN + DEPLOY + "        runtimeUris: [https://petstore.contoso.com/" + "a" * 171 + "]\n", []),
]


# Exactly Azure's contract (issue 24): each spec holds one value ARM takes that an earlier
# release refused, and validates; ARM's `format: uri` and name rule still refuse what they refuse;
# and what ARM takes but surely breaks something is a warning with its fix.
API = "apis:\n  petstore:\n    title: Petstore\n    kind: rest\n"
PORTAL = "portal:\n  signIn: {clientId: 2c1d0e4f-1111-2222-3333-444455556666}\n"
URI = "is not an absolute URI (RFC 3986), which Azure refuses: write the scheme and the whole address, with spaces, brackets out of place and non-ASCII characters percent-encoded (for example `https://contoso.com/api`, `wss://contoso.com/events`, `mailto:team@contoso.com`)"
CASES += [
    ('arm_environment_description_1600', MIN + "environments:\n  prod:\n    title: Prod\n    kind: production\n    description: " + "d" * 1600 + "\n", []),
    ('arm_definition_description_1600', MIN + API + "    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n        definitions:\n          openapi: {title: OpenAPI, description: " + "d" * 1600 + "}\n", []),
    ('arm_onboarding_instructions_6000', MIN + "environments:\n  prod:\n    title: Prod\n    kind: production\n    onboarding:\n      instructions: " + "i" * 6000 + "\n", []),
    ('arm_runtime_uri_wss', MIN + "environments:\n  prod: {title: Prod, kind: production}\n" + API + "    deployments:\n      events: {runtimeUris: ['wss://events.contoso.com/stream']}\n", []),
    ('arm_contact_mailto', MIN + API + "    contacts: [{name: API team, url: 'mailto:api-team@contoso.com'}]\n", []),
    ('arm_external_docs_ftp', MIN + API + "    externalDocs: [{url: 'ftp://files.contoso.com/petstore.pdf'}]\n", []),
    ('arm_terms_urn', MIN + API + "    termsOfService: {url: 'urn:contoso:terms:2024'}\n", []),
    ('arm_portal_uris_plain_text', MIN + "environments:\n  prod:\n    title: Prod\n    kind: production\n    server: {managementPortalUris: [see the runbook]}\n    onboarding: {developerPortalUris: [ask the platform team]}\n", []),
    ('arm_deployment_without_title_environment_definition', MIN + API + "    deployments:\n      main: {runtimeUris: ['https://petstore.contoso.com']}\n", []),
    ('arm_server_type_not_named', MIN + "environments:\n  prod:\n    title: Prod\n    kind: production\n    server: {type: Tyk Gateway}\n", []),
    ('runtime_uri_not_rfc3986', MIN + API + "    deployments:\n      main: {runtimeUris: ['https://[bad']}\n", [f"SPEC:11:28: apis.petstore.deployments.main.runtimeUris[0]: 'https://[bad' {URI}"]),
    ('runtime_uri_space', MIN + API + "    deployments:\n      main: {runtimeUris: ['https://petstore.contoso.com/v1 beta']}\n", [f"SPEC:11:28: apis.petstore.deployments.main.runtimeUris[0]: 'https://petstore.contoso.com/v1 beta' {URI}"]),
    ('version_named_v1', MIN + API + "    versions:\n      v1: {title: v1, lifecycleStage: production}\n", ["SPEC:11:7: apis.petstore.versions.v1: 'v1' is 2 characters; API Center names are 3 to 90 characters: make it longer"]),
    ('contact_email_no_address', MIN + API + "    contacts: [{name: API team, email: the API team}]\n", ["SPEC:10:40: apis.petstore.contacts[0].email: warning: 'the API team' is no email address: Azure stores it, but the portal's contact link (mailto:) leads nowhere; write an address such as api-team@contoso.com, or give a web page as the contact's `url`"]),
    (
        'runtime_uri_plain_http_behind_portal',
        MIN + PORTAL + API + "    deployments:\n      main: {runtimeUris: ['http://petstore.contoso.com', 'http://localhost:8080']}\n",
        ['SPEC:13:28: apis.petstore.deployments.main.runtimeUris[0]: warning: \'http://petstore.contoso.com\' is plain http: the API Center portal is served over https, so browsers block its "Try this API" calls to this address (mixed content); serve the API over https and write https:// here'],
    ),
    ('runtime_uri_plain_http_without_portal', MIN + API + "    deployments:\n      main: {runtimeUris: ['http://petstore.contoso.com']}\n", []),
    (
        'api_center_name_over_63',
        MIN.replace("apis-${stack}", "apis-" + "x" * 70),
        ["SPEC:3:9: apiCenter.name: warning: 'apis-xxxxxxxxxxxxxxxxxxxxxxxxx…xxxxxxxxxxxxxxxxxxxxxxxxxx' is 75 characters: Azure accepts up to 90, but the API center's portal and data-plane host names (NAME.portal.REGION.azure-apicenter.ms, NAME.data.REGION.azure-apicenter.ms) start with it and a DNS label stops at 63, so neither resolves; use at most 63 characters"],
    ),
    ('api_center_name_63', MIN.replace("apis-${stack}", "apis-" + "x" * 58), []),
    ('server_type_near_miss', MIN + "environments:\n  prod:\n    title: Prod\n    kind: production\n    server: {type: Azure API Managment}\n", ["SPEC:10:20: environments.prod.server.type: warning: 'Azure API Managment' is not a server type Azure names (did you mean 'Azure API Management'?): the portal shows it as written; fix the spelling, or keep it for a server Azure does not name"]),
]


def report(path: Path) -> list[str]:
    """What `apic-access validate` prints for the file: problems, or warnings when valid."""
    try:
        loaded = load_spec(path, stack="qa")
    except SpecError as exc:
        return [str(p).replace(str(path), "SPEC") for p in exc.problems]
    return [str(w).replace(str(path), "SPEC") for w in loaded.warnings]


CASES += [
    (
        "oauth2_scope_the_app_does_not_expose",
        MIN
        + "entraApps:\n  orders:\n    displayName: Orders\n    scopes: [{value: Orders.Read}]\n"
        + "authConfigs:\n  orders-oauth:\n    title: Orders OAuth\n    oauth2: {entraApp: orders, scopes: [Orders.Read, Orders.Delete, .default]}\n"
        + "apis:\n  orders:\n    title: Orders\n    kind: rest\n    versions:\n      v1-0:\n        title: v1\n        lifecycleStage: production\n"
        + "        access: [{authConfig: orders-oauth, users: [alice@contoso.com]}]\n",
        [
            "SPEC:13:54: authConfigs.orders-oauth.oauth2.scopes[1]: 'Orders.Delete' is not a scope Entra app 'orders' exposes (it exposes Orders.Read): add it to the app's `scopes` or fix the name",
            'SPEC:22:17: apis.orders.versions.v1-0.access: warning: this version has access entries but no deployment with runtimeUris: the portal has nowhere to send "Try this API"; add a deployment',
            'SPEC:22:17: apis.orders.versions.v1-0.access: warning: this version has access entries but no definitions: "Try this API" has no operations to show; add `definitions: {openapi: {title: OpenAPI, file: ...}}` with the API\'s specification',
        ],
    ),
]


@pytest.mark.parametrize(("rule", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_rule(tmp_path: Path, rule: str, text: str, expected: list[str]) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    assert report(spec) == expected


def test_minimal_spec_is_valid(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MIN, encoding="utf-8")
    loaded = load_spec(spec, stack="qa")
    assert loaded.spec.api_center.name == "apis-qa"
    assert loaded.warnings == ()


def test_all_problems_reported_in_one_run(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(MIN + "keyValut: {}\nportal:\n  title: APIs\n", encoding="utf-8")
    assert report(spec) == [
        "SPEC:6:1: keyValut: unknown property 'keyValut' (did you mean 'keyVault'?)",
        "SPEC:8:3: portal: an enabled portal needs `signIn: {entraApp: NAME}` (an entraApps entry) or `signIn: {clientId: GUID}`",
    ]


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    assert report(missing) == [
        "SPEC:1:1: (top level): file not found: check the path (relative paths are relative to the working directory, or to the extending spec)"
    ]
