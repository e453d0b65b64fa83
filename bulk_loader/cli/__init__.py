"""The `bulk-loader` command: a thin layer over the library.

Subcommands load lazily (click's documented LazyGroup pattern) so that `bulk-loader --help` and
the simulator do not pay for importing pandas. Every BulkLoaderError becomes one sentence on
stderr and its exit code; nothing reaches the user as a traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from bulk_loader import __version__
from bulk_loader.errors import EXIT_INTERRUPTED, BulkLoaderError

# name -> "module:attribute"; each module holds one click command.
COMMANDS = {
    "simulate": "bulk_loader.cli.simulate:simulate",
    "validate": "bulk_loader.cli.validate:validate",
    "upload": "bulk_loader.cli.upload:upload",
    "delete": "bulk_loader.cli.delete:delete",
    "records": "bulk_loader.cli.records:records",
    "campaign": "bulk_loader.cli.records:campaign",
    "runs": "bulk_loader.cli.runs:runs",
    "report": "bulk_loader.cli.runs:report",
    "sample": "bulk_loader.cli.sample:sample",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None  # not built yet
            raise
        command = getattr(module, attr, None)
        return command if isinstance(command, click.Command) else None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BulkLoaderError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            from bulk_loader.interrupt import EXIT_TERMINATED, Terminated

            by = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl-C"
            click.echo(f"interrupted by {by}; nothing was lost. Run the same command again "
                       "to resume.", err=True)
            ctx.exit(EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED)


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="bulk-loader")
def cli() -> None:
    """Load customer files into 8x8 Contact Center dynamic campaigns, resumably."""


def main() -> None:
    from bulk_loader.interrupt import install_sigterm

    install_sigterm()  # SIGTERM (systemd, timeout, docker stop) unwinds like Ctrl-C: exit 143
    cli(prog_name="bulk-loader")
    sys.exit(0)
