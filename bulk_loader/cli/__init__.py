"""The `bulk-loader` command: a thin layer over the library.

Subcommands load lazily (click's documented LazyGroup pattern) so that `bulk-loader --help` and
the simulator do not pay for importing pandas. Every BulkLoaderError becomes one sentence on
stderr and its exit code; anything else is an internal error, exit 5 (cli/crash.py); nothing
reaches the user as a traceback unless `--debug` asks for it.
"""

from __future__ import annotations

import contextlib
import importlib
import signal
import sys
from typing import Any

import click

from bulk_loader import __version__
from bulk_loader.cli import crash
from bulk_loader.errors import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, BulkLoaderError

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
            ctx.exit(crash.report(exc))
        except KeyboardInterrupt as exc:
            from bulk_loader.runs import EXIT_TERMINATED, Terminated

            by = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl-C"
            click.echo(f"interrupted by {by}; nothing was lost. Run the same command again "
                       "to resume.", err=True)
            ctx.exit(EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # `... | head`: the reader left; what was done is journaled
            crash.quiet_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:  # noqa: BLE001  a crash must not look like a result
            ctx.exit(crash.unexpected(exc))


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="bulk-loader")
@click.option("--debug", is_flag=True,
              help="Print the traceback of an unexpected internal error (exit 5).")
def cli(debug: bool) -> None:
    """Load customer files into 8x8 Contact Center dynamic campaigns, resumably."""
    crash.DEBUG["on"] = debug


def main() -> None:
    from bulk_loader.runs import install_sigterm

    install_sigterm()  # SIGTERM (systemd, timeout, docker stop) unwinds like Ctrl-C: exit 143
    code: int | str | None = 0
    try:
        cli(prog_name="bulk-loader")
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt as exc:
        # A second Ctrl-C after the run had ended, as its exit was on its way out of click.
        from bulk_loader.runs import EXIT_TERMINATED, Terminated

        code = EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
    _ignore_late_signals()
    sys.exit(code)


def _ignore_late_signals() -> None:
    """The command is over and its exit code decided. Python's shutdown puts a Python-level
    SIGINT handler back to the system default before it frees the heap (tens of ms after a large
    run), so the second Ctrl-C of an interrupted run, landing then, ended the process by the
    signal (-2), not 130. Ignored from here (shutdown leaves SIG_IGN alone), a late Ctrl-C or
    SIGTERM cannot change the exit code."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            signal.signal(sig, signal.SIG_IGN)
