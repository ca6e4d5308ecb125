"""The Pulumi program: read the stack config, load the spec, build the setup, export outputs."""


from components.program import run

run()
