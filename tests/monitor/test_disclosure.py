"""The disclosure rules against a hand computation of the cell-key method (README,
"Disclosure control"): keys by hashlib/hmac directly, noise by the published table."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl
import pytest

from monitor import disclosure
from monitor.settings import DEMO_PSEUDONYM_KEY, get_settings

# The published noise table, written out again: d and the upper bound of its key range.
CUMULATIVE = [(-3, 0.01), (-2, 0.07), (-1, 0.25), (0, 0.75), (1, 0.93), (2, 0.99), (3, 1.0)]


def hand_key(text: str) -> float:
    secret = hmac.new(
        DEMO_PSEUDONYM_KEY.encode(), b"common-monitor cell key v1", hashlib.sha256
    ).digest()
    digest = hmac.new(secret, text.encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:7], "big") / 2**56


def hand_noise(key: float) -> int:
    return next(d for d, bound in CUMULATIVE if key < bound)


@pytest.fixture(autouse=True)
def _demo_settings(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("DISCLOSURE_NOISE", raising=False)
    monkeypatch.delenv("DISCLOSURE_ROUNDING", raising=False)
    monkeypatch.setenv("DISCLOSURE_THRESHOLD", "10")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_figure_key_is_the_keyed_hash_of_the_cell_and_its_value():
    expected = hand_key("GM0363|NW_REF|2024-H2|registered|huisarts|33.000000")
    got = disclosure.figure_key("GM0363", "NW_REF", "2024-H2", "registered", "huisarts", 33)
    assert got == expected


def test_published_counts_follow_the_rules_by_hand():
    counts = [0, 1, 9, 10, 11, 33, 783, None]
    keys = [0.5, 0.2, 0.995, 0.001, 0.005, 0.3, 0.999, 0.5]
    published, withheld = disclosure.publish_count(pl.Series(counts), pl.Series(keys))
    expected = []
    for n, k in zip(counts, keys, strict=True):
        if n is None:
            expected.append(None)
        elif n == 0:
            expected.append(0)
        elif n < 10:
            expected.append(None)
        else:
            expected.append(max(10, n + hand_noise(k)))
    assert published.to_list() == expected
    assert expected == [0, None, None, 10, 10, 33, 786, None]  # written out once by hand
    assert withheld.to_list() == [False, True, True, False, False, False, False, False]


def test_rounding_applies_after_the_noise(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DISCLOSURE_ROUNDING", "5")
    get_settings.cache_clear()
    published, _ = disclosure.publish_count(pl.Series([33, 783, 12]), pl.Series([0.5, 0.999, 0.0]))
    # 33+0 -> 35, 783+3 -> 785, max(10, 12-3) = 10 -> 10
    assert published.to_list() == [35, 785, 10]


def test_noise_off_gives_exact_counts_but_still_withholds(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("DISCLOSURE_NOISE", "none")
    get_settings.cache_clear()
    published, withheld = disclosure.publish_count(pl.Series([3, 783]), pl.Series([0.0, 0.999]))
    assert published.to_list() == [None, 783]
    assert withheld.to_list() == [True, False]


def test_record_keys_are_stable_uniform_and_secret_dependent(monkeypatch: pytest.MonkeyPatch):
    ids = pl.Series("child_id", list(range(1, 20001)))
    first = disclosure.record_keys(ids)
    assert first.to_list() == disclosure.record_keys(ids).to_list()
    assert first.min() >= 0.0 and first.max() < 1.0
    assert abs(first.mean() - 0.5) < 0.01  # uniform: mean 1/2, sd of the mean ~0.002
    monkeypatch.setenv("PSEUDONYM_KEY", "another-secret-key-of-at-least-32-chars!")
    get_settings.cache_clear()
    other = disclosure.record_keys(ids)
    assert (first - other).abs().max() > 0.1


def test_noise_table_is_centred_with_the_stated_spread():
    mean = sum(d * p for d, p in disclosure.NOISE_TABLE)
    variance = sum(d * d * p for d, p in disclosure.NOISE_TABLE)
    assert abs(sum(p for _, p in disclosure.NOISE_TABLE) - 1) < 1e-12
    assert abs(mean) < 1e-12 and abs(variance - 1.02) < 1e-12
