"""The Pulumi program: read the stack config, load the spec, build the setup, export outputs."""


from apic_access.components.program import run

run()
