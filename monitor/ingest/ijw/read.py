"""Reading iJw 3.2 messages: one XML file, a folder or a zip of them; each checked
against the standard's XSD and read into product lines (with the BSN, which only
:mod:`monitor.ingest.ijw.importer` sees before it becomes a pseudonym).

Every problem names the file, the line, the element and the reason in Dutch; no problem
ever quotes a BSN (values of ``Bsn`` are never echoed; :mod:`monitor.redact` masks any
nine-digit number elsewhere)."""

from __future__ import annotations

import hashlib
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from lxml import etree

from monitor.errors import RowProblem
from monitor.ingest.ijw.wording import dutch, dutch_syntax
from monitor.pseudonym import is_valid_bsn
from monitor.settings import get_settings

XSD_DIR = Path(__file__).parent / "xsd"
NAMESPACE = "http://www.istandaarden.nl/ijw/3_2/{}/schema"
BASE = NAMESPACE.format("basisschema")
#: The messages the monitor reads; the others (retour messages, declarations) are skipped.
KINDS = ("JW315", "JW301", "JW305", "JW307")
_PRODUCTS = {
    "JW315": ("AangevraagdeProducten", "AangevraagdProduct"),
    "JW301": ("ToegewezenProducten", "ToegewezenProduct"),
    "JW305": ("StartProducten", "StartProduct"),
    "JW307": ("StopProducten", "StopProduct"),
}
MB = 1024 * 1024


@dataclass
class Product:
    """One product line of a message, as read (dates checked, codes as sent)."""

    kind: str
    file: str
    line: int
    municipality: str  # four-digit gemeente code of the header
    provider_agb: str
    message_id: str
    message_date: date
    bsn: str
    birth_date: date
    sex: str
    fields: dict[str, object] = field(default_factory=dict)
    gemeente_line: int | None = None  # line of the header's gemeente (Afzender/Ontvanger)


@dataclass
class Reading:
    """Everything read from one submission: products, problems, warnings, checksum."""

    products: list[Product] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    files: int = 0
    checksum: str = ""


@cache
def schema_for(kind: str) -> etree.XMLSchema:
    """The XSD of one message type (which imports ``basisschema.xsd`` next to it)."""
    return etree.XMLSchema(etree.parse(str(XSD_DIR / f"{kind}.xsd")))


def _parser() -> etree.XMLParser:
    # no DTDs, no entities, no network: a message is data, never instructions
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read_messages(path: Path) -> Reading:
    """Read a file, a folder (every ``*.xml`` in it, recursively) or a zip of messages."""
    reading = Reading()
    digest = hashlib.sha256()
    for name, content in _sources(path, reading):
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        reading.files += 1
        _read_one(name, content, reading)
    reading.checksum = digest.hexdigest()
    if reading.files == 0 and not reading.problems:
        reading.problems.append(
            RowProblem(path.name, None, None, None, "geen iJw-berichten (.xml) gevonden")
        )
    return reading


def _sources(path: Path, reading: Reading):  # noqa: ANN202 - a generator of (name, bytes)
    settings = get_settings()
    limit = settings.max_upload_mb * MB
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.xml") if p.is_file())
        total = sum(p.stat().st_size for p in files)
        if total > limit:
            reading.problems.append(_too_big(path.name, total, limit))
            return
        for file in files:
            yield str(file.relative_to(path)), file.read_bytes()
        return
    if path.stat().st_size > limit:
        reading.problems.append(_too_big(path.name, path.stat().st_size, limit))
        return
    if zipfile.is_zipfile(path):
        yield from _zip_members(path, reading, settings.max_unzipped_mb * MB)
        return
    yield path.name, path.read_bytes()


def _zip_members(path: Path, reading: Reading, limit: int):  # noqa: ANN202
    with zipfile.ZipFile(path) as archive:
        members = sorted(
            (
                i
                for i in archive.infolist()
                if not i.is_dir() and i.filename.lower().endswith(".xml")
            ),
            key=lambda i: i.filename,
        )
        declared = sum(i.file_size for i in members)
        if declared > limit:
            reading.problems.append(_too_big(path.name, declared, limit, unpacked=True))
            return
        for info in members:
            with archive.open(info) as handle:
                content = handle.read(info.file_size + 1)
            if len(content) > info.file_size:  # a member bigger than it says: a bomb
                reading.problems.append(
                    RowProblem(
                        f"{path.name}/{info.filename}",
                        None,
                        None,
                        None,
                        "het bestand in de zip is groter dan opgegeven; niet gelezen",
                    )
                )
                return
            yield f"{path.name}/{info.filename}", content


def _too_big(name: str, size: int, limit: int, *, unpacked: bool = False) -> RowProblem:
    what = "uitgepakt " if unpacked else ""
    return RowProblem(
        name,
        None,
        None,
        None,
        f"{what}{size / MB:.1f} MB is meer dan de toegestane {limit / MB:.0f} MB",
    )


