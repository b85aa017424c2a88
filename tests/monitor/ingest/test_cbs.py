"""CBS StatLine downloads and the OData API into the published indicators, with CBS's
status kept as history. Expected values are read off the fixture files by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import polars as pl
import pytest
from sqlmodel import select

from monitor.ingest.cbs import import_table, size_band
from monitor.ingest.cbs.statline import column_stem
from monitor.views.published import comparison, published_figures
from schema import Organisation

FIXTURES = Path(__file__).parent / "cbs_fixtures"


def _series(session, code, orgs, as_of=None):
    frame = published_figures(session, code, orgs, as_of=as_of)
    return [(r["organisation_code"], r["period_code"], r["value"], r["status"])
            for r in frame.iter_rows(named=True)]  # fmt: skip


def test_column_stems_and_size_bands():
    assert column_stem("JongerenMetJeugdzorgInNatura_87") == "JongerenMetJeugdzorgInNatura"
    assert size_band("20 000 tot 50 000 inwoners") == (20_000, 50_000)
    assert size_band("Minder dan 20 000 inwoners") == (0, 20_000)
    assert size_band("150 000 inwoners of meer") == (150_000, 10**9)
    assert size_band("Nederland") is None


def test_download_year_and_half_year_with_status(orgs):
    result = import_table(
        orgs, "82972NED", importer="GM0363", file=FIXTURES / "82972NED_2020-04.csv"
    )
    report = result.report
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    # GM0363 2019 jeugdreclassering is "." in the file: withheld, nothing stored
    assert result.withheld == 1
    assert result.skipped_regions == ["GM9999"]  # not registered here
    assert result.unmapped_columns == ["JeugdbeschEnJeugdhMetVerblInNat_4"]
    assert _series(orgs, "CBS_JH_PCT", ["GM0363", "NL01"]) == [
        ("GM0363", "2018", 13.1, "definitief"),
        ("GM0363", "2019", 13.5, "voorlopig"),
        ("NL01", "2018", 11.9, "definitief"),
        ("NL01", "2019", 12.2, "voorlopig"),
    ]
    assert _series(orgs, "CBS_JH_PCT_HY", ["GM0363"]) == [
        ("GM0363", "2019-H1", 11.2, "nader_voorlopig")
    ]
    assert _series(orgs, "CBS_JR_PCT", ["GM0363", "GM0599"]) == [
        ("GM0363", "2018", 0.6, "definitief"),
        ("GM0599", "2019", 0.7, "voorlopig"),
    ]


def test_definitive_figure_is_a_correction_and_as_of_shows_the_provisional(orgs):
    import_table(orgs, "82972NED", importer="GM0363", file=FIXTURES / "82972NED_2020-04.csv")
    between = datetime.now(UTC)
    later = import_table(
        orgs, "82972NED", importer="GM0363", file=FIXTURES / "82972NED_2020-10.csv"
    )
    report = later.report
    assert report.status == "accepted", [p.as_text() for p in report.problems]
    # GM0363 2019: 13.5 voorlopig -> 13.8 definitief; 2019-H1: same 11.2, status only
    assert _series(orgs, "CBS_JH_PCT", ["GM0363"]) == [
        ("GM0363", "2018", 13.1, "definitief"),
        ("GM0363", "2019", 13.8, "definitief"),
    ]
    assert _series(orgs, "CBS_JH_PCT_HY", ["GM0363"]) == [("GM0363", "2019-H1", 11.2, "definitief")]
    assert _series(orgs, "CBS_JH_PCT", ["GM0363"], as_of=between) == [
        ("GM0363", "2018", 13.1, "definitief"),
        ("GM0363", "2019", 13.5, "voorlopig"),
    ]
    assert _series(orgs, "CBS_JH_PCT_HY", ["GM0363"], as_of=between) == [
        ("GM0363", "2019-H1", 11.2, "nader_voorlopig")
    ]
    # the withheld 2019 jeugdreclassering now has a figure
    assert ("GM0363", "2019", 0.6, "definitief") in _series(orgs, "CBS_JR_PCT", ["GM0363"])


def test_kerncijfers_suffixes_change_between_years(orgs):
    for table in ("84799NED", "85984NED"):
        result = import_table(orgs, table, importer="GM0363", file=FIXTURES / f"{table}.csv")
        assert result.report.status == "accepted", [p.as_text() for p in result.report.problems]
        assert result.unmapped_columns == []
    assert _series(orgs, "CBS_KWB_JZ", ["GM0363", "GM0599", "NL00"]) == [
        ("GM0363", "2020", 21540.0, "definitief"),
        ("GM0363", "2024", 22115.0, "definitief"),
        ("GM0599", "2024", 18400.0, "definitief"),  # 2020 withheld (".")
        ("NL00", "2020", 423010.0, "definitief"),
        ("NL00", "2024", 455380.0, "definitief"),
    ]
    assert _series(orgs, "CBS_KWB_JZ_PCT", ["GM0363"]) == [
        ("GM0363", "2020", 10.1, "definitief"),
        ("GM0363", "2024", 10.4, "definitief"),
    ]


def _odata_transport() -> httpx.MockTransport:
    """CBS OData v3 answers for 82972NED as the API gives them (padded keys, Status)."""
    pages = {
        "TypedDataSet": [
            {
                "ID": 0,
                "RegioS": "NL01      ",
                "Perioden": "2019JJ00",
                "JongerenMetJeugdhulpInNatura_1": 12.2,
                "JongerenMetJeugdbescherming_3": 1.2,
            },
            {
                "ID": 1,
                "RegioS": "GM0363    ",
                "Perioden": "2019JJ00",
                "JongerenMetJeugdhulpInNatura_1": 13.5,
                "JongerenMetJeugdbescherming_3": None,
            },
            {
                "ID": 2,
                "RegioS": "GK1       ",
                "Perioden": "2019JJ00",
                "JongerenMetJeugdhulpInNatura_1": 12.9,
                "JongerenMetJeugdbescherming_3": 1.4,
            },
        ],
        "Perioden": [{"Key": "2019JJ00", "Title": "2019*", "Status": "Voorlopig"}],
        "RegioS": [
            {"Key": "NL01      ", "Title": "Nederland"},
            {"Key": "GM0363    ", "Title": "Amsterdam"},
            {"Key": "GK1       ", "Title": "150 000 inwoners of meer"},
        ],
    }
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        part = request.url.path.rsplit("/", 1)[-1]
        assert request.url.params.get("$format") == "json"
        return httpx.Response(200, content=json.dumps({"value": pages.get(part, [])}))

    transport = httpx.MockTransport(handler)
    transport.seen = seen  # type: ignore[attr-defined]
    return transport


def test_odata_with_status_size_class_and_comparison(orgs):
    transport = _odata_transport()
    with httpx.Client(transport=transport) as client:
        result = import_table(
            orgs, "82972NED", importer="GM0363", municipalities=["GM0363"], client=client
        )
    assert result.report.status == "accepted", [p.as_text() for p in result.report.problems]
    filters = [httpx.URL(url).params.get("$filter") for url in transport.seen]
    assert "startswith(RegioS,'GM0363') or not startswith(RegioS,'GM')" in filters
    assert _series(orgs, "CBS_JH_PCT", ["GM0363", "NL01", "GK1"]) == [
        ("GK1", "2019", 12.9, "voorlopig"),
        ("GM0363", "2019", 13.5, "voorlopig"),
        ("NL01", "2019", 12.2, "voorlopig"),
    ]
    # Amsterdam's size class comes from its CBS inhabitants (Kerncijfers 2024: 931 298)
    import_table(orgs, "85984NED", importer="GM0363", file=FIXTURES / "85984NED.csv")
    lines = comparison(orgs, "GM0363", "CBS_JH_PCT")
    assert sorted(zip(lines["line"], lines["value"], strict=True)) == [
        ("country", 12.2), ("municipality", 13.5), ("size_class", 12.9),
    ]  # fmt: skip


def test_bad_cell_is_refused_with_file_row_column(orgs, tmp_path):
    bad = tmp_path / "82972NED.csv"
    text = (FIXTURES / "82972NED_2020-04.csv").read_text(encoding="utf-8-sig")
    bad.write_text(text.replace('"13.1"', '"13,1x"'), encoding="utf-8-sig")
    from monitor.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        import_table(orgs, "82972NED", importer="GM0363", file=bad)
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (
        "82972NED.csv",
        5,
        "JongerenMetJeugdhulpInNatura_1",
    )
    assert published_figures(orgs, "CBS_JH_PCT", ["GM0363"]).is_empty()


def test_status_on_a_partner_indicator_is_refused(orgs, tmp_path):
    from monitor.ingest import ingest_file

    path = tmp_path / "figures.csv"
    path.write_text(
        "organisation,indicator,period,value,status\nGM0363,MU_YOUTH,2024-H1,900,voorlopig\n"
    )
    report = ingest_file(orgs, path, organisation_code="GM0363")
    assert report.status == "rejected"
    assert [(p.row, p.column) for p in report.problems] == [(2, "status")]


def test_the_figure_engine_refuses_to_pool_published_percentages(orgs):
    """Two municipalities' published percentages (13.5 and 14.0 for 2019) would pool to a
    mean of rates (13.75) that is nobody's figure: refused, in memory and in the database."""
    from monitor.catalogue import get_indicator
    from monitor.figures.aggregates import PublishedNotPooled
    from monitor.policy import system_principal
    from monitor.query import stored_aggregates
    from monitor.views import comparison_series, group_figures

    import_table(orgs, "82972NED", importer="GM0363", file=FIXTURES / "82972NED_2020-04.csv")
    indicator = get_indicator(orgs, "CBS_JH_PCT")
    ids = [o.id for o in orgs.exec(select(Organisation)) if o.code in ("GM0363", "GM0599")]
    stored = stored_aggregates(orgs, indicator_codes=["CBS_JH_PCT"], organisation_ids=ids)
    assert sorted(stored.filter(pl.col("period_code") == "2019")["value"].to_list()) == [
        13.5, 14.0
    ]  # fmt: skip
    with pytest.raises(PublishedNotPooled, match="never pooled"):
        group_figures(stored, indicator, {"both": ["GM0363", "GM0599"]})
    with pytest.raises(PublishedNotPooled, match="CBS's own totals"):
        comparison_series(
            orgs,
            system_principal(),
            organisation_code="GM0363",
            indicator_code="CBS_JH_PCT",
            groups=("own", "all"),
        )
    # the partners' own indicators still pool
    partner = get_indicator(orgs, "MU_YOUTH")
    assert group_figures(stored.clear(), partner, {"both": ["GM0363"]}).is_empty()


