"""What the data-entry page says about one submission: the status line with its counts,
what was stored and where to see it, and the problems and warnings as grid rows."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboards import i18n
from monitor import messages
from monitor.ingest.formats import DUTCH_HEADERS
from monitor.views.entry_help import stored_figures


def report_rows(problems) -> list[dict]:  # noqa: ANN001 - list of RowProblem
    """Problems and warnings as grid rows, reason and severity in the page's language."""
    lang = i18n.language()
    return [
        {"severity": messages.severity(p.severity, lang), "file": p.file, "row": p.row,
         "column": _column(p.column, lang), "value": p.value,
         "reason": messages.translate(p.reason, lang)}
        for p in problems
    ]  # fmt: skip


def _column(name: str | None, lang: str) -> str | None:
    """A column as the user may have written it: ``waarde (value)`` in Dutch, since a file
    may use the template's Dutch headers or the English ones."""
    dutch = _DUTCH_NAMES.get(name or "")
    return f"{dutch} ({name})" if lang == "nl" and dutch else name


_DUTCH_NAMES = {english: dutch for dutch, english in DUTCH_HEADERS.items() if dutch != english}


def stored_note(session, principal, report) -> html.Div | None:  # noqa: ANN001
    """What was stored and where to see it: counts, indicators, periods, a link."""
    if report.submission_id is None or report.status not in ("accepted", "partial"):
        return None
    stored = stored_figures(session, principal, report.submission_id)
    if stored.count == 0:
        return None
    periods = ", ".join(i18n.period_label(p) for p in stored.periods)
    query = {"org": stored.organisations[0], "period": stored.periods[-1]}
    query["indicator"] = stored.indicators[0]
    href = dash.get_relative_path("/trend") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return html.Div(
        [
            html.Span(
                i18n.t(
                    "stored_what",
                    n=stored.count,
                    indicators=", ".join(
                        i18n.text_in(stored.indicator_names[c]) for c in stored.indicators
                    ),
                    periods=periods,
                    orgs=", ".join(
                        f"{stored.organisation_names[c]} ({c})" for c in stored.organisations
                    ),
                )
                + " "
            ),
            # a full load, so that the shell takes the organisation and period of the link
            dcc.Link(i18n.t("stored_where"), href=href, id="entry-stored-link", refresh=True),
        ],
        id="entry-stored-note",
    )


def sentence(text: str) -> str:
    """A message as a sentence on the page: first letter upper case, except in a name
    written with a capital second letter (iJw, eHerkenning)."""
    if text[1:2].isupper():
        return text
    return text[:1].upper() + text[1:]


def report_status(report, note=None) -> dbc.Alert:  # noqa: ANN001 - IngestReport
    """One line: status and counts, coloured by outcome; what was stored and where."""
    colour = {"accepted": "success", "partial": "warning", "rejected": "danger"}.get(
        report.status, "info"
    )
    text = i18n.t(
        "report_checked" if report.status == "dry_run" else "report",
        status=i18n.t(f"status_{report.status}"),
        read=report.rows_read,
        accepted=report.rows_accepted,
        rejected=report.rows_rejected,
        superseded=report.rows_superseded,
    )
    lang = i18n.language()
    lines = [html.Div(text)]
    if report.message:
        lines.append(html.Div(sentence(messages.translate(report.message, lang))))
    if note is not None:
        lines.append(note)
    return dbc.Alert(lines, color=colour, id="entry-report-status")
