"""Which comparison-group values :func:`differencing_withheld` withholds, on groups
written out by hand."""

from __future__ import annotations

from monitor.figures.groups import Group, differencing_withheld

P = "2023|registered"


def _group(members: set[int], count: int | None = None, code: str = "MU_COST") -> Group:
    return Group(frozenset(members), code, {P: len(members) if count is None else count})


def test_a_pair_that_differs_by_one_hidden_organisation_loses_its_inner_group():
    groups = {"own": _group({1}), "similar": _group({2, 3, 4}), "all": _group({1, 2, 3, 4, 5})}
    # all - similar = {1, 5}; 1 is the viewer's own: 5 alone would be given away
    assert differencing_withheld(groups, frozenset({1}), least=3) == {("similar", P)}


def test_three_hidden_organisations_apart_is_enough():
    groups = {
        "own": _group({1}),
        "similar": _group({2, 3, 4}),
        "all": _group({1, 2, 3, 4, 5, 6, 7}),
    }
    assert differencing_withheld(groups, frozenset({1}), least=3) == set()


def test_the_own_figure_stays_and_the_outer_group_goes():
    # all - own = {2, 3}: two hidden networks' sum
    groups = {"own": _group({1}), "all": _group({1, 2, 3})}
    assert differencing_withheld(groups, frozenset({1}), least=3) == {("all", P)}


def test_visible_organisations_may_be_taken_off():
    groups = {"own": _group({1}), "all": _group({1, 2, 3})}
    assert differencing_withheld(groups, frozenset({1, 2, 3}), least=3) == set()


def test_a_period_with_fewer_figures_is_judged_on_its_own_counts():
    # 5 members apart, but in this period only one more figure than the inner group
    groups = {"inner": _group({2, 3, 4}, 3), "outer": _group({2, 3, 4, 5, 6, 7, 8}, 4)}
    assert differencing_withheld(groups, frozenset(), least=3) == {("inner", P)}


def test_other_indicators_and_overlapping_groups_are_no_pair():
    groups = {
        "a": _group({1, 2, 3, 4}),
        "b": _group({1, 2, 3}, code="MU_YOUTH"),
        "c": _group({3, 4, 5}),
    }
    assert differencing_withheld(groups, frozenset(), least=3) == set()
