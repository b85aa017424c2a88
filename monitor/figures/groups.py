"""Comparison groups that would give a few organisations away by subtraction.

A pooled figure published as sent (a cost, a score) times the group's number of
organisations is the group's exact sum. Of two groups of one indicator, one inside the
other, the difference of their sums is the sum of the organisations in the larger group
only; the viewer can take off those of them they may see. When one or two others remain,
their figure is out, though each group alone has enough members ("all municipalities"
minus "municipalities of similar size" minus one's own: the one municipality that is not
similar in size). :func:`differencing_withheld` names the group values to withhold so that
no such pair is left, per period, whatever the viewer asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    """One comparison group: its members (organisation ids), its indicator code and how
    many of them have a figure in each period."""

    members: frozenset[int]
    code: str
    counts: Mapping[str, int]


def _risky(larger: Group, smaller: Group, period: str, visible: frozenset[int], least: int) -> bool:
    """Whether ``larger`` minus ``smaller`` in ``period`` could leave 1 to ``least`` - 1
    organisations the viewer may not see (those with a figure are not known one by one:
    bounded by the visible and hidden members outside ``smaller``)."""
    extra = larger.members - smaller.members
    difference = larger.counts.get(period, 0) - smaller.counts.get(period, 0)
    seen, hidden = len(extra & visible), len(extra - visible)
    at_least, at_most = max(0, difference - seen), min(difference, hidden)
    return not (at_most == 0 or at_least >= least)


def differencing_withheld(
    groups: Mapping[str, Group], visible: frozenset[int], *, least: int, keep: str = "own"
) -> set[tuple[str, str]]:
    """(group, period) values to withhold so that no two shown groups of one indicator,
    one inside the other, differ by 1 to ``least`` - 1 organisations the viewer may not
    see. Of such a pair the inner group is withheld, unless it is ``keep`` (the viewer's
    own figure), then the outer one; repeated until no pair is left."""
    periods = {p for g in groups.values() for p, n in g.counts.items() if n}
    withheld: set[tuple[str, str]] = set()
    for period in sorted(periods):
        shown = {name for name, g in groups.items() if g.counts.get(period, 0)}
        while (victim := _victim(groups, shown, period, visible, least, keep)) is not None:
            shown.discard(victim)
            withheld.add((victim, period))
    return withheld


def _victim(
    groups: Mapping[str, Group],
    shown: set[str],
    period: str,
    visible: frozenset[int],
    least: int,
    keep: str,
) -> str | None:
    """The group to withhold next in ``period``: of the first risky pair, the inner one
    (the outer one when the inner is ``keep``); None when no pair is left."""
    for outer in sorted(shown):
        for inner in sorted(shown - {outer}):
            a, b = groups[outer], groups[inner]
            if a.code == b.code and b.members <= a.members and _risky(a, b, period, visible, least):
                return outer if inner == keep else inner
    return None
