"""Not installed: a bridge for stacks deployed before the code moved to `apic_access.components`.

Pulumi keeps each dynamic resource's provider in the state, pickled by reference to the module
it lived in. A stack whose definition imports were created by the first release names
`components.definition_import`; the dynamic-provider host runs in the project folder, finds
this module there, and so can still update or delete them. New resources name
`apic_access.components`.
"""
