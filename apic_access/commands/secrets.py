"""`apic-access secrets`: the `pulumi config set --secret` commands a stack still needs."""

from __future__ import annotations

import argparse

from apic_access import options, secrets
from apic_access.config.errors import SpecError
from apic_access.config.spec import load_spec
from apic_access.stacks import stack_config


def add_arguments(p: argparse.ArgumentParser) -> None:
    options.stack(p)
    options.spec(p)


def run(args: argparse.Namespace) -> int:
    path = options.spec_paths(args)[0]
    try:
        loaded = load_spec(path, stack=args.stack)
    except SpecError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    text, code = secrets.report(args.stack, secrets.statuses(loaded.spec, stack_config(args.stack)))
    print(text, end="")
    return code
