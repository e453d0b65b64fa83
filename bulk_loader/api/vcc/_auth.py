"""The legacy API's authentication as a strategy object (`Auth`, api/_service.py).

HTTP Basic with the tenant's user name and one of two tokens: the *action* token writes (add
records, change a campaign's status), the *data* token reads (status, records). With only one
token configured, it serves every purpose. DELETE takes the action token until a 401 proves the
data token is wanted; it then switches once for the rest of the run, and says so when the data
token works (docs/contract.md, Decision 1). `Credentials` (bulk_loader/config.py) stays what the
user configures; the transport asks this object for headers by purpose.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Literal

from bulk_loader.api._service import Purpose
from bulk_loader.config import Credentials

TokenKind = Literal["action", "data"]
DELETE_FALLBACK_NOTE = "DELETE accepted the data token; using it for the rest of the run"


def token_kind(credentials: Credentials, wanted: TokenKind) -> TokenKind:
    """The kind of token that really serves `wanted` (with one token configured, it serves all)."""
    own = credentials.action_token if wanted == "action" else credentials.data_token
    if own:
        return wanted
    return "data" if wanted == "action" else "action"


class LegacyAuth:
    """Basic auth with the action and data tokens; DELETE's token is learned (Decision 1)."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._by_kind: dict[str, dict[str, str]] = {}
        for wanted in ("action", "data"):
            kind = token_kind(credentials, wanted)  # type: ignore[arg-type]
            raw = f"{credentials.username}:{credentials.token(kind)}".encode()
            self._by_kind[kind] = {
                "Authorization": "Basic " + base64.b64encode(raw).decode("ascii"),
                "Content-Type": "application/json",
            }
        self.delete_kind: TokenKind = self.kind_for("write")
        self._delete_confirmed = False

    def kind_for(self, purpose: Purpose) -> TokenKind:
        """The token kind that serves `purpose` now (its name goes into messages, never its value)."""
        if purpose == "delete":
            return self.delete_kind
        return token_kind(self.credentials, "data" if purpose == "read" else "action")

    def headers(self, purpose: Purpose) -> Mapping[str, str]:
        return self._by_kind[self.kind_for(purpose)]

    def headers_of(self, kind: TokenKind) -> Mapping[str, str]:
        """The headers of one token kind: a DELETE sends with the kind it read before its slot."""
        return self._by_kind[kind]

    def secrets(self) -> Sequence[str]:
        return self.credentials.secrets()

    def echoes(self) -> tuple[bytes, ...]:
        """What must never be read back from an answer: each token, and each Basic credential
        as sent (base64 of user:token)."""
        sent = (h["Authorization"].partition(" ")[2] for h in self._by_kind.values())
        return tuple(v.encode() for v in (*self.secrets(), *sent) if v)

    def distinct_tokens(self) -> bool:
        secrets = self.credentials.secrets()
        return len(secrets) == 2 and len(set(secrets)) == 2

    def switch_delete(self, failed_kind: TokenKind) -> bool:
        """Decision 1: after a 401 with the action token, try the data token once. True when the
        DELETE should be sent again (with the kind now current)."""
        if failed_kind != self.delete_kind:
            return True  # another request already switched: retry with the current kind
        if failed_kind == "action" and not self._delete_confirmed and self.distinct_tokens():
            self.delete_kind = "data"
            return True
        return False

    def confirm_delete(self, kind: TokenKind) -> str | None:
        """A DELETE with `kind` was answered (not 401/403): keep it. Returns the sentence to tell
        the user when that is the data token standing in for the action token."""
        if not self._delete_confirmed and kind == self.delete_kind:
            self._delete_confirmed = True
            if kind == "data" and self.kind_for("write") == "action":
                return DELETE_FALLBACK_NOTE
        return None
