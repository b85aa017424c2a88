"""The indicator catalogue: validation names the entry, versions never change silently."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from monitor.catalogue import (
    DEFAULT_CATALOGUE,
    get_indicator,
    load_catalogue,
    read_catalogue,
)
from monitor.errors import NotFoundError, ValidationFailed
from schema import Indicator, IndicatorCategory


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def _base() -> dict:
    return yaml.safe_load(DEFAULT_CATALOGUE.read_text())


def test_shipped_catalogue_is_valid_and_complete():
    catalogue = read_catalogue()
    codes = {i.code for i in catalogue.indicators}
    reference = {
        "CH_ABS",
        "CH_REF",
        "CH_CARE",
        "CH_PROT",
        "NW_PARTNERS",
        "NW_FORM",
        "PR_CSAT",
        "MU_YOUTH",
        "MU_CARE",
        "MU_REF",
        "MU_SPED",
        "MU_COST",
        "MU_WAITLIST",
        "PA_REPEAT",
    }
    assert reference <= codes
    referrers = {c.code: c.cbs_code for c in catalogue.categories["referrer"]}
    assert referrers["huisarts"] == "02" and referrers["rechter_ovj"] == "08"
    assert {c.code for c in catalogue.categories["care_type"]} >= {"pleegzorg", "ambulant"}
    rate = next(i for i in catalogue.indicators if i.code == "MU_CARE_RATE")
    assert (rate.numerator, rate.denominator, rate.factor) == ("MU_CARE", "MU_YOUTH", 1000)


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d["indicators"][0].update(level="galaxy"), "CH_ABS"),
        (lambda d: d["indicators"][0].update(range=[100, 0]), "minimum must be below"),
        (lambda d: d["indicators"].append({**d["indicators"][0]}), "duplicate code CH_ABS"),
        (
            lambda d: next(i for i in d["indicators"] if i["code"] == "MU_CARE_RATE").pop(
                "numerator"
            ),
            "a rate needs numerator",
        ),
        (lambda d: d["indicators"][0].update(category_set="nonsense"), "unknown category list"),
        (lambda d: d["indicators"][0].update(direction="sideways"), "direction"),
    ],
)
def test_malformed_catalogue_names_the_entry(tmp_path, mutate, fragment):
    data = _base()
    mutate(data)
    with pytest.raises(ValidationFailed) as info:
        read_catalogue(_write(tmp_path, data))
    assert fragment in str(info.value)


def test_not_yaml_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("indicators: [ {code: X")
    with pytest.raises(ValidationFailed, match="not valid YAML"):
        read_catalogue(path)


def test_load_twice_changes_nothing(catalogue):
    before = catalogue.exec(select(Indicator)).all()
    report = load_catalogue(catalogue)
    assert not report.changed and report.unchanged == len(before)
    assert len(catalogue.exec(select(Indicator)).all()) == len(before)
    assert len(catalogue.exec(select(IndicatorCategory)).all()) == 33


def test_changed_definition_needs_a_new_version(catalogue, tmp_path):
    data = _base()
    data["indicators"][0]["definition"] = "Something else entirely."
    with pytest.raises(ValidationFailed, match="set version: 2"):
        load_catalogue(catalogue, _write(tmp_path, data))
    catalogue.rollback()
    assert get_indicator(catalogue, "CH_ABS").definition.startswith("Share of school days")


def test_new_version_retires_the_previous_one(catalogue, tmp_path):
    data = _base()
    new = {
        **data["indicators"][0],
        "version": 2,
        "valid_from": "2025-08-01",
        "definition": "Share of school days absent, excluding approved leave.",
    }
    data["indicators"].append(new)
    report = load_catalogue(catalogue, _write(tmp_path, data))
    catalogue.commit()
    assert report.new_versions == ["CH_ABS v2"]
    from datetime import date

    assert get_indicator(catalogue, "CH_ABS", date(2024, 1, 1)).version == 1
    assert get_indicator(catalogue, "CH_ABS", date(2025, 9, 1)).version == 2
    v1 = catalogue.exec(
        select(Indicator).where(Indicator.code == "CH_ABS", Indicator.version == 1)
    ).one()
    assert v1.retired_on == date(2025, 8, 1)
    assert not load_catalogue(catalogue, _write(tmp_path, data)).changed


def test_label_corrections_are_updated_in_place(catalogue, tmp_path):
    data = _base()
    data["indicators"][0]["name"]["en"] = "School absence (all)"
    report = load_catalogue(catalogue, _write(tmp_path, data))
    assert report.labels_updated == ["CH_ABS v1"]
    assert get_indicator(catalogue, "CH_ABS").name_en == "School absence (all)"


def test_unknown_indicator(catalogue):
    with pytest.raises(NotFoundError, match="NOPE"):
        get_indicator(catalogue, "NOPE")


def test_possible_range_of_an_indicator(catalogue):  # noqa: ANN001
    from monitor.catalogue import get_indicator, possible_range

    assert possible_range(get_indicator(catalogue, "NW_REF_RATE"))[0] == 0.0  # a rate, no range
    abs_range = possible_range(get_indicator(catalogue, "CH_ABS"))
    assert abs_range == (
        get_indicator(catalogue, "CH_ABS").min_value,
        get_indicator(catalogue, "CH_ABS").max_value,
    )


def test_an_older_version_after_a_newer_one_is_refused(catalogue, tmp_path):
    # CH_ABS v1 and v3 are stored; a file that then brings v2 is behind the database
    data = _base()
    v1 = data["indicators"][0]
    v3 = {**v1, "version": 3, "valid_from": "2026-01-01", "definition": "Third definition."}
    data["indicators"].append(v3)
    load_catalogue(catalogue, _write(tmp_path, data))
    catalogue.commit()
    v2 = {**v1, "version": 2, "valid_from": "2025-08-01", "definition": "Second definition."}
    data["indicators"].append(v2)
    with pytest.raises(ValidationFailed) as info:
        load_catalogue(catalogue, _write(tmp_path, data))
    problems = [(p.column, p.value, p.reason) for p in info.value.problems]
    assert problems == [("indicator CH_ABS", "2", "a newer version is already loaded")]
    assert info.value.problems[0].file == str(tmp_path / "catalogue.yaml")
