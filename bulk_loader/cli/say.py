"""`say`: click.echo for text that may hold what a server or a file wrote.

Lines are kept; every other control character (ESC, CR, BEL, C1) is shown escaped (safe_text),
so a server message or a cell cannot retitle the terminal or forge a line of output.
"""

from __future__ import annotations

import click

from bulk_loader.safe_text import safe


def say(text: str, err: bool = False) -> None:
    click.echo(safe(text, keep_newlines=True), err=err)