def test_cli_import_from_a_download(orgs, cli):
    path = FIXTURES / "82972NED_2020-04.csv"
    code, out, err = cli("cbs", "import", "82972NED", "--org", "GM0363", "--file", str(path),
                         "--municipality", "GM0363")  # fmt: skip
    assert code == 0, err
    # GM0363: 3 periods x 4 mapped columns, less 1 withheld; NL01: 3 x 4
    assert "figures stored:   23" in out and "withheld by CBS:  1" in out
    assert "JeugdbeschEnJeugdhMetVerblInNat_4" in out
    code, out, err = cli("cbs", "import", "82972NED", "--org", "GM0363", "--file", str(path),
                         "--municipality", "GM0000")  # fmt: skip
    assert code == 4 and "GM0000 is not registered here" in (out + err)


def test_referrers_by_title_from_a_saved_api_copy(orgs):
    """85097NED: topics matched by their title path (two topics are called "Totaal begonnen
    trajecten"), referrers by their titles; values as in the fixture's TypedDataSet.json."""
    result = import_table(orgs, "85097NED", importer="GM0363", file=FIXTURES / "85097NED")
    assert result.report.status == "accepted", [p.as_text() for p in result.report.problems]
    assert result.unmapped_categories == ["Overige verwijzer"]
    assert result.unmapped_columns == [
        "TotaalBegonnenTrajecten_12", "TotaalJeugdhulptrajectenInNatura_1",
    ]  # fmt: skip
    assert result.withheld == 1  # GM0363, Verwijzer onbekend, begun: null
    frame = published_figures(orgs, "CBS_REF_HY", ["GM0363"], category=None)
    assert sorted(zip(frame["category"], frame["value"], frame["status"], strict=True)) == [
        ("", 7120.0, "voorlopig"),
        ("geen_verwijzer", 2210.0, "voorlopig"),
        ("gemeentelijke_toegang", 910.0, "voorlopig"),
        ("huisarts", 2950.0, "voorlopig"),
        ("jeugdarts", 402.0, "voorlopig"),
        ("rechter_ovj", 24.0, "voorlopig"),  # "Rechter, Officier van Justitie, JJI"
    ]
    assert _series(orgs, "CBS_REF", ["GM0363"]) == [("GM0363", "2022", 13900.0, "definitief")]
    lines = comparison(orgs, "GM0363", "CBS_REF_HY", category="huisarts")
    assert sorted(zip(lines["line"], lines["value"], strict=True)) == [
        ("country", 61700.0), ("municipality", 2950.0),
    ]  # fmt: skip


