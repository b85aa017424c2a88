"""Synthetic Common Monitor data: a reproducible network/child panel with known effects.

``generate(size, seed, out_dir, with_errors=False, progress=None)`` writes, in the ingest
formats::

    organisations.csv   code,name,kind,municipality,brin,subtype,population_0_17
    memberships.csv     network,member,from,to            (to empty while ongoing)
    events.csv          organisation,date,kind,title,description
    obligations.csv     organisation,indicator,about,from,due_days
    case/<ORG>.parquet  bsn,child_ref,indicator,date,end_date,value,category,end_reason,
                        programme,source_kind,birth_month,sex,municipality
    aggregate/<ORG>.csv organisation,indicator,period,value,numerator,denominator,category,
                        source_kind
    truth.json          configuration, programme starts, realised effects, injected errors

Sizes: ``demo`` (4 Wadden municipalities, ~5,000 children), ``municipality`` (Almere,
~50,000) and ``national`` (340 municipalities, ~1,000,000; generated municipality by
municipality with bounded memory). The same seed gives byte-identical files.
Command line: ``python -m synthetic_data --size demo --seed 42 --out DIR [--with-errors]``.
"""

from synthetic_data.config import SIZES, Effects, Rates
from synthetic_data.generator import GenerationSummary, generate

__all__ = ["SIZES", "Effects", "GenerationSummary", "Rates", "generate"]
