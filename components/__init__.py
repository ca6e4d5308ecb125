"""Not installed: a bridge for stacks deployed by the first release, in its checkout.

Pulumi keeps each dynamic resource's provider in the state, pickled by reference to the module
it lived in. A stack whose definition imports were created by the first release names
`components.definition_import`; the dynamic-provider host runs in the project folder, so in a
checkout of this repository it finds this module and can still refresh or delete them.

Installed as a wheel, outside a checkout, there is no `components` to find, and shipping one
would put a generic top-level name into site-packages that clashes with a project's own
`components` package (tests/ci/test_install.py keeps it out). Those stacks take the first
release's documented upgrade step instead, `apic-access migrate-state`, which also replaces
such pickles with the provider at its lasting path `apic_access.components.definition_import`
(docs/upgrades.md). After that, this bridge is not needed; it stays for checkouts that have not
migrated yet. Only the first release wrote this path: nothing else needs a bridge.
"""
