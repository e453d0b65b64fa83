"""The keys a config profile may hold: credentials, and every setting of a nightly job.

One table, so that a new option becomes a profile key by one line here (the option's click
parameter name beside the key). Precedence is flags, then the environment (BULK_LOADER_<KEY>),
then the profile; cli/profile.py applies it. A key not listed here is refused (exit 2, naming
it): a misspelt `chunksize` silently ignored would run the job with the wrong setting.
"""

from __future__ import annotations

CREDENTIAL_KEYS = ("username", "action_token", "data_token")
# The Campaigns API v1's credentials (--api campaigns-v1; cli/backend.py reads them).
V1_CREDENTIAL_KEYS = ("api_key", "tenant")

# profile key -> the click parameter name of the option it stands for. A new option is one
# line here, e.g. "date_format": "date_format" once `upload --date-format` exists.
JOB_KEYS: dict[str, str] = {
    "api": "api",
    "site": "site",
    "platform": "platform",
    "base_url": "base_url",
    "campaign": "campaign_id",
    "timezone": "timezone_name",
    "id_column": "id_column",
    "schedule_column": "schedule_column",
    "sheet": "sheet",
    "encoding": "encoding",
    "delimiter": "delimiter",
    "chunk_size": "chunk_size",
    "concurrency": "concurrency",
    "journal": "journal",
    "results_dir": "results_dir",
    "retry_for": "retry_for",
    "max_rate": "max_rate",
    "metrics_file": "metrics_file",
    "log_file": "log_file",
    "trace_http": "trace_http",
    "date_formats": "date_formats",  # a TOML list; $BULK_LOADER_DATE_FORMATS holds one format
    "timezone_column": "timezone_column",
    "no_schedule": "no_schedule",
    "skip_known": "skip_known",
    "timeout": "timeout",
}

# Keys of which only one may be in force: a flag for one of them hides the others' lower sources.
EXCLUSIVE = (("platform", "base_url"),)

KNOWN_KEYS = frozenset(CREDENTIAL_KEYS) | frozenset(V1_CREDENTIAL_KEYS) | frozenset(JOB_KEYS)


def env_name(key: str) -> str:
    return f"BULK_LOADER_{key.upper()}"
