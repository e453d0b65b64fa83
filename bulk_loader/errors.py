"""The one exception tree of bulk-loader.

Third-party errors (aiohttp, sqlite3, openpyxl, csv, OSError) are translated into these at the
module that meets them (``raise InputFileError(...) from exc``); the CLI prints ``str(error)`` as
one sentence and exits with ``error.exit_code``. No message ever carries a token.

    BulkLoaderError                      exit 2 unless said otherwise
    ├── UsageError                       bad options; `param` names the library parameter
    ├── ConfigError                      missing credentials, unsafe config file
    ├── InputFileError                   unreadable file, no id column, over the 5M cap
    │                                    (`param` when an option names what is missing)
    ├── OutputError                      an output (results, failures, report, metrics,
    │                                    trace) cannot be written; carries its `path`
    ├── JournalError                     the SQLite journal cannot be used
    │   ├── RunLockedError               another process holds this run (exit 3)
    │   └── JournalDamaged               the journal file is corrupt: move it aside (exit 2)
    ├── DiskFull                         no space left (journal, results, report) (exit 3)
    └── ApiError                         anything the remote API did        (exit 3)
        ├── TransientError               worth retrying: may succeed later
        │   ├── ConnectionFailed         refused, reset, dropped, DNS, TLS handshake
        │   ├── RequestTimeout           no answer in time
        │   ├── ServerBusy               429/500/502/503/504 (carries retry_after)
        │   └── BadResponse              an answer that is not what the API promises
        └── TerminalError                retrying cannot help: the run stops at once
            ├── AuthError                401/403: names the token *kind*, never its value
            ├── CampaignRefused          the campaign refuses records (exit 4, EXIT_CAMPAIGN)
            │   ├── CampaignNotFound     404 for the campaign itself
            │   └── CampaignNotUsable    not dynamic / not enabled / stopped / never started
            │                            (preflight, or a campaign-level 400: Decision 12)
            ├── CertificateError         the server's TLS certificate is not trusted
            ├── RedirectRefused          a 3xx: API calls never follow redirects
            ├── AnswerTooLarge           an answer over its size cap
            └── WaitTooLong              Retry-After beyond the cap, or a wait cut by Ctrl-C

Anything else that escapes a command is a bug: the CLI prints one sentence and exits with
EXIT_INTERNAL (5); `--debug` prints the traceback (cli/crash.py).
"""

from __future__ import annotations

# Exit codes shared by every command (README: "Exit codes").
EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
# The campaign refuses records (unknown, stopped, never started, not dynamic, not enabled): fix the
# campaign or the command, then re-run. Unlike 3, waiting alone will not help.
EXIT_CAMPAIGN = 4
EXIT_INTERNAL = 5  # unexpected internal error; see --debug
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141  # stdout was closed (`| head`), as a shell reports SIGPIPE


class BulkLoaderError(Exception):
    exit_code = EXIT_USAGE
    # The library parameters the message names, the one at fault first; empty when it names
    # none. The CLI shows each as its flag (cli/flags.py).
    params: tuple[str, ...] = ()

    @property
    def param(self) -> str | None:
        """The parameter at fault (`concurrency`), or None."""
        return self.params[0] if self.params else None


def _named(param: str | tuple[str, ...] | None) -> tuple[str, ...]:
    return (param,) if isinstance(param, str) else tuple(param or ())


class UsageError(BulkLoaderError):
    """Bad options. A library call names its parameter (`concurrency must be at least 1`) and
    sets `param`; the CLI shows the parameter as its flag (cli/flags.py: `--concurrency`). A
    message that names two (`give exactly one of platform or base_url`) passes both, the one at
    fault first."""

    def __init__(self, message: str, *, param: str | tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        self.params = _named(param)


class ConfigError(BulkLoaderError):
    pass


class InputFileError(BulkLoaderError):
    """The file cannot be read as asked; `param` names the option it points at, if any
    (`no column named 'tz' (timezone_column)`)."""

    def __init__(self, message: str, *, param: str | tuple[str, ...] | None = None) -> None:
        super().__init__(message)
        self.params = _named(param)


class OutputError(BulkLoaderError):
    """An output cannot be written (not a full disk: that is DiskFull, a resumable stop). Raised
    before anything is sent wherever it can be checked first (exit 2)."""

    def __init__(self, message: str, *, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class JournalError(BulkLoaderError):
    pass


class RunLockedError(JournalError):
    exit_code = EXIT_STOPPED


class JournalDamaged(JournalError):
    pass


class DiskFull(BulkLoaderError):
    exit_code = EXIT_STOPPED


class ApiError(BulkLoaderError):
    exit_code = EXIT_STOPPED

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class TransientError(ApiError):
    pass


class ConnectionFailed(TransientError):
    pass


class RequestTimeout(TransientError):
    pass


class ServerBusy(TransientError):
    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        super().__init__(message, status=status)
        self.retry_after = retry_after


class BadResponse(TransientError):
    pass


class TerminalError(ApiError):
    # Set by the client when an earlier request of the same records may have reached the server
    # (an answer lost in flight): only then may they have been taken (docs/contract.md Decision 14).
    maybe_taken = False


class AuthError(TerminalError):
    pass


class CampaignRefused(TerminalError):
    """The campaign itself refuses records: nothing was taken, the records stay pending."""

    exit_code = EXIT_CAMPAIGN


class CampaignNotFound(CampaignRefused):
    pass


class CampaignNotUsable(CampaignRefused):
    pass


class CertificateError(TerminalError):
    pass


class RedirectRefused(TerminalError):
    pass


class AnswerTooLarge(TerminalError):
    pass


class WaitTooLong(TerminalError):
    """The server asked for a wait beyond the cap; `cut` when Ctrl-C ended a wait instead."""

    def __init__(self, message: str, *, cut: bool = False) -> None:
        super().__init__(message)
        self.cut = cut