def test_a_referrer_table_from_a_csv_download_is_refused_clearly(orgs, tmp_path):
    from monitor.errors import ValidationFailed

    path = tmp_path / "85097NED.csv"
    header = '"ID";"VerwijzerJeugdzorg";"RegioS";"Perioden";"TotaalBegonnenTrajecten_2"\n'
    path.write_text(header + '"0";"T001019";"GM0363    ";"2023HJ01";"7120"\n', encoding="utf-8-sig")
    with pytest.raises(ValidationFailed, match="topics cannot be matched"):
        import_table(orgs, "85097NED", importer="GM0363", file=path)


def test_youth_care_with_and_without_residence_from_a_download(orgs):
    """85099NED: the form dimension's keys (VormenVanJeugdzorg) pick the figure; each kept
    form is its own indicator. Values as in the fixture 85099NED.csv."""
    result = import_table(orgs, "85099NED", importer="GM0363", file=FIXTURES / "85099NED.csv")
    assert result.report.status == "accepted", [p.as_text() for p in result.report.problems]
    assert result.withheld == 1  # GM0363 2023-H1 met verblijf: "."
    assert result.skipped_regions == ["GM9999"]
    assert result.unmapped_columns == ["Jeugdzorgtrajecten_2"]
    assert result.unmapped_categories == ["A017916", "A045561"]  # a download has keys only
    assert _series(orgs, "CBS_JH_NORES_N", ["GM0363", "GM0599", "NL01"]) == [
        ("GM0363", "2022", 20880.0, "definitief"),
        ("GM0599", "2022", 19010.0, "definitief"),
        ("NL01", "2022", 391785.0, "definitief"),
    ]
    assert _series(orgs, "CBS_JH_RES_N", ["GM0363", "GM0599"]) == [
        ("GM0363", "2022", 1715.0, "definitief"),
        ("GM0599", "2022", 2105.0, "definitief"),
    ]
    assert _series(orgs, "CBS_JH_N", ["GM0363"]) == [("GM0363", "2022", 21540.0, "definitief")]
    assert _series(orgs, "CBS_JH_NORES_N_HY", ["GM0363"]) == [
        ("GM0363", "2023-H1", 17560.0, "voorlopig")
    ]
    assert _series(orgs, "CBS_JH_N_HY", ["GM0363"]) == [("GM0363", "2023-H1", 18205.0, "voorlopig")]
    assert _series(orgs, "CBS_JH_RES_N_HY", ["GM0363"]) == []