def _read_one(name: str, content: bytes, reading: Reading) -> None:
    try:
        document = etree.fromstring(content, _parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        reading.problems.append(
            RowProblem(name, line, None, None, f"geen geldige XML: {dutch_syntax(exc)}")
        )
        return
    root = document.getroot()
    match = re.fullmatch(
        r"\{http://www\.istandaarden\.nl/ijw/3_2/(jw\d{3})/schema\}Bericht", root.tag
    )
    if match is None:
        reading.problems.append(
            RowProblem(
                name,
                root.sourceline,
                _local(root.tag),
                None,
                "geen iJw 3.2-bericht (verwacht een Bericht in de namespace "
                "http://www.istandaarden.nl/ijw/3_2/jwNNN/schema)",
            )
        )
        return
    kind = match.group(1).upper()
    if kind not in KINDS:
        reading.warnings.append(
            RowProblem(
                name,
                None,
                None,
                kind,
                f"berichttype {kind} wordt niet ingelezen (alleen {', '.join(KINDS)}); "
                "overgeslagen",
                severity="warning",
            )
        )
        return
    schema = schema_for(kind)
    if not schema.validate(document):
        reading.problems.extend(_schema_problems(name, document, schema.error_log))
        return
    _extract(name, kind, root, reading)


# ------------------------------------------------------------------ schema errors, in Dutch
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _element_of(message: str) -> str | None:
    found = re.match(r"Element '(?:\{[^}]*\})?([^']*)'", message)
    return found.group(1) if found else None


def _schema_problems(name: str, document: etree._ElementTree, log) -> list[RowProblem]:  # noqa: ANN001
    """One problem per element and line (libxml2 often reports a value twice: the facet,
    then the type)."""
    problems: list[RowProblem] = []
    seen: set[tuple[int, str | None]] = set()
    for entry in log:
        element = _element_of(entry.message)
        if (entry.line, element) in seen:
            continue
        seen.add((entry.line, element))
        if element == "Bsn":  # never echo what stands in a Bsn element
            reason = "BSN ontbreekt of is geen negen cijfers (waarde niet getoond)"
            problems.append(RowProblem(name, entry.line, "Bsn", None, reason))
            continue
        reason, value = dutch(entry.message)
        problems.append(RowProblem(name, entry.line, element, value, reason))
    return problems


# ------------------------------------------------------------------ reading the products
def _text(element: etree._Element | None, path: str, ns: dict[str, str]) -> str | None:
    if element is None:
        return None
    found = element.find(path, ns)
    return found.text.strip() if found is not None and found.text else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _extract(name: str, kind: str, root: etree._Element, reading: Reading) -> None:
    ns = {"m": NAMESPACE.format(kind.lower()), "ijw": BASE}
    header, client = root.find("m:Header", ns), root.find("m:Client", ns)
    sender, receiver = _text(header, "m:Afzender", ns), _text(header, "m:Ontvanger", ns)
    municipality, provider = (sender, receiver) if kind == "JW301" else (receiver, sender)
    bsn_element = client.find("m:Bsn", ns)
    bsn = _text(client, "m:Bsn", ns) or ""
    if not is_valid_bsn(bsn):
        reading.problems.append(
            RowProblem(
                name,
                bsn_element.sourceline,
                "Bsn",
                None,
                "BSN voldoet niet aan de elfproef (waarde niet getoond)",
            )
        )
        return
    try:
        gemeente_element = header.find("m:Afzender" if kind == "JW301" else "m:Ontvanger", ns)
        common = dict(
            gemeente_line=gemeente_element.sourceline,
            kind=kind,
            file=name,
            municipality=municipality or "",
            provider_agb=provider or "",
            message_id=_text(header, "m:BerichtIdentificatie/ijw:Identificatie", ns) or "",
            message_date=_date(_text(header, "m:BerichtIdentificatie/ijw:Dagtekening", ns)),
            bsn=bsn,
            birth_date=_date(_text(client, "m:Geboortedatum/ijw:Datum", ns)),
            sex=_text(client, "m:Geslacht", ns) or "0",
        )
        holder, item = _PRODUCTS[kind]
        for product in client.findall(f"m:{holder}/m:{item}", ns):
            fields = _fields(kind, product, ns)
            reading.products.append(Product(line=product.sourceline, fields=fields, **common))
    except ValueError as exc:  # a date the schema let through but the calendar does not
        reading.problems.append(RowProblem(name, None, None, None, f"ongeldige datum: {exc}"))


def _fields(kind: str, product: etree._Element, ns: dict[str, str]) -> dict[str, object]:
    def text(path: str) -> str | None:
        return _text(product, path, ns)

    volume = text("m:Omvang/ijw:Volume")
    out: dict[str, object] = {
        "allocation_number": text("m:ToewijzingNummer"),
        "provider_reference": text("m:ReferentieAanbieder"),
        "product_category": text("m:Product/ijw:Categorie"),
        "product_code": text("m:Product/ijw:Code"),
        "volume": int(volume) if volume else None,
        "unit": text("m:Omvang/ijw:Eenheid"),
        "frequency": text("m:Omvang/ijw:Frequentie"),
    }
    if kind == "JW315":
        out |= {
            "valid_from": _date(text("m:ToewijzingIngangsdatum")),
            "valid_to": _date(text("m:ToewijzingEinddatum")),
            "referrer_type": text("m:Verwijzer/ijw:Type"),
        }
    elif kind == "JW301":
        out |= {
            "allocated_on": _date(text("m:Toewijzingsdatum")),
            "allocated_at": text("m:Toewijzingstijd"),
            "valid_from": _date(text("m:Ingangsdatum")),
            "valid_to": _date(text("m:Einddatum")),
        }
    else:
        out |= {
            "valid_from": _date(text("m:ToewijzingIngangsdatum")),
            "started_on": _date(text("m:Begindatum")),
            "delivery_status": text("m:StatusAanlevering"),
        }
        if kind == "JW307":
            out |= {
                "ended_on": _date(text("m:Einddatum")),
                "end_reason": text("m:RedenBeeindiging"),
            }
    return out
