"""The data-entry template: prefilled with the reporter's obligations, Dutch (or English)
headers, dropdowns for indicator, period and category; filled in with openpyxl it goes
through the real ingest path unchanged and the figures come back through the query layer.
Expected values are the ones typed into the workbook here."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from sqlmodel import Session

from dashboards.components.entry_report import report_status
from monitor import query, views
from monitor.views.entry_help import entry_template, stored_figures
from schema import ReportingObligation
from tests.dashboards.world import DashboardWorld

DAY = date(2025, 3, 1)  # the latest ended half-year is 2024-H2


def _obligations(session: Session, world: DashboardWorld) -> None:
    orgs = world.base.orgs
    for code, about in [("MU_YOUTH", None), ("MU_CARE", None), ("NW_CHILDREN", "NW-A"),
                        ("MU_CARE_RATE", None)]:  # fmt: skip
        session.add(
            ReportingObligation(
                organisation_id=orgs["GM0363"].id, indicator_code=code,
                about_organisation_id=orgs[about].id if about else None,
                valid_from=date(2021, 1, 1), due_days=60,
            )
        )  # fmt: skip
    session.commit()


def _principal(session: Session, world: DashboardWorld):  # noqa: ANN202
    return views.principal_for_user_id(session, world.base.users["officer_ams"].id)


def _sheet_rows(sheet) -> list[dict]:  # noqa: ANN001
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]


@pytest.mark.usefixtures("exact_figures")
def test_template_filled_in_ingests_unchanged(catalogue, world, tmp_path) -> None:  # noqa: ANN001
    session = catalogue
    _obligations(session, world)
    principal = _principal(session, world)
    content = entry_template(session, principal, "GM0363", language="nl", today=DAY)
    path = tmp_path / "sjabloon-GM0363.xlsx"
    path.write_bytes(content)

    book = openpyxl.load_workbook(path)
    sheet = book["cijfers"]
    header = [c.value for c in sheet[1]]
    assert header == ["organisatie", "indicator", "periode", "waarde", "teller", "noemer",
                      "categorie", "bron"]  # fmt: skip
    rows = _sheet_rows(sheet)
    care = [r["categorie"] for r in rows if r["indicator"] == "MU_CARE"]
    assert len(care) > 3 and "ambulant" in care and "pleegzorg" in care
    assert {(r["organisatie"], r["indicator"], r["periode"]) for r in rows} == {
        ("GM0363", "MU_YOUTH", "2024-H2"),
        ("GM0363", "MU_CARE", "2024-H2"),
        ("NW-A", "NW_CHILDREN", "2024-H2"),
    }  # fmt: skip  (the rate is computed, never asked for)
    validated = {
        str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation
    }
    assert set("BCG") <= set(validated), validated  # indicator, period, category dropdowns
    lists = book["keuzelijsten"]
    indicator_list = [c.value for c in lists["A"] if c.value]
    assert "MU_CARE" in indicator_list and "MU_CARE_RATE" not in indicator_list
    assert "2024-H2" in [c.value for c in lists["B"] if c.value]

    typed = {}
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=0):
        value = 150_000 if row[1].value == "MU_YOUTH" else 1_000 + number
        row[3].value = value
        typed[(row[0].value, row[1].value, row[6].value or "")] = value
    book.save(path)

    # checked only: the page says nothing was stored (it said "opgeslagen 24")
    checked = views.submit_file(session, principal, path, organisation_code="GM0363", dry_run=True)
    assert checked.status == "dry_run"
    line = _text(report_status(checked))
    assert f"Gelezen {len(rows)}, goedgekeurd {len(rows)}, afgewezen 0; niets opgeslagen" in line
    assert "opgeslagen " not in line.replace("niets opgeslagen", ""), line

    report = views.submit_file(session, principal, path, organisation_code="GM0363")
    assert report.status == "accepted", [p.reason for p in report.problems]
    assert f"Gelezen {len(rows)}, opgeslagen {len(rows)}, afgewezen 0" in _text(
        report_status(report)
    )
    assert report.rows_accepted == len(rows)
    stored = stored_figures(session, principal, report.submission_id)
    assert stored.count == len(rows)
    assert stored.indicators == ["MU_CARE", "MU_YOUTH", "NW_CHILDREN"]
    assert stored.periods == ["2024-H2"]
    # the names the page shows them by (monitor/data/indicators.yaml, tests.factories)
    assert stored.indicator_names["NW_CHILDREN"][0] == "Kinderen in bereik netwerk"
    assert stored.organisation_names["NW-A"] == "Netwerk Amsterdam-Oost"

    for (org, code, category), value in typed.items():
        series = query.aggregate_series(
            session, principal, indicator_code=code, organisation_codes=[org]
        )
        found = series.filter(
            (series["period_code"] == "2024-H2") & (series["category"] == category)
        )
        assert found["value"].to_list() == [value], (org, code, category)


def test_english_template_has_english_headers_and_units(catalogue, world) -> None:  # noqa: ANN001
    import io

    from dashboards.i18n import UNITS_EN

    session = catalogue
    _obligations(session, world)
    content = entry_template(
        session, _principal(session, world), "GM0363", language="en", today=DAY,
        units_en=UNITS_EN,
    )  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert [c.value for c in book["figures"][1]][:4] == ["organisation", "indicator", "period",
                                                         "value"]  # fmt: skip
    units = {r["code"]: r["unit"] for r in _sheet_rows(book["indicators"])}
    assert units["NW_CHILDREN"] == "children"
    assert units["MU_CARE"] == UNITS_EN["jeugdigen"]


def test_template_needs_submit_rights(catalogue, world) -> None:  # noqa: ANN001
    from monitor.errors import AccessDeniedError

    viewer = views.principal_for_user_id(catalogue, world.base.users["viewer_a"].id)
    with pytest.raises(AccessDeniedError):
        entry_template(catalogue, viewer, "GM0363", today=DAY)


def _text(component) -> str:  # noqa: ANN001
    """All text of a Dash component tree."""
    children = getattr(component, "children", component)
    if isinstance(children, str):
        return children
    if isinstance(children, list | tuple):
        return " ".join(_text(c) for c in children)
    return "" if children is None else _text(children)
