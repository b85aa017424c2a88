"""From a child's iJw product lines to case measurements of the catalogue.

For each child (all its stored lines, in the order they were sent):

* **CH_REF** (referral, by referrer): each JW315 requested product (per provider and
  ReferentieAanbieder), on the request's Dagtekening, by its COD327 verwijzer; each JW301
  allocation whose ReferentieAanbieder names no JW315 of the same provider sent on or
  before its Toewijzingsdatum counts as ``gemeentelijke_toegang``, on the Toewijzingsdatum.
* **CH_CARE** (episode, by form of care and reason it ended): each start (JW305) with the
  stop (JW307) of the same allocation and Begindatum; StatusAanlevering 3 removes the start
  or stop it names, a later 1 puts the corrected one in its place. The form of care comes
  from the allocation's JZ020 product category; two products of the same form starting
  the same day are one episode (CBS: one record per form of care).
* **CH_CARE_DAYS**: an ended episode's days from start to end, on the end date.
* **CH_WAIT_ALLOC**: days from the allocation (Toewijzingsdatum) to its first start.
* **CH_WAIT**: days from the referral (the CH_REF date behind the allocation) to that start.

Waiting times below zero (care started before the allocation was made) count as 0. The
reporter of every row is the provider (a partner serving the child), never the
municipality.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from monitor.errors import RowProblem
from monitor.ingest.ijw import codes

INDICATORS = ("CH_REF", "CH_CARE", "CH_CARE_DAYS", "CH_WAIT", "CH_WAIT_ALLOC")


@dataclass(frozen=True)
class Derived:
    """One derived case measurement (reporter by AGB code)."""

    child_id: int
    provider_agb: str
    indicator: str
    observed_on: date
    category: str = ""
    end_date: date | None = None
    end_reason: str | None = None
    value: float | None = None

    @property
    def key(self) -> tuple[int, str, str, str, date]:
        return (self.child_id, self.provider_agb, self.indicator, self.category, self.observed_on)


def _allocation_key(line: dict) -> tuple:
    if line["allocation_number"]:
        return (line["provider_agb"], line["allocation_number"])
    return (
        line["provider_agb"],
        line["product_category"],
        line["product_code"],
        line["valid_from"],
    )


def _order(line: dict) -> tuple:
    return (line["message_date"], line["submission_id"], line["line"], line["id"])


def derive_child(child_id: int, lines: Iterable[dict]) -> tuple[list[Derived], list[str]]:
    """Derived rows of one child and notes (Dutch) on what could not be derived."""
    lines = sorted(lines, key=_order)
    notes: list[str] = []
    requests: dict[tuple, dict] = {}
    allocations: dict[tuple, dict] = {}
    starts: dict[tuple, dict] = {}
    stops: dict[tuple, dict] = {}
    for line in lines:
        kind = line["kind"]
        if kind == "JW315":
            requests.setdefault((line["provider_agb"], line["provider_reference"]), line)
        elif kind == "JW301":
            key = _allocation_key(line)
            old = allocations.get(key)
            stamp = (line["allocated_on"], line["allocated_at"] or "", *_order(line))
            if old is None or stamp >= (
                old["allocated_on"],
                old["allocated_at"] or "",
                *_order(old),
            ):
                allocations[key] = line
        else:
            target = starts if kind == "JW305" else stops
            key = (*_allocation_key(line), line["started_on"])
            if line["delivery_status"] == codes.DELETE:
                if target.pop(key, None) is None:
                    notes.append(
                        f"{kind} van {line['message_date']} verwijdert een "
                        f"{'start' if kind == 'JW305' else 'stop'} die niet bekend is"
                    )
            else:
                target[key] = line
    rows: list[Derived] = []
    referral_of: dict[tuple, date] = {}
    for (agb, _ref), line in requests.items():
        category = codes.REFERRER[line["referrer_type"]]
        rows.append(Derived(child_id, agb, "CH_REF", line["message_date"], category))
    for key, line in allocations.items():
        request = requests.get((line["provider_agb"], line["provider_reference"]))
        if (
            line["provider_reference"]
            and request
            and request["message_date"] <= line["allocated_on"]
        ):
            referral_of[key] = request["message_date"]
        else:
            referral_of[key] = line["allocated_on"]
            rows.append(
                Derived(
                    child_id,
                    line["provider_agb"],
                    "CH_REF",
                    line["allocated_on"],
                    codes.MUNICIPAL_ACCESS,
                )
            )
    episodes = _episodes(child_id, starts, stops, allocations, notes)
    rows += episodes
    rows += _waits(child_id, starts, stops, allocations, referral_of)
    return _one_per_key(rows), notes


def _category(line: dict, allocations: dict[tuple, dict]) -> str | None:
    allocation = allocations.get(_allocation_key(line))
    return (allocation or line)["product_category"] or line["product_category"]


def _episodes(child_id, starts, stops, allocations, notes) -> list[Derived]:  # noqa: ANN001
    merged: dict[tuple, Derived] = {}
    for key in sorted(set(starts) | set(stops), key=str):
        line = starts.get(key) or stops[key]
        category = _category(line, allocations)
        if category in codes.NOT_YOUTH_CARE:
            continue
        care_type = codes.CARE_TYPE.get(category or "")
        if care_type is None:
            notes.append(
                f"productcategorie {category} zegt niet of de hulp met of zonder verblijf is; "
                "geen jeugdhulptraject afgeleid"
            )
            continue
        stop = stops.get(key)
        end = stop["ended_on"] if stop else None
        reason = codes.END_REASON.get(stop["end_reason"]) if stop else None
        episode = Derived(
            child_id, line["provider_agb"], "CH_CARE", line["started_on"], care_type, end, reason
        )
        earlier = merged.get(episode.key)
        if earlier is not None:  # same form, same start: one episode, ends with the last
            if earlier.end_date is None or end is None:
                episode = Derived(*episode.key[:2], "CH_CARE", line["started_on"], care_type)
            elif earlier.end_date >= end:
                episode = earlier
        merged[episode.key] = episode
    rows = list(merged.values())
    for episode in list(rows):
        if episode.end_date is not None:
            days = (episode.end_date - episode.observed_on).days
            rows.append(
                Derived(
                    child_id,
                    episode.provider_agb,
                    "CH_CARE_DAYS",
                    episode.end_date,
                    episode.category,
                    value=float(days),
                )
            )
    return rows


def _waits(child_id, starts, stops, allocations, referral_of) -> list[Derived]:  # noqa: ANN001
    first: dict[tuple, date] = {}
    for key, line in [*starts.items(), *stops.items()]:
        allocation_key = key[:-1]
        if allocation_key in allocations:
            day = line["started_on"]
            first[allocation_key] = min(day, first.get(allocation_key, day))
    rows: list[Derived] = []
    for allocation_key, started in first.items():
        allocation = allocations[allocation_key]
        if allocation["product_category"] in codes.NOT_YOUTH_CARE:
            continue
        agb = allocation["provider_agb"]
        wait = max(0, (started - allocation["allocated_on"]).days)
        rows.append(Derived(child_id, agb, "CH_WAIT_ALLOC", started, value=float(wait)))
        wait = max(0, (started - referral_of[allocation_key]).days)
        rows.append(Derived(child_id, agb, "CH_WAIT", started, value=float(wait)))
    return rows


def _one_per_key(rows: list[Derived]) -> list[Derived]:
    """One row per stored key: the same referral twice on a day is one referral; two
    waits starting the same day keep the shortest (the help that came first)."""
    kept: dict[tuple, Derived] = {}
    for row in rows:
        old = kept.get(row.key)
        if old is None or (
            row.value is not None and old.value is not None and row.value < old.value
        ):
            kept[row.key] = row
    return list(kept.values())


def note_problem(file_name: str, note: str) -> RowProblem:
    """A derivation note as a warning of the batch."""
    return RowProblem(file_name, None, None, None, note, severity="warning")
