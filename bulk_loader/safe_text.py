"""Text from a server or a file made safe for a terminal: control characters escaped.

A server message or a cell may hold ESC sequences (an OSC that retitles the terminal, cursor
moves) or CR/LF that forge extra output lines. Everything that is printed for a human passes
through `safe`, which shows each C0/C1 control character (and DEL) as a visible escape.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or f"\\x{ord(ch):02x}"


def safe(text: str, keep_newlines: bool = False) -> str:
    """`text` with its control characters shown as escapes (newlines kept if asked)."""
    if keep_newlines:
        return "\n".join(_CONTROL.sub(_escape, line) for line in text.split("\n"))
    return _CONTROL.sub(_escape, text)
