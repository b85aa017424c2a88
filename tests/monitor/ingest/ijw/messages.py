"""Writing test messages in the iJw 3.2 format (own fixtures, made-up people and dates).

Each function returns the XML text of one message; the product lines are dicts of the
few fields the tests vary. BSNs are made up and pass the elfproef (:func:`bsn`)."""

from __future__ import annotations

from itertools import count

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)
_ids = count(100000000001)

CODE = {"JW315": "446", "JW301": "436", "JW305": "438", "JW307": "440"}


def bsn(n: int) -> str:
    """The n-th made-up BSN passing the elfproef: 8 digits from n, a check digit; numbers
    whose check digit would be 10 are skipped."""
    seen = 0
    base = 23456000
    while True:
        first = f"{base:08d}"
        total = sum(w * int(d) for w, d in zip(_WEIGHTS, first, strict=True))
        check = total % 11
        if check < 10:
            if seen == n:
                return first + str(check)
            seen += 1
        base += 1


def _header(kind: str, sender: str, receiver: str, day: str, ident: str | None) -> str:
    p = kind.lower()
    return f"""  <{p}:Header>
    <{p}:BerichtCode>{CODE[kind]}</{p}:BerichtCode>
    <{p}:BerichtVersie>3</{p}:BerichtVersie>
    <{p}:BerichtSubversie>2</{p}:BerichtSubversie>
    <{p}:Afzender>{sender}</{p}:Afzender>
    <{p}:Ontvanger>{receiver}</{p}:Ontvanger>
    <{p}:BerichtIdentificatie>
      <ijw:Identificatie>{ident or next(_ids)}</ijw:Identificatie>
      <ijw:Dagtekening>{day}</ijw:Dagtekening>
    </{p}:BerichtIdentificatie>
    <{p}:XsdVersie>
      <ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie>
      <ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>
    </{p}:XsdVersie>
  </{p}:Header>"""


def _client_start(kind: str, child_bsn: str, born: str, sex: str) -> str:
    p = kind.lower()
    naam_gebruik = "\n      <ijw:NaamGebruik>1</ijw:NaamGebruik>" if kind == "JW301" else ""
    return f"""  <{p}:Client>
    <{p}:Bsn>{child_bsn}</{p}:Bsn>
    <{p}:Geboortedatum>
      <ijw:Datum>{born}</ijw:Datum>
    </{p}:Geboortedatum>
    <{p}:Geslacht>{sex}</{p}:Geslacht>
    <{p}:Naam>
      <ijw:Geslachtsnaam>
        <ijw:Achternaam>Testkind</ijw:Achternaam>
      </ijw:Geslachtsnaam>
      <ijw:Voorletters>T</ijw:Voorletters>{naam_gebruik}
    </{p}:Naam>"""


def _wrap(kind: str, body: str) -> str:
    p = kind.lower()
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{p}:Bericht xmlns:ijw="http://www.istandaarden.nl/ijw/3_2/basisschema/schema" '
        f'xmlns:{p}="http://www.istandaarden.nl/ijw/3_2/{p}/schema">\n{body}\n</{p}:Bericht>\n'
    )


def _product(p: str, category: str, code: str = "") -> str:
    code_part = f"<ijw:Code>{code}</ijw:Code>" if code else ""
    return f"<{p}:Product><ijw:Categorie>{category}</ijw:Categorie>{code_part}</{p}:Product>"


def jw315(
    *,
    child: str,
    provider: str,
    gemeente: str,
    day: str,
    products: list[dict],
    born: str = "2014-05-20",
    sex: str = "2",
    ident: str | None = None,
) -> str:
    """Verzoek om toewijzing; products: reference, category, code, start, referrer."""
    p = "jw315"
    lines = []
    for item in products:
        referrer = item.get("referrer", "02")
        detail = (
            f"<ijw:ZorgverlenerCode>{item['referrer_code']}</ijw:ZorgverlenerCode>"
            if "referrer_code" in item
            else "<ijw:Naam>verwijzer</ijw:Naam>"
        )
        lines.append(f"""      <{p}:AangevraagdProduct>
        <{p}:ReferentieAanbieder>{item["reference"]}</{p}:ReferentieAanbieder>
        {_product(p, item.get("category", "45"), item.get("code", "45A01"))}
        <{p}:ToewijzingIngangsdatum>{item.get("start", day)}</{p}:ToewijzingIngangsdatum>
        <{p}:ToewijzingEinddatum>{item.get("end", "2027-12-31")}</{p}:ToewijzingEinddatum>
        <{p}:Omvang><ijw:Volume>4</ijw:Volume><ijw:Eenheid>04</ijw:Eenheid><ijw:Frequentie>2</ijw:Frequentie></{p}:Omvang>
        <{p}:Verwijzer><ijw:Type>{referrer}</ijw:Type>{detail}</{p}:Verwijzer>
      </{p}:AangevraagdProduct>""")
    body = (
        _header("JW315", provider, gemeente, day, ident)
        + "\n"
        + _client_start("JW315", child, born, sex)
        + f"\n    <{p}:AangevraagdeProducten>\n"
        + "\n".join(lines)
        + f"\n    </{p}:AangevraagdeProducten>\n  </{p}:Client>"
    )
    return _wrap("JW315", body)


