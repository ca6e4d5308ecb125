"""The apic-access policy pack: `pulumi preview --policy-pack "$(apic-access policy-pack)"` (see README.md here)."""

from policies import POLICIES
from pulumi_policy import PolicyPack

PolicyPack("apic-access", policies=POLICIES)
