"""Hypothesis: malformed submissions (wrong encodings, ragged rows, huge values, formulas,
empty and random files) never crash the API, always get a clear 4xx answer naming the
problem, and leave the stored data exactly as it was."""

from __future__ import annotations

import io
import json

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.monitor.api.helpers import data_counts

HEADER = ["child_ref", "indicator", "date", "value", "birth_month", "sex", "municipality"]
EXAMPLES = 25
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

refs = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëïöüçñß0123456789", min_size=1, max_size=12)
cells = st.text(alphabet="abcdefghij0123456789-. ", max_size=10)


def valid_row(ref: str, value: str = "2") -> list[str]:
    return [ref, "CH_ABS", "2024-03-31", value, "2014-05", "f", "GM0363"]


def csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    return "\n".join(",".join(r) for r in [header, *rows]) + "\n"


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"strings_to_formulas": True})
    sheet = workbook.add_worksheet("data")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def submit(client, api_world, name: str, data: bytes):
    return client.post(
        "/api/submissions",
        headers=api_world.headers("school_a"),
        files={"file": (name, data)},
        data={"organisation": "11AA"},
    )


def assert_refused(response, engine, before, *, column: str | None = None) -> dict:
    """Rejected with a clear, traceback-free answer; stored data unchanged."""
    assert response.status_code == 422, response.text[:500]
    body = response.json()
    assert "Traceback" not in response.text
    assert body.get("status", "rejected") == "rejected"
    assert body.get("detail") or body.get("message")
    if column is not None:
        assert any(p["column"] == column and p["reason"] for p in body["problems"]), body
    assert data_counts(engine) == before
    return body


@SETTINGS
@given(
    rows=st.lists(refs, min_size=1, max_size=5, unique=True).map(
        lambda rs: [valid_row(r) for r in rs]
    ),
    encoding=st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]),
)
def test_wide_encodings_are_refused(client, api_world, engine, rows, encoding):
    before = data_counts(engine)
    response = submit(client, api_world, "cases.csv", csv_text(rows).encode(encoding))
    assert_refused(response, engine, before)


@SETTINGS
@given(
    rows=st.lists(refs, min_size=1, max_size=5, unique=True).map(
        lambda rs: [valid_row(r) for r in rs]
    )
)
def test_latin1_bytes_are_read_as_windows_1252(client, api_world, engine, rows):
    before = data_counts(engine)
    response = submit(client, api_world, "cases.csv", csv_text(rows).encode("latin-1"))
    assert response.status_code in (200, 201), response.text[:500]
    assert response.json()["status"] in ("accepted", "duplicate")
    assert data_counts(engine)["case_measurement"] >= before["case_measurement"]


@SETTINGS
@given(
    good=st.lists(refs, max_size=3, unique=True).map(lambda rs: [valid_row(r) for r in rs]),
    ragged=st.lists(st.lists(cells, min_size=8, max_size=15), min_size=1, max_size=3),
    short=st.lists(st.lists(cells, min_size=1, max_size=6), max_size=3),
    order=st.randoms(use_true_random=False),
)
def test_ragged_rows_are_refused(client, api_world, engine, good, ragged, short, order):
    rows = [*good, *ragged, *short]
    order.shuffle(rows)
    before = data_counts(engine)
    response = submit(client, api_world, "cases.csv", csv_text(rows).encode())
    assert_refused(response, engine, before)


huge = st.one_of(
    st.integers(min_value=101, max_value=10**400).map(str),
    st.integers(max_value=-1, min_value=-(10**400)).map(str),
    st.sampled_from(["1e400", "-1e400", "inf", "-inf", "nan", "NaN", "Infinity", "1e309"]),
    st.floats(min_value=100.001, allow_nan=False, allow_infinity=True).map(repr),
)


@SETTINGS
@given(refs_=st.lists(refs, min_size=1, max_size=5, unique=True), values=st.data())
def test_huge_values_are_refused_naming_the_column(client, api_world, engine, refs_, values):
    rows = [valid_row(ref, values.draw(huge)) for ref in refs_]
    before = data_counts(engine)
    response = submit(client, api_world, "cases.csv", csv_text(rows).encode())
    body = assert_refused(response, engine, before, column="value")
    flagged = {p["row"] for p in body["problems"] if p["column"] == "value"}
    assert flagged == set(range(2, len(rows) + 2))


formulas = st.one_of(
    st.sampled_from(
        ['=HYPERLINK("http://example.org","klik")', "=1+1", "=SUM(A1:A3)", '=CMD|" /C calc"!A0']
    ),
    st.integers(0, 10**6).map(lambda n: f"=1+{n}"),
)


@SETTINGS
@given(
    rows=st.lists(refs, min_size=1, max_size=4, unique=True).map(
        lambda rs: [valid_row(r) for r in rs]
    ),
    where=st.data(),
)
def test_xlsx_formulas_are_refused_naming_the_cell(client, api_world, engine, rows, where):
    row = where.draw(st.integers(0, len(rows) - 1))
    column = where.draw(st.integers(0, len(HEADER) - 1))
    rows[row][column] = where.draw(formulas)
    before = data_counts(engine)
    response = submit(client, api_world, "cases.xlsx", xlsx_bytes(rows))
    body = assert_refused(response, engine, before)
    letter = "ABCDEFG"[column]
    assert any(p["row"] == row + 2 and p["column"] == letter for p in body["problems"]), body
    assert "formula" in body["detail"]


@SETTINGS
@given(
    data=st.sampled_from(
        [b"", b"\n", b"\r\n\r\n", b"\xef\xbb\xbf", b" ", b"\x00", csv_text([]).encode()]
    ),
    suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".parquet", ".json"]),
)
def test_empty_files_are_refused(client, api_world, engine, data, suffix):
    before = data_counts(engine)
    assert_refused(submit(client, api_world, "empty" + suffix, data), engine, before)


@SETTINGS
@given(
    data=st.binary(min_size=1, max_size=4096),
    suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".parquet", ".json", ".exe", ""]),
)
def test_random_bytes_are_refused(client, api_world, engine, data, suffix):
    before = data_counts(engine)
    assert_refused(submit(client, api_world, "random" + suffix, data), engine, before)


@SETTINGS
@given(
    rows=st.lists(
        st.dictionaries(
            st.text(max_size=20),
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
            max_size=8,
        ),
        min_size=1,
        max_size=10,
    )
)
def test_random_json_rows_are_refused(client, api_world, engine, rows):
    before = data_counts(engine)
    body = json.dumps({"organisation": "11AA", "rows": rows})  # NaN/Infinity allowed
    response = client.post(
        "/api/submissions/rows",
        content=body,
        headers={**api_world.headers("school_a"), "content-type": "application/json"},
    )
    assert_refused(response, engine, before)
