"""Message texts for storing a submission and for access (:mod:`monitor.policy`)."""

from __future__ import annotations

STORING: tuple[tuple[str, str, str | None], ...] = (
    # storing
    (
        "the database refused the batch: {detail}",
        "de database weigerde de aanlevering: {detail}",
        None,
    ),
    (
        "a concurrent submission stored the same rows first ({attempts} attempts); send the "
        "file again in a moment ({detail})",
        "een gelijktijdige aanlevering sloeg dezelfde rijen eerder op ({attempts} pogingen); "
        "stuur het bestand zo nog eens ({detail})",
        None,
    ),
    (
        "{file}: nothing stored; {reason}",
        "{file}: niets opgeslagen; {reason}",
        None,
    ),
    (
        "nothing stored: {n} problem(s) in {rows} row(s)",
        "niets opgeslagen: {n} fout(en) in {rows} rij(en)",
        None,
    ),
    (
        "{file}: nothing stored; {n} cell(s) hold formulas, not values",
        "{file}: niets opgeslagen; {n} cel(len) bevatten formules in plaats van waarden",
        None,
    ),
    ("{file} could not be read", "{file} kon niet gelezen worden", None),
    ("{file} is too large", "{file} is te groot", None),
    ("{file}: the header row is not usable", "{file}: de kopregel is niet bruikbaar", None),
    ("{file}: unknown file shape", "{file}: onbekend soort bestand", None),
    (
        "identical to submission {id} of {when}; nothing to do",
        "gelijk aan aanlevering {id} van {when}; er is niets veranderd",
        None,
    ),
    (
        "validated only; {n} row(s) would be stored",
        "alleen gecontroleerd; {n} rij(en) zouden worden opgeslagen",
        None,
    ),  # fmt: skip
    (
        "stored at attempt {n}: a concurrent batch held the same keys",
        "opgeslagen bij poging {n}: een gelijktijdige aanlevering had dezelfde sleutels",
        None,
    ),
    # access (monitor.policy)
    ("{user} may not submit for {org}", "{user} mag niet aanleveren voor {org}", None),
    (
        "{user} may not submit data for {org}",
        "{user} mag geen gegevens aanleveren voor {org}",
        None,
    ),  # fmt: skip
    (
        "{user} may not submit figures of {org}",
        "{user} mag geen cijfers van {org} aanleveren",
        None,
    ),  # fmt: skip
    (
        "{user} may not view figures of {org}",
        "{user} mag de cijfers van {org} niet bekijken",
        None,
    ),  # fmt: skip
)
