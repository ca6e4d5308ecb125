"""The failure every command may end with: a message for the user and an exit code."""

from __future__ import annotations


class CommandError(Exception):
    """A user-facing failure: exit 1 (bad spec, something to fix) or 2 (usage). The message
    is printed as it is (stdout for 1, stderr for 2), never with a traceback."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code
