"""Longitudinal models for researchers: tidy statsmodels fits on pseudonymised extracts.

One module per method family; each fit takes a polars frame with documented columns and
returns a frozen :class:`~analysis.base.ModelResult` (estimates as a polars frame, sizes,
convergence, a plain-language sentence, ``summary()`` and ``to_dict()``).

- :func:`fit_growth` - linear mixed growth curves (MixedLM)
- :func:`fit_gee` - GEE for binary outcomes per period
- :func:`fit_rates` - Poisson / negative-binomial rate models with a population offset
- :func:`fit_its` - interrupted time series (segmented regression)
- :func:`fit_did`, :func:`fit_event_study` - difference-in-differences
- :func:`fit_staggered`, :func:`fit_sun_abraham` - staggered starts robust to effects that
  differ by cohort (Callaway & Sant'Anna; Sun & Abraham)
- :func:`fit_cox` - Cox regression with time-varying exposure
- :func:`fit_goals` - goal attainment per network
- :func:`write_report`, :func:`run_study` - reports and config-driven runs
"""

from analysis.base import ModelResult
from analysis.did import fit_did
from analysis.event_study import EventStudyResult, fit_event_study
from analysis.gee import fit_gee
from analysis.goals import GoalsResult, fit_goals
from analysis.growth import fit_growth
from analysis.its import ITSResult, fit_its
from analysis.rates import RatesResult, fit_rates
from analysis.report import write_report
from analysis.staggered import StaggeredResult, fit_staggered
from analysis.study import MODELS, run_study
from analysis.sun_abraham import fit_sun_abraham
from analysis.survival import fit_cox

__all__ = [
    "MODELS",
    "EventStudyResult",
    "GoalsResult",
    "ITSResult",
    "ModelResult",
    "RatesResult",
    "StaggeredResult",
    "fit_cox",
    "fit_did",
    "fit_event_study",
    "fit_gee",
    "fit_goals",
    "fit_growth",
    "fit_its",
    "fit_rates",
    "fit_staggered",
    "fit_sun_abraham",
    "run_study",
    "write_report",
]
