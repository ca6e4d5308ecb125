"""What a definition file must be, format by format, for ARM to import it alone.

`judge(text, suffix, given)` (detect.py) detects the format (by the file's content or
extension, or as `specification.name` gives it), parses it with the format's own parser, and
returns every finding as a message about the file, ending with the fix. It depends on
nothing but its arguments, so config/definition_files.py caches it by the file's content.

One module per format family: openapi.py and asyncapi.py (with refs.py, their `$ref`s, and
syntax.py, JSON and YAML read with duplicate keys refused and positions found again),
graphql_sdl.py, xml_formats.py (WSDL, WADL), grpc.py (with proto.py, the protobuf parser),
raml.py. Each module's docstring says what it refuses and why.
"""

from .asyncapi import ASYNCAPI_SCHEMAS, asyncapi_versions
from .common import Finding, Verdict
from .detect import judge

__all__ = ["ASYNCAPI_SCHEMAS", "Finding", "Verdict", "asyncapi_versions", "judge"]
