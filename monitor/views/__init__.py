"""Read models behind the dashboards: scorecard, comparison groups, corrections, care
pathways, child outcomes, completeness, and the reflection-session notes.

Every function takes a :class:`~monitor.policy.Principal` and reads through
:mod:`monitor.query` (access checks, as-of, rates at query time) and
:mod:`monitor.disclosure` (small counts of children withheld), so that the dashboards hold
no SQL and no rule of their own. Results are polars frames; withheld cells have a null
value and ``suppressed`` set, which the UI renders as ``< 10``.

Comparison groups are pooled figures of several organisations (a rate is the sum of the
numerators over the sum of the denominators). A group is published only when at least
:data:`MIN_GROUP_SIZE` organisations contribute, or when the principal may view every one
of them: one other network's figure is never revealed through a "group" of one.

Modules: :mod:`~monitor.views.figures` (figures, totals, pooling), ``scorecard`` (latest
value, change, judgement; then-and-now; corrections), ``comparison`` (groups),
``pathways`` (Sankey), ``outcomes`` (child outcomes, completeness), ``reflection``
(sessions and notes), ``curve`` (goals, turn-the-curve answers), ``entry`` (data entry,
quality warnings), ``access`` (who asks).
"""

from monitor.views.access import principal_for_user_id
from monitor.views.comparison import (
    GROUPS,
    MIN_GROUP_SIZE,
    MUNICIPAL_EQUIVALENT,
    SIMILAR_SIZE_FACTOR,
    comparison_series,
)
from monitor.views.curve import (
    curve_answers,
    delete_goal,
    network_goals,
    save_curve_answers,
    set_goal,
)
from monitor.views.entry import (
    default_reporter,
    own_organisation_code,
    quality_warnings,
    submit_aggregate,
    submit_file,
    submitting_organisations,
)
from monitor.views.figures import (
    aggregate_indicators,
    available_periods,
    care_by_residence,
    category_groups,
    category_labels,
    end_of_day,
    figure_source,
    group_figures,
    indicator_figures,
    level_of,
    organisation_figures,
    previous_period,
)
from monitor.views.outcomes import outcome_rollup, partner_completeness
from monitor.views.pathways import (
    NO_CARE,
    NO_REFERRAL,
    RUNNING,
    care_pathway_flows,
    pathway_links,
)
from monitor.views.reflection import (
    ReflectionView,
    add_reflection_note,
    create_reflection_session,
    delete_reflection_note,
    reflection_notes,
    reflection_session,
    reflection_sessions,
    reflection_view,
)
from monitor.views.scorecard import corrections, scorecard, then_and_now

__all__ = [
    "GROUPS",
    "MIN_GROUP_SIZE",
    "MUNICIPAL_EQUIVALENT",
    "NO_CARE",
    "NO_REFERRAL",
    "RUNNING",
    "SIMILAR_SIZE_FACTOR",
    "ReflectionView",
    "curve_answers",
    "delete_goal",
    "network_goals",
    "save_curve_answers",
    "set_goal",
    "add_reflection_note",
    "aggregate_indicators",
    "available_periods",
    "care_by_residence",
    "care_pathway_flows",
    "category_groups",
    "category_labels",
    "comparison_series",
    "corrections",
    "create_reflection_session",
    "delete_reflection_note",
    "end_of_day",
    "figure_source",
    "indicator_figures",
    "level_of",
    "outcome_rollup",
    "partner_completeness",
    "pathway_links",
    "group_figures",
    "organisation_figures",
    "principal_for_user_id",
    "previous_period",
    "quality_warnings",
    "reflection_notes",
    "reflection_session",
    "reflection_sessions",
    "reflection_view",
    "scorecard",
    "submit_aggregate",
    "submit_file",
    "submitting_organisations",
    "default_reporter",
    "own_organisation_code",
    "then_and_now",
]
