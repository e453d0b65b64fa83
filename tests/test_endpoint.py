"""The endpoint keys a run: every spelling of one API root normalises to one string."""

from __future__ import annotations

import pytest

from bulk_loader.config import resolve_endpoint
from bulk_loader.errors import UsageError


@pytest.mark.parametrize("spelling", [
    "http://127.0.0.1:8088", "http://127.0.0.1:8088/", "HTTP://LOCALHOST:8088//",
    "http://localhost:8088", " http://127.0.0.1:8088/ "])
def test_one_local_root_in_every_spelling_is_one_endpoint(spelling: str) -> None:
    assert resolve_endpoint(None, spelling) == "http://127.0.0.1:8088"


@pytest.mark.parametrize(("spelling", "expected"), [
    ("https://VCC-NA12.8x8.com:443/", "https://vcc-na12.8x8.com"),
    ("https://vcc-na12.8x8.com/api/", "https://vcc-na12.8x8.com/api"),
    ("http://127.0.0.1:80/", "http://127.0.0.1"),
    ("http://[::1]:8088/", "http://[::1]:8088"),
])
def test_default_port_case_and_trailing_slash_are_dropped(spelling: str, expected: str) -> None:
    assert resolve_endpoint(None, spelling) == expected


@pytest.mark.parametrize("url", ["https://acme:s3cret@vcc-na12.8x8.com",
                                 "http://acme@127.0.0.1:8088", "http://:pw@[::1"])
def test_credentials_in_the_url_are_refused_without_echoing_them(url: str) -> None:
    with pytest.raises(UsageError) as err:
        resolve_endpoint(None, url)
    assert "must not hold a user name or password" in str(err.value)
    assert "s3cret" not in str(err.value) and "pw" not in str(err.value)


def test_a_query_is_refused() -> None:
    with pytest.raises(UsageError, match=r"without \? or #"):
        resolve_endpoint(None, "http://127.0.0.1:8088/?x=1")