def jw301(
    *,
    child: str,
    provider: str,
    gemeente: str,
    day: str,
    products: list[dict],
    born: str = "2014-05-20",
    sex: str = "2",
    ident: str | None = None,
) -> str:
    """Toewijzing; products: number, reference (optional), category, code, allocated,
    start, end."""
    p = "jw301"
    lines = []
    for item in products:
        reference = (
            f"<{p}:ReferentieAanbieder>{item['reference']}</{p}:ReferentieAanbieder>"
            if item.get("reference")
            else ""
        )
        end = f"<{p}:Einddatum>{item['end']}</{p}:Einddatum>" if item.get("end") else ""
        lines.append(f"""      <{p}:ToegewezenProduct>
        <{p}:ToewijzingNummer>{item["number"]}</{p}:ToewijzingNummer>
        {reference}
        {_product(p, item.get("category", "45"), item.get("code", "45A01"))}
        <{p}:Toewijzingsdatum>{item.get("allocated", day)}</{p}:Toewijzingsdatum>
        <{p}:Toewijzingstijd>{item.get("time", "09:30:00")}</{p}:Toewijzingstijd>
        <{p}:Ingangsdatum>{item.get("start", day)}</{p}:Ingangsdatum>
        {end}
        <{p}:Omvang><ijw:Volume>4</ijw:Volume><ijw:Eenheid>04</ijw:Eenheid><ijw:Frequentie>2</ijw:Frequentie></{p}:Omvang>
      </{p}:ToegewezenProduct>""")
    body = (
        _header("JW301", gemeente, provider, day, ident)
        + "\n"
        + _client_start("JW301", child, born, sex)
        + f"""
    <{p}:Contactgegevens>
      <{p}:Contact>
        <{p}:Soort>01</{p}:Soort>
        <{p}:Adres>
          <ijw:Huis><ijw:Huisnummer>1</ijw:Huisnummer></ijw:Huis>
          <ijw:Postcode>9999ZZ</ijw:Postcode>
          <ijw:Straatnaam>Teststraat</ijw:Straatnaam>
          <ijw:Plaatsnaam>Testdorp</ijw:Plaatsnaam>
          <ijw:LandCode>NL</ijw:LandCode>
        </{p}:Adres>
      </{p}:Contact>
    </{p}:Contactgegevens>
    <{p}:ToegewezenProducten>
"""
        + "\n".join(lines)
        + f"\n    </{p}:ToegewezenProducten>\n  </{p}:Client>"
    )
    return _wrap("JW301", body)


def _start_stop(
    kind: str,
    *,
    child: str,
    provider: str,
    gemeente: str,
    day: str,
    products: list[dict],
    born: str,
    sex: str,
    ident: str | None,
) -> str:
    p = kind.lower()
    holder, item_name = (
        ("StartProducten", "StartProduct") if kind == "JW305" else ("StopProducten", "StopProduct")
    )
    lines = []
    for item in products:
        allocation_start = item.get("allocation_start", "2025-01-01")
        stop = ""
        if kind == "JW307":
            stop = (
                f"<{p}:RedenBeeindiging>{item.get('reason', '31')}</{p}:RedenBeeindiging>"
                f"<{p}:Einddatum>{item['end']}</{p}:Einddatum>"
            )
        lines.append(f"""      <{p}:{item_name}>
        <{p}:ToewijzingNummer>{item["number"]}</{p}:ToewijzingNummer>
        {_product(p, item.get("category", "45"), item.get("code", "45A01"))}
        <{p}:ToewijzingIngangsdatum>{allocation_start}</{p}:ToewijzingIngangsdatum>
        <{p}:Begindatum>{item["begin"]}</{p}:Begindatum>
        {stop}
        <{p}:StatusAanlevering>{item.get("status", "1")}</{p}:StatusAanlevering>
      </{p}:{item_name}>""")
    body = (
        _header(kind, provider, gemeente, day, ident)
        + "\n"
        + _client_start(kind, child, born, sex)
        + f"\n    <{p}:{holder}>\n"
        + "\n".join(lines)
        + f"\n    </{p}:{holder}>\n  </{p}:Client>"
    )
    return _wrap(kind, body)


def jw305(*, born: str = "2014-05-20", sex: str = "2", ident: str | None = None, **kw) -> str:  # noqa: ANN003
    """Start zorg; products: number, category, begin, status."""
    return _start_stop("JW305", born=born, sex=sex, ident=ident, **kw)


def jw307(*, born: str = "2014-05-20", sex: str = "2", ident: str | None = None, **kw) -> str:  # noqa: ANN003
    """Stop zorg; products: number, category, begin, end, reason (JZ588), status."""
    return _start_stop("JW307", born=born, sex=sex, ident=ident, **kw)
