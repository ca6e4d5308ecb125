"""Graph output survives any name a spec may hold: quotes, backslashes, line breaks, `|`, non-ASCII."""

from __future__ import annotations

from pathlib import Path

import pydot

from apic_access.graph import dot_text, to_dot, to_mermaid
from apic_access.recorder import Recording, Registration, record

NASTY = 'Orders "Core" Devs | C:\\path\nsecond line – Ünïcode `x` <b>&'


def recording() -> Recording:
    parent = Registration("urn:c", "apic-access:index:Access", f"access {NASTY}", False, "", {}, [], {})
    a = Registration("urn:a", "azure-native:authorization:RoleAssignment", f"petstore/v1-0/key/groups/{NASTY}", True, "urn:c", {}, [], {})
    b = Registration("urn:b", "pulumi-python:dynamic/apicenter:PreviewResource", "petstore/v1-0/key", True, "urn:c", {}, ["urn:a"], {})
    return Recording(project="apic-access", stack="dev", resources=[parent, a, b])


def test_dot_with_any_name_parses_back_to_the_same_labels() -> None:
    (graph,) = pydot.graph_from_dot_data(to_dot(recording()))
    (cluster,) = graph.get_subgraphs()
    assert cluster.get_label() == f'"{dot_text("Access access " + NASTY)}"'
    labels = {n.get_label() for n in cluster.get_nodes() if n.get_name() not in ("node", "edge", "graph")}
    assert f'"authorization:RoleAssignment\\n{dot_text("petstore/v1-0/key/groups/" + NASTY)}"' in labels
    assert len(graph.get_edges()) == 1


def test_dot_text_escapes_what_would_end_a_quoted_string() -> None:
    assert dot_text('a "b" \\ c\nd') == 'a \\"b\\" \\\\ c\\nd'


def test_mermaid_labels_hold_no_raw_quote_pipe_or_markup() -> None:
    text = to_mermaid(recording())
    label_lines = [line for line in text.splitlines() if "[" in line]
    assert len(label_lines) == 3
    for line in label_lines:
        inside = line.split('["', 1)[1].rsplit('"]', 1)[0]
        assert not set(inside.replace("<br/>", "")) & set('"|`<>')
    assert "#quot;Core#quot;" in text and "#124;" in text


def test_the_graph_names_principals_as_the_spec_does_never_by_stand_in_guids() -> None:
    rec = record(Path(__file__).resolve().parents[2] / "config" / "dev.yaml", stack="dev")
    assert rec.placeholders
    for text in (to_dot(rec), to_mermaid(rec)):
        assert "petstore/v1-0/petstore-key/users/alice@contoso.com" in text
        assert not [oid for oid in rec.placeholders if oid in text]
