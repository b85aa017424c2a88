"""The shared indicator catalogue: validate the YAML file and load it into the database.

A changed definition must be a new version: loading an entry whose ``code`` and ``version``
are already stored with a different definition is refused. Names, source references and
alert bands are labels and may be corrected in place. Loading the same file twice changes
nothing.

The package keeps the file's declarations (:mod:`~monitor.catalogue.spec`), reading the
file (:mod:`~monitor.catalogue.read`), loading it into the database
(:mod:`~monitor.catalogue.load`) and looking stored indicators up
(:mod:`~monitor.catalogue.lookup`) apart; import them from here.
"""

from __future__ import annotations

from monitor.catalogue.load import CatalogueReport, load_catalogue
from monitor.catalogue.lookup import (
    categories,
    get_indicator,
    indicator_versions,
    newest_indicators,
    possible_range,
)
from monitor.catalogue.read import DEFAULT_CATALOGUE, read_catalogue
from monitor.catalogue.spec import Catalogue, CategorySpec, IndicatorSpec

__all__ = [
    "DEFAULT_CATALOGUE",
    "Catalogue",
    "CatalogueReport",
    "CategorySpec",
    "IndicatorSpec",
    "categories",
    "get_indicator",
    "indicator_versions",
    "load_catalogue",
    "newest_indicators",
    "possible_range",
    "read_catalogue",
]
