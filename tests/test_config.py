import os

import pytest

from bulk_loader.config import Credentials, load_credentials, resolve_endpoint
from bulk_loader.errors import ConfigError, UsageError


def write_config(tmp_path, text, mode=0o600):
    path = tmp_path / "config.toml"
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_env_credentials_need_no_file(tmp_path):
    env = {"BULK_LOADER_USERNAME": "acme", "BULK_LOADER_ACTION_TOKEN": "a1",
           "BULK_LOADER_CONFIG": str(tmp_path / "none.toml")}
    creds = load_credentials(env=env)
    assert creds == Credentials("acme", "a1", None)
    assert creds.token("data") == "a1"  # one token serves every call (Decision 1)


def test_profile_read_and_env_overrides_it(tmp_path):
    path = write_config(tmp_path, '[night]\nusername = "acme"\naction_token = "A"\ndata_token = "D"\n')
    creds = load_credentials("night", path, env={"BULK_LOADER_DATA_TOKEN": "D2"})
    assert (creds.username, creds.token("action"), creds.token("data")) == ("acme", "A", "D2")


def test_tokens_never_in_repr():
    assert "secret" not in repr(Credentials("acme", "secret-a", "secret-d"))


def test_config_readable_by_others_is_refused(tmp_path):
    path = write_config(tmp_path, '[default]\nusername = "x"\naction_token = "t"\n', mode=0o644)
    with pytest.raises(ConfigError, match=r"can be read by others \(mode 644\); run: chmod 600"):
        load_credentials(config=path, env={})


def test_missing_profile_and_missing_token(tmp_path):
    path = write_config(tmp_path, '[default]\nusername = "x"\n')
    with pytest.raises(ConfigError, match=r"profile \[other\] not found"):
        load_credentials("other", path, env={})
    with pytest.raises(ConfigError, match="no API token is configured"):
        load_credentials(config=path, env={})


def test_bad_toml(tmp_path):
    path = write_config(tmp_path, "[default\n")
    with pytest.raises(ConfigError, match="is not valid TOML"):
        load_credentials(config=path, env={})


@pytest.mark.parametrize(
    ("platform", "base_url", "expected"),
    [
        ("na12", None, "https://vcc-na12.8x8.com"),
        (None, "http://127.0.0.1:8088/", "http://127.0.0.1:8088"),
        (None, "https://example.test", "https://example.test"),
    ],
)
def test_resolve_endpoint(platform, base_url, expected):
    assert resolve_endpoint(platform, base_url) == expected


@pytest.mark.parametrize(
    ("platform", "base_url", "message"),
    [
        ("NA12", None, "platform must look like two letters and a number"),
        ("na12.evil.com/x", None, "platform must look like"),
        (None, "http://example.test", "must use https unless it points at this machine"),
        (None, None, "^give exactly one of platform"),
        ("na1", "https://x.test", "give exactly one of platform"),
        (None, "ftp://x", r"must be an http\(s\) URL"),
    ],
)
def test_resolve_endpoint_refusals(platform, base_url, message):
    with pytest.raises(UsageError, match=message):
        resolve_endpoint(platform, base_url)
