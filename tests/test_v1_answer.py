"""A 2xx answer to a v1 add is accepted only when it is a JSON object with a `records` array;
anything else (not JSON, no array, cut short) leaves the records failed and maybe stored."""

from __future__ import annotations

import pytest

from bulk_loader.api.campaigns_v1 import V1Record, judge_add
from bulk_loader.api.campaigns_v1.isolate import Accepted, Failed
from bulk_loader.api.vcc import Reply

RECORDS = [V1Record("a"), V1Record("b")]
ADDED = (b'{"records":[{"id":"5b1c","type":"DYNAMIC","crmRecordId":"a","priority":"HIGH",'
         b'"rank":null,"retryCount":0,"state":"PENDING"},{"crmRecordId":"b"}],"extra":{"x":[1]}}')


def judge(body: bytes) -> object:
    return judge_add("c-1", RECORDS, Reply(200, body, None), False, "US1")


@pytest.mark.parametrize("body", [ADDED, b' { "records" : [ 1, "x", null ] } ', b'{"records":[]}'])
def test_an_object_with_a_records_array_is_accepted(body: bytes) -> None:
    assert judge(body) == Accepted(200, False)


@pytest.mark.parametrize("body", [
    b"", b"null", b"[]", b'{"records":{}}', b'{"records":null}', b'{"record":[]}',
    ADDED[:-5], b'{"records":[{"a":tru}]}', b'{"records":[1,]}', b"<html>OK</html>",
    b'{"records":[], "records": 5}'])
def test_anything_else_leaves_the_batch_failed_and_maybe_stored(body: bytes) -> None:
    verdict = judge(body)
    assert isinstance(verdict, Failed) and verdict.resent
    assert verdict.detail == "the answer (HTTP 200) to a batch of 2 records had no records array"
