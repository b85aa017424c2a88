"""Pseudonyms: keyed HMAC-SHA256 of ``bsn:<bsn>`` / ``org:<ORG>:<ref>``; the elfproef."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl
import pytest

from monitor.pseudonym import (
    bsn_valid_expr,
    is_valid_bsn,
    mask_bsn,
    mask_expr,
    pseudonym_for_bsn,
    pseudonym_for_ref,
    pseudonym_series,
)
from monitor.settings import get_settings
from tests.monitor.ingest.helpers import valid_bsns


def test_hmac_messages_and_key():
    key = get_settings().pseudonym_key.get_secret_value().encode()
    expected = hmac.new(key, b"bsn:123456782", hashlib.sha256).hexdigest()
    assert pseudonym_for_bsn("123456782") == expected
    expected = hmac.new(key, b"org:SCH-01:K-1", hashlib.sha256).hexdigest()
    assert pseudonym_for_ref("SCH-01", "K-1") == expected
    assert pseudonym_for_bsn("123456782", key="another-key-of-at-least-32-chars!!") != expected


@pytest.mark.parametrize(
    ("bsn", "valid"),
    [("123456782", True), ("111222333", True), ("012345672", True), ("123456789", False),
     ("000000000", False), ("12345678", False), ("1234567820", False), ("12345678a", False)],
)  # fmt: skip
def test_elfproef(bsn, valid):
    assert is_valid_bsn(bsn) is valid
    assert pl.DataFrame({"b": [bsn]}).select(bsn_valid_expr("b"))["b"][0] is valid


def test_vectorised_check_agrees_with_scalar_on_many_numbers():
    numbers = [f"{n:09d}" for n in range(123_400_000, 123_402_000)] + valid_bsns(500)
    frame = pl.DataFrame({"b": numbers}).select(bsn_valid_expr("b"))
    assert frame["b"].to_list() == [is_valid_bsn(n) for n in numbers]


def test_series_matches_scalar_functions():
    frame = pl.DataFrame({"b": ["123456782", None, None], "r": [None, "K-1", None]})
    found = pseudonym_series(frame, bsn="b", child_ref="r", org_code="SCH-01")
    assert found["child_key"].null_count() == 1 and found["child_key"].n_unique() == 3
    assert found["pseudonym"].to_list() == [pseudonym_for_bsn("123456782"),
                                pseudonym_for_ref("SCH-01", "K-1"), None]  # fmt: skip


def test_masking():
    assert mask_bsn("123456782") == "*******82"
    assert pl.DataFrame({"b": ["123456782"]}).select(mask_expr("b"))["b"][0] == "*******82"
