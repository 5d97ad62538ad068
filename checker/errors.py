"""The one kind of exception users are meant to see.

Expected failures (unreadable file, bad rule file, bad option) raise `CheckerError` with a
message key and arguments, never a formatted string, so the CLI can render one line in the
user's language. Anything else is a bug and is allowed to surface as a traceback in tests.
"""

from __future__ import annotations


class CheckerError(Exception):
    """An expected failure with an i18n message key (see checker/i18n.py)."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key, args)
        self.key = key
        self.args_map: dict[str, object] = dict(args)


class InputError(CheckerError):
    """A report file could not be read or decoded."""


class RuleError(CheckerError):
    """A rule file is invalid; the args name file, rule id and field."""
