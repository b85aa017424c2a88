"""The figure engine: every published figure is computed here, once.

* :mod:`~monitor.figures.aggregates` — reported figures: rates, category totals, groups of
  categories, pooled comparison groups, and their publication.
* :mod:`~monitor.figures.cases` — figures from case rows: rollups per period and
  breakdown, care-pathway links.

Both publish counts of children through :mod:`monitor.disclosure` (threshold and
cell-key noise) and read "as of" through :mod:`monitor.asof`. The query layer
(:mod:`monitor.query`) fetches the rows; views, API, exports and reports only present.
"""