def test_youth_care_forms_from_a_saved_api_copy_with_size_class(orgs):
    result = import_table(orgs, "85099NED", importer="GM0363", file=FIXTURES / "85099NED")
    assert result.report.status == "accepted", [p.as_text() for p in result.report.problems]
    assert result.unmapped_categories == ["JZ Totaal jeugdzorg", "Uitgevoerd door wijkteam"]
    assert _series(orgs, "CBS_JH_RES_N", ["GM0363", "GM1000", "NL01"]) == [
        ("GM0363", "2022", 1715.0, "definitief"),
        ("GM1000", "2022", 9120.0, "definitief"),
        ("NL01", "2022", 37560.0, "definitief"),
    ]
    assert _series(orgs, "CBS_JH_NORES_N_HY", ["GM0363"]) == [
        ("GM0363", "2023-H1", 17560.0, "voorlopig")
    ]


def test_a_form_key_cbs_titles_otherwise_is_refused(orgs, tmp_path):
    """A key whose title no longer names the mapped form (CBS re-used it) stores nothing."""
    import shutil

    from monitor.errors import ValidationFailed

    folder = tmp_path / "85099NED"
    shutil.copytree(FIXTURES / "85099NED", folder)
    forms = json.loads((folder / "VormenVanJeugdzorg.json").read_text(encoding="utf-8"))
    for form in forms["value"]:
        if form["Key"] == "A027918":
            form["Title"] = "JH 13 Pleegzorg"
    (folder / "VormenVanJeugdzorg.json").write_text(json.dumps(forms), encoding="utf-8")
    with pytest.raises(ValidationFailed) as refused:
        import_table(orgs, "85099NED", importer="GM0363", file=folder)
    assert "JH 13 Pleegzorg" in refused.value.problems[0].as_text()
    assert "met verblijf" in refused.value.problems[0].as_text()
    assert published_figures(orgs, "CBS_JH_NORES_N", ["GM0363"]).is_empty()


def test_a_download_without_the_form_column_is_refused(orgs, tmp_path):
    from monitor.errors import ValidationFailed

    path = tmp_path / "85099NED.csv"
    header = '"ID";"RegioS";"Perioden";"JongerenMetJeugdzorg_1"\n'
    path.write_text(header + '"0";"GM0363    ";"2022JJ00";"21540"\n', encoding="utf-8-sig")
    with pytest.raises(ValidationFailed, match="VormenVanJeugdzorg"):
        import_table(orgs, "85099NED", importer="GM0363", file=path)
