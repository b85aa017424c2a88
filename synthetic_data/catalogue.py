"""The indicator codes, category lists and default source kinds, read from the catalogue YAML.

Only the codes are used: the generator must produce exactly what partners would send
against the shared list, and nothing of ``monitor`` beyond its data file is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class CatalogueCodes:
    """Indicator codes with their default source kind, and the category lists."""

    source_kind: dict[str, str]
    categories: dict[str, tuple[str, ...]]

    def require(self, *codes: str) -> None:
        missing = [c for c in codes if c not in self.source_kind]
        if missing:
            raise ValueError(f"indicator(s) {', '.join(missing)} are not in the catalogue")


@lru_cache(maxsize=1)
def load_codes() -> CatalogueCodes:
    """Parse ``monitor/data/indicators.yaml`` (the latest version of each code)."""
    text = resources.files("monitor").joinpath("data/indicators.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    default_kind = data.get("defaults", {}).get("source_kind", "registered")
    source_kind = {
        entry["code"]: entry.get("source_kind", default_kind) for entry in data["indicators"]
    }
    categories = {
        name: tuple(item["code"] for item in items) for name, items in data["categories"].items()
    }
    return CatalogueCodes(source_kind=source_kind, categories=categories)


CASE_INDICATORS = (
    "CH_ABS",
    "CH_HOME",
    "CH_COG",
    "CH_SEM",
    "CH_SIGNAL",
    "CH_REF",
    "CH_CARE",
    "CH_WAIT",
    "CH_PROT",
    "CH_SPED",
    "CH_PART",
)
NETWORK_COUNTS = ("NW_CHILDREN", "NW_SIGNAL", "NW_REF", "NW_CARE")
NETWORK_SELF_REPORTED = ("NW_PARTNERS", "NW_CONSULT", "NW_REFLECT", "NW_GOAL", "PR_CSAT")
NETWORK_YEARLY = ("NW_FORM", "NW_DENS", "NW_COND")
MUNICIPALITY_HALF_YEARLY = (
    "MU_YOUTH",
    "MU_CARE",
    "MU_CARE_RES",
    "MU_PROT",
    "MU_REF",
    "MU_WAITLIST",
)
MUNICIPALITY_YEARLY = ("MU_PUPILS", "MU_SPED", "MU_COST")
