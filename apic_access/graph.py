"""The resource graph as a picture: components as clusters, dependencies as arrows."""

from __future__ import annotations

import shutil
import subprocess
from collections import defaultdict

import pydot

from .plan import short_type
from .recorder import Recording, Registration


def dot_text(text: str) -> str:
    """A DOT quoted-string body: any name survives (quotes, backslashes, line breaks, non-ASCII)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")


def mermaid_text(text: str) -> str:
    """Text inside a Mermaid ["..."] label: quotes and markup as entities, line breaks as <br/>."""
    for raw, entity in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"), ("`", "#96;")):
        text = text.replace(raw, entity)
    return text.replace("\r", "").replace("\n", "<br/>")


def _label(r: Registration) -> str:
    return f"{dot_text(short_type(r.type))}\\n{dot_text(r.name)}"


def to_dot(rec: Recording) -> str:
    """DOT text built with pydot (it also parses it back in the tests)."""
    graph = pydot.Dot(f"{rec.project}-{rec.stack}", graph_type="digraph", rankdir="LR", fontname="Helvetica", compound="true")
    graph.set_node_defaults(shape="box", style="rounded", fontname="Helvetica", fontsize="10")
    ids = {r.urn: f"n{i}" for i, r in enumerate(rec.resources)}
    by_parent: dict[str, list[Registration]] = defaultdict(list)
    for r in rec.resources:
        by_parent[r.parent if r.parent in ids else ""].append(r)

    def fill(container: pydot.Graph, parent: str) -> None:
        for r in by_parent.get(parent, []):
            if r.custom:
                container.add_node(pydot.Node(ids[r.urn], label=f'"{_label(r)}"'))
            else:
                cluster = pydot.Cluster(f"c{ids[r.urn]}", label=f'"{dot_text(short_type(r.type) + " " + r.name)}"', style="rounded", color="gray50")
                fill(cluster, r.urn)
                container.add_subgraph(cluster)  # type: ignore[arg-type] # a Cluster is a Subgraph in DOT

    fill(graph, "")
    custom = {r.urn for r in rec.resources if r.custom}
    for r in rec.resources:
        if not r.custom:
            continue
        for dep in r.dependencies:
            if dep in custom:
                graph.add_edge(pydot.Edge(ids[dep], ids[r.urn]))
    return str(graph.to_string())


def to_mermaid(rec: Recording) -> str:
    ids = {r.urn: f"n{i}" for i, r in enumerate(rec.resources)}
    by_parent: dict[str, list[Registration]] = defaultdict(list)
    for r in rec.resources:
        by_parent[r.parent if r.parent in ids else ""].append(r)
    lines = ["flowchart LR"]

    def fill(parent: str, depth: int) -> None:
        pad = "  " * depth
        for r in by_parent.get(parent, []):
            text = f"{mermaid_text(short_type(r.type))}<br/>{mermaid_text(r.name)}"
            if r.custom:
                lines.append(f'{pad}{ids[r.urn]}["{text}"]')
            else:
                lines.append(f'{pad}subgraph {ids[r.urn]}["{mermaid_text(short_type(r.type) + " " + r.name)}"]')
                fill(r.urn, depth + 1)
                lines.append(f"{pad}end")

    fill("", 1)
    custom = {r.urn for r in rec.resources if r.custom}
    for r in rec.resources:
        for dep in r.dependencies if r.custom else []:
            if dep in custom:
                lines.append(f"  {ids[dep]} --> {ids[r.urn]}")
    return "\n".join(lines) + "\n"


class GraphvizMissing(RuntimeError):
    pass


def to_svg(rec: Recording) -> bytes:
    dot = shutil.which("dot")
    if not dot:
        raise GraphvizMissing("SVG needs Graphviz's `dot` (apt-get install graphviz, brew install graphviz); --format dot or mermaid work without it")
    return subprocess.run([dot, "-Tsvg"], input=to_dot(rec).encode(), capture_output=True, check=True).stdout


def depth(rec: Recording) -> int:
    """The longest chain of dependencies between custom resources, counted in resources."""
    custom = {r.urn: r for r in rec.resources if r.custom}
    memo: dict[str, int] = {}

    def longest(urn: str) -> int:
        if urn not in memo:
            memo[urn] = 1 + max((longest(d) for d in custom[urn].dependencies if d in custom), default=0)
        return memo[urn]

    return max((longest(u) for u in custom), default=0)
