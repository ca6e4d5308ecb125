"""The Pulumi program: apic-access reads the stack's spec and declares its resources."""

from apic_access.components.program import run

run()
