"""The first release's module path of the definition import's provider (see __init__.py)."""

from apic_access.components.definition_import import DefinitionImport, DefinitionImportProvider

__all__ = ["DefinitionImport", "DefinitionImportProvider"]
