"""One time zone parser for every --timezone, and the campaign's own zone (zones.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bulk_loader.cli import cli
from bulk_loader.errors import UsageError
from bulk_loader.zones import parse_timezone, resolve_timezone


@pytest.mark.parametrize(("name", "hours"), [
    ("EST5EST", -5), ("EST5", -5), ("UTC0", 0), ("IST-5:30", 5.5), ("XYZ+3", -3)])
def test_posix_fixed_offsets_read_west_positive(name: str, hours: float) -> None:
    zone = resolve_timezone(name)
    assert zone is not None and zone.utcoffset(None) == timedelta(hours=hours)


@pytest.mark.parametrize("name", [
    "America", "Etc", "ABC99", "ABC24", "XYZ-30", "ABC5:99", "XYZ6ABC", "Not/AZone", "", "  "])
def test_what_is_not_a_zone_is_none_not_a_crash(name: str) -> None:
    assert resolve_timezone(name) is None


def test_the_flag_refuses_signed_offsets_and_unknown_names() -> None:
    assert parse_timezone(None) is None and parse_timezone("  ") is None
    assert parse_timezone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    est = parse_timezone("EST5EST")
    assert est is not None and est.utcoffset(None) == timedelta(hours=-5)
    for signed in ("UTC+2", "GMT-5", "IST-5:30"):
        with pytest.raises(UsageError, match="is ambiguous: POSIX reads a signed offset"):
            parse_timezone(signed)
    with pytest.raises(UsageError, match=r"^unknown time zone 'America' \(timezone\)") as err:
        parse_timezone("America")  # the library names its parameter; the CLI, its flag (below)
    assert err.value.param == "timezone"


def test_validate_cli_says_one_sentence_for_a_tzdata_folder(tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("customer-id,schedule-date-time\n10000001,2030-01-01T09:00:00\n")
    res = CliRunner().invoke(cli, ["validate", str(f), "--timezone", "America"])
    assert res.exit_code == 2
    assert res.output == ("error: unknown time zone 'America' (--timezone); use an IANA name "
                          "such as Europe/London or America/New_York.\n")
    res = CliRunner().invoke(cli, ["validate", str(f), "--timezone", "UTC+2"])
    assert res.exit_code == 2 and "Etc/GMT-2 (which is UTC+2)" in res.output


def test_upload_blank_timezone_falls_back_to_the_campaign_zone() -> None:
    from bulk_loader.upload import fallback_zone

    def opts(name: str | None) -> Any:
        return SimpleNamespace(timezone=name)

    campaign: Any = SimpleNamespace(tzinfo=ZoneInfo("America/New_York"))
    assert fallback_zone(opts("  "), campaign) == ZoneInfo("America/New_York")
    est = fallback_zone(opts("EST5EST"), campaign)
    assert est is not None and est.utcoffset(None) == timedelta(hours=-5)
    assert fallback_zone(opts(None), None) is None
