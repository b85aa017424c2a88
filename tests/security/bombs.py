"""Decompression bombs and oversized inputs, built in the test (nothing binary in the repo).

Each builder returns the bytes of a small file that expands to something huge when read:
an XLSX whose sharedStrings.xml or sheet1.xml deflates from megabytes to gigabytes, an
XLSX with two cells far apart (a reader allocating the dense range between them), and a
Parquet file of highly repetitive rows. :func:`peak_rss_mb` reads a file through
:func:`monitor.ingest.read.read_bytes` in a fresh interpreter and returns its peak RSS.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
    'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" '
    'r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _workbook(sheet: Iterable[bytes], shared: Iterable[bytes]) -> bytes:
    """An XLSX archive; the sheet and the shared strings are written as streams of chunks,
    so that a bomb never exists uncompressed in the test's own memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for member, chunks in (
            ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", shared),
        ):
            with archive.open(member, "w", force_zip64=True) as out:
                for chunk in chunks:
                    out.write(chunk)
    return buffer.getvalue()


def _repeated(unit: bytes, count: int, per_chunk: int = 1 << 16) -> Iterator[bytes]:
    block = unit * per_chunk
    for _ in range(count // per_chunk):
        yield block
    yield unit * (count % per_chunk)


def _sheet(rows: Iterable[bytes]) -> Iterator[bytes]:
    yield f'<?xml version="1.0"?><worksheet xmlns="{_MAIN}"><sheetData>'.encode()
    yield from rows
    yield b"</sheetData></worksheet>"


def _shared(strings: list[bytes], filler: Iterable[bytes] = ()) -> Iterator[bytes]:
    yield f'<?xml version="1.0"?><sst xmlns="{_MAIN}">'.encode()
    yield b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
    yield from filler
    yield b"</sst>"


def _header_row() -> bytes:
    cells = b"".join(
        b'<c r="%s1" t="s"><v>%d</v></c>' % (col, i) for i, col in enumerate((b"A", b"B"))
    )
    return b'<row r="1">' + cells + b"</row>"


def shared_strings_bomb(megabytes: int = 600) -> bytes:
    """A workbook whose sharedStrings.xml holds ``megabytes`` MB of one repeated string."""
    filler = b"<si><t>" + b"x" * 1000 + b"</t></si>"
    repeat = megabytes * 1024 * 1024 // len(filler)
    filled = _shared([b"child_ref", b"indicator"], _repeated(filler, repeat, 1024))
    return _workbook(_sheet([_header_row()]), filled)


def sheet_bomb(rows: int = 3_000_000) -> bytes:
    """A workbook whose first sheet holds ``rows`` rows of two tiny cells (no ``r``
    attributes, so every row is alike and deflates to almost nothing)."""
    row = b'<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row>'
    return _workbook(
        _sheet([_header_row(), *_repeated(row, rows)]), _shared([b"child_ref", b"indicator"])
    )


def sparse_bomb() -> bytes:
    """Two cells, A1 and XFD1048576: a reader filling the dense range needs 17 billion."""
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return _workbook(_sheet([_header_row(), far]), _shared([b"child_ref", b"indicator"]))


def lying_sizes(data: bytes) -> bytes:
    """The same archive with every member's uncompressed size declared as 1,000 bytes (in
    the local headers and the central directory), so a size check alone would pass it."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = out.find(signature)
        while start >= 0:
            out[start + offset : start + offset + 4] = (1000).to_bytes(4, "little")
            start = out.find(signature, start + 4)
    return bytes(out)


def parquet_bomb(rows: int = 50_000_000) -> bytes:
    """A Parquet file of ``rows`` identical rows (run-length encoded to a few kilobytes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    group = 1_000_000
    table = pa.table(
        {"child_ref": ["abcdefghijklmnopqrstuvwxyz"] * group, "indicator": ["CH_ABS"] * group}
    )
    buffer = io.BytesIO()
    with pq.ParquetWriter(buffer, table.schema, compression="zstd") as writer:
        for _ in range(rows // group):
            writer.write_table(table)
    return buffer.getvalue()


def csv_at_cap(megabytes: int = 50) -> bytes:
    """A plausible case CSV of about ``megabytes`` MB (short cells, as partners send)."""
    header = b"child_ref,indicator,date,value,birth_month,sex,municipality\n"
    line = b"r%07d,CH_ABS,2024-03-31,4.5,2014-05,f,GM0363\n"
    count = megabytes * 1024 * 1024 // len(line % 0)
    return header + b"".join(line % i for i in range(count - 1))


_MEASURE = """
import json, resource, sys
from monitor.ingest.read import read_bytes
from monitor.errors import ValidationFailed
data = open(sys.argv[1], "rb").read()
try:
    frame = read_bytes(data, sys.argv[2])
    outcome = "read %d rows" % frame.height
except ValidationFailed as exc:
    outcome = "refused: " + exc.problems[0].reason
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
with open("/proc/self/status") as status:
    peak = [int(line.split()[1]) for line in status if line.startswith("VmHWM:")]
rss = peak[0] if peak else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rss_mb": rss / 1024, "outcome": outcome}))
"""


def peak_rss_mb(data: bytes, name: str, tmp: Path, timeout: float = 300) -> tuple[float, str]:
    """(peak RSS in MB, outcome) of reading ``data`` as ``name`` in a fresh interpreter."""
    path = tmp / name
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), name],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["rss_mb"], result["outcome"]


def baseline_rss_mb(tmp: Path) -> float:
    """Peak RSS of the same interpreter reading a two-line CSV (imports and all)."""
    return peak_rss_mb(b"child_ref,indicator\nr1,CH_ABS\n", "tiny.csv", tmp)[0]
