"""bulk-loader: load customer files into 8x8 Contact Center dynamic campaigns, resumably.

The library's public names (README, "Library use"): `upload`, `delete` and `validate`; the
journal; credentials; the options, outcome and summary types; the error tree, each error with
its `exit_code`. Everything else is an implementation detail that may move.

Each name is imported on first use (PEP 562), so that `bulk-loader --version` loads nothing but
this file (0.06 s; 0.10 s with the subpackages loaded whole).

`upload` and `delete` share their names with the subpackages `bulk_loader.upload` and
`bulk_loader.delete`. Importing a subpackage sets its name on the parent package; `_Package`
keeps that from replacing the functions, so `bulk_loader.upload(...)` is always the call, and
the subpackage stays `from bulk_loader.upload import ...` (or `sys.modules`).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from bulk_loader.config import Credentials, load_credentials, resolve_endpoint
    from bulk_loader.delete import DeleteOptions
    from bulk_loader.delete import run_delete as delete
    from bulk_loader.delete import run_delete_async as delete_async
    from bulk_loader.errors import (
        AnswerTooLarge,
        ApiError,
        AuthError,
        BadResponse,
        BulkLoaderError,
        CampaignNotFound,
        CampaignNotUsable,
        CampaignRefused,
        CertificateError,
        ConfigError,
        ConnectionFailed,
        DiskFull,
        InputFileError,
        JournalDamaged,
        JournalError,
        OutputError,
        RedirectRefused,
        RequestTimeout,
        RunLockedError,
        ServerBusy,
        TerminalError,
        TransientError,
        UsageError,
        WaitTooLong,
    )
    from bulk_loader.journal import Journal, Run
    from bulk_loader.model import ReaderOptions
    from bulk_loader.outcome import RunOutcome
    from bulk_loader.readers import ExportOptions
    from bulk_loader.summaries import (
        DeleteSummary,
        DryRunSummary,
        ErrorSummary,
        PeriodReportDocument,
        RunReportSummary,
        UploadSummary,
        ValidateSummary,
    )
    from bulk_loader.upload import UploadOptions
    from bulk_loader.upload import run_upload as upload
    from bulk_loader.upload import run_upload_async as upload_async
    from bulk_loader.validation import FileOptions, FileSummary
    from bulk_loader.validation import validate_file as validate

# name -> (module, attribute)
_WHERE: dict[str, tuple[str, str]] = {
    "upload": ("bulk_loader.upload", "run_upload"),
    "UploadOptions": ("bulk_loader.upload", "UploadOptions"),
    "upload_async": ("bulk_loader.upload", "run_upload_async"),  # inside a running event loop
    "delete_async": ("bulk_loader.delete", "run_delete_async"),
    "delete": ("bulk_loader.delete", "run_delete"),
    "DeleteOptions": ("bulk_loader.delete", "DeleteOptions"),
    "validate": ("bulk_loader.validation", "validate_file"),
    "FileOptions": ("bulk_loader.validation", "FileOptions"),
    "FileSummary": ("bulk_loader.validation", "FileSummary"),
    "ReaderOptions": ("bulk_loader.model", "ReaderOptions"),
    "ExportOptions": ("bulk_loader.readers", "ExportOptions"),
    "Journal": ("bulk_loader.journal", "Journal"),
    "Run": ("bulk_loader.journal", "Run"),
    "Credentials": ("bulk_loader.config", "Credentials"),
    "load_credentials": ("bulk_loader.config", "load_credentials"),
    "resolve_endpoint": ("bulk_loader.config", "resolve_endpoint"),
    "RunOutcome": ("bulk_loader.outcome", "RunOutcome"),
    **{name: ("bulk_loader.summaries", name) for name in (
        "UploadSummary", "DryRunSummary", "DeleteSummary", "ValidateSummary",
        "RunReportSummary", "PeriodReportDocument", "ErrorSummary")},
    **{name: ("bulk_loader.errors", name) for name in (
        "BulkLoaderError", "UsageError", "ConfigError", "InputFileError", "OutputError",
        "JournalError", "RunLockedError", "JournalDamaged", "DiskFull", "ApiError",
        "TransientError", "ConnectionFailed", "RequestTimeout", "ServerBusy", "BadResponse",
        "TerminalError", "AuthError", "CampaignRefused", "CampaignNotFound",
        "CampaignNotUsable", "CertificateError", "RedirectRefused", "AnswerTooLarge",
        "WaitTooLong")},
}

__all__ = [
    "__version__",
    # entry points and what they take and hand back
    "upload", "upload_async", "UploadOptions", "delete", "delete_async", "DeleteOptions", "validate", "FileOptions",
    "FileSummary", "ReaderOptions", "ExportOptions", "RunOutcome",
    "Journal", "Run", "Credentials", "load_credentials", "resolve_endpoint",
    # summaries (docs/summaries.md)
    "UploadSummary", "DryRunSummary", "DeleteSummary", "ValidateSummary", "RunReportSummary",
    "PeriodReportDocument", "ErrorSummary",
    # errors, each with its exit_code
    "BulkLoaderError", "UsageError", "ConfigError", "InputFileError", "OutputError",
    "JournalError", "RunLockedError", "JournalDamaged", "DiskFull", "ApiError", "TransientError",
    "ConnectionFailed", "RequestTimeout", "ServerBusy", "BadResponse", "TerminalError",
    "AuthError", "CampaignRefused", "CampaignNotFound", "CampaignNotUsable", "CertificateError",
    "RedirectRefused", "AnswerTooLarge", "WaitTooLong",
]
_ENTRY_POINTS = frozenset({"upload", "delete"})


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attr = _WHERE[name]
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """The package's module object: a subpackage import must not replace `upload`/`delete`."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _ENTRY_POINTS and isinstance(value, types.ModuleType):
            return  # bulk_loader.upload stays the function; the subpackage is in sys.modules
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
