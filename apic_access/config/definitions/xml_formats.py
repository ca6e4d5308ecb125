"""WSDL 1.1 and 2.0, and WADL: read with defusedxml's SAX parser (no DTD, no entity, nothing
fetched), told apart by the root element and its namespace, and refused when they refer to
other files (ARM's import receives one file's text):

- WSDL: `import`/`include` with a `location`;
- WADL: `<include href>` in `<grammars>` (the XML Schemas the representations use), and a
  method, representation, parameter or resource type given by `href`/`type` in another file;
- both: XML Schema `import`/`include`/`redefine`/`override` with a `schemaLocation`.
"""

from __future__ import annotations

import io
import xml.sax
import xml.sax.handler
import xml.sax.xmlreader
from typing import Any

from .common import Facts, Finding, error, first_and_more

WSDL11 = "http://schemas.xmlsoap.org/wsdl/"
WSDL20 = "http://www.w3.org/ns/wsdl"
XSD = "http://www.w3.org/2001/XMLSchema"
# WADL's namespace as published (2009), and the one of its 2006 drafts that older files keep
WADL = ("http://wadl.dev.java.net/2009/02", "http://research.sun.com/wadl/2006/10")


class _XmlFacts(xml.sax.handler.ContentHandler):
    """The root element and every reference to another file, with its line."""

    def __init__(self) -> None:
        super().__init__()
        self.root: tuple[str | None, str] | None = None
        self.outside: list[tuple[str, int, int]] = []
        self._locator: Any = None

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 - SAX's name
        self._locator = locator

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:  # noqa: N802 - SAX's name
        uri, local = name
        if self.root is None:
            self.root = (uri, local)
        attribute, prefix = None, "wsdl"  # the usual prefixes: SAX gives the namespace, not the file's prefix
        if (uri == WSDL11 and local == "import") or (uri == WSDL20 and local in ("import", "include")):
            attribute = "location"
        elif uri == XSD and local in ("import", "include", "redefine", "override"):
            attribute, prefix = "schemaLocation", "xsd"
        elif uri in WADL and local == "include":
            attribute, prefix = "href", ""
        elif uri in WADL and local in ("method", "representation", "param") and not str(attrs.get((None, "href"), "#")).startswith("#"):
            attribute, prefix = "href", ""
        elif uri in WADL and local == "resource" and any(not t.startswith("#") for t in str(attrs.get((None, "type"), "")).split()):
            attribute, prefix = "type", ""
        if attribute and attrs.get((None, attribute)):
            line, column = (self._locator.getLineNumber(), self._locator.getColumnNumber() + 1) if self._locator else (1, 1)
            tag = f"{prefix}:{local}" if prefix else local
            self.outside.append((f'<{tag} {attribute}="{attrs.get((None, attribute))}">', line, column))


def inspect(suffix: str, text: str) -> Facts:
    from defusedxml import DefusedXmlException
    from defusedxml.expatreader import create_parser

    handler = _XmlFacts()
    # defusedxml refuses DTDs, entities and external resources: nothing is expanded or fetched
    parser = create_parser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    parser.setContentHandler(handler)
    source = xml.sax.xmlreader.InputSource()
    # the text is already decoded (UTF-8, as ARM receives it): a str makes expat ignore the
    # encoding the XML declaration names
    source.setCharacterStream(io.StringIO(text))
    try:
        parser.parse(source)
    except xml.sax.SAXParseException as exc:
        return Facts(syntax_error=f"is not well-formed XML: {exc.getMessage()}", syntax_at=(exc.getLineNumber() or 1, (exc.getColumnNumber() or 0) + 1))
    except DefusedXmlException:
        return Facts(syntax_error="declares a DOCTYPE (a DTD or entities), which definition files may not: remove the <!DOCTYPE ...> declaration")
    uri, tag = handler.root or (None, "")
    root = f"<{tag}>" + (f" (namespace {uri})" if uri else "")
    if tag == "definitions" and (uri == WSDL11 or (uri is None and suffix == ".wsdl")):
        return Facts("wsdl", "1.1", outside=handler.outside, root=root)
    if tag == "description" and uri == WSDL20:
        return Facts("wsdl", "2.0", outside=handler.outside, root=root)
    if tag == "application" and (uri in WADL or (uri is None and suffix == ".wadl")):
        return Facts("wadl", outside=handler.outside, root=root)
    facts = Facts(root=root)
    if suffix in (".wsdl", ".wadl"):
        claimed, roots = ("WSDL", "<definitions> of WSDL 1.1 or <description> of WSDL 2.0") if suffix == ".wsdl" else ("WADL", "<application>")
        facts.refusals.append(error(f"is not {claimed}: its root element is {root}, where {claimed} has {roots}: point `file` at the {claimed} file"))
    return facts


def check(facts: Facts) -> list[Finding]:
    """WSDL and WADL: refused when they refer to other files."""
    if not facts.outside:
        return []
    reference, line, column = facts.outside[0]
    if "schemaLocation" in reference:
        part = "schema into this file's <types>" if facts.name == "wsdl" else "schema into this file's <grammars>"
    elif reference.startswith("<include "):
        part = "schema into this file's <grammars>"
    else:
        part = "definitions into this file"
    return [
        error(
            f"refers outside itself ({reference}{first_and_more(facts.outside)}): ARM imports the file alone, so inline the imported part: "
            f"copy the imported {part} and remove the reference",
            (line, column),
        )
    ]
