"""Nothing shown, stored as a message, logged or exported reveals a BSN: the one masking rule.

* **Free text** (reasons, summaries, column names, file names): every BSN-shaped number is
  masked to its last two digits — nine digits, also written with ``.``, space or ``-``
  between them (``3782.09.528``, ``6156 18 066``, ``123-45-6782``), and eight digits that
  pass the elfproef with a leading zero (a BSN whose zero a spreadsheet dropped).
* **Values** of an identifier column (``bsn``, ``child_ref``) are masked whole; values of
  any other column only where BSN-shaped (nine digits, with or without separators), so
  ``0``, ``100`` or ``12345678`` stay as they are.

:class:`monitor.errors.RowProblem` applies this to every field on construction, and every
:class:`monitor.errors.MonitorError` to its message, so no channel can forget it. This
module imports nothing of the platform (errors and settings import it).
"""

from __future__ import annotations

import re

#: Columns whose values identify a child: masked whole.
IDENTIFIER_COLUMNS = frozenset({"bsn", "child_ref"})
_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
#: Nine digits, optionally one separator (. space -) between any two; not part of a longer
#: digit run.
_NINE = re.compile(r"(?<![\d])\d(?:[ .\-]?\d){8}(?![\d])")
_EIGHT = re.compile(r"(?<![\d])\d{8}(?![\d])")


def mask(text: str) -> str:
    """Show at most the last two characters: ``*******82``."""
    if len(text) <= 2:
        return "*" * len(text)
    return "*" * (len(text) - 2) + text[-2:]


def _passes_elfproef(digits: str) -> bool:
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    return sum(w * int(d) for w, d in zip(_WEIGHTS, digits, strict=True)) % 11 == 0


def _mask_match(match: re.Match[str]) -> str:
    return mask(match.group(0))


def _mask_eight(match: re.Match[str]) -> str:
    digits = match.group(0)
    return mask(digits) if _passes_elfproef("0" + digits) else digits


def redact(text: str) -> str:
    """Free text with every BSN-shaped number masked."""
    if not any(c.isdigit() for c in text):
        return text
    return _EIGHT.sub(_mask_eight, _NINE.sub(_mask_match, text))


def redact_value(column: str | None, value: str | None) -> str | None:
    """A cell value as it may be shown: masked whole in an identifier column (unless it is
    masked already), else only its BSN-shaped parts."""
    if value is None or value == "":
        return value
    if column is not None and column.strip().lower() in IDENTIFIER_COLUMNS:
        return value if value.startswith("*") else mask(value)
    return _NINE.sub(_mask_match, value) if any(c.isdigit() for c in value) else value
