"""Load a catalogue file into the database.

A changed definition must be a new version: loading an entry whose ``code`` and ``version``
are already stored with a different definition is refused. Names, source references and
alert bands are labels and may be corrected in place. Loading the same file twice changes
nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from monitor.catalogue.read import read_catalogue
from monitor.catalogue.spec import Catalogue, IndicatorSpec
from monitor.errors import RowProblem, ValidationFailed
from schema import Indicator, IndicatorCategory


@dataclass
class CatalogueReport:
    """What a load changed."""

    catalogue_version: str
    indicators_added: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    labels_updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    categories_added: int = 0

    @property
    def changed(self) -> bool:
        """True when the load wrote anything."""
        return bool(
            self.indicators_added
            or self.new_versions
            or self.labels_updated
            or self.categories_added
        )


def load_catalogue(session: Session, path: Path | str | None = None) -> CatalogueReport:
    """Validate the file and bring the database in line with it (caller commits)."""
    catalogue = read_catalogue(path)
    report = CatalogueReport(catalogue_version=catalogue.version)
    existing_categories = {
        (c.category_set, c.code): c for c in session.exec(select(IndicatorCategory)).all()
    }
    for set_name, options in catalogue.categories.items():
        for order, option in enumerate(options):
            category = existing_categories.get((set_name, option.code))
            if category is None:
                session.add(
                    IndicatorCategory(
                        category_set=set_name,
                        code=option.code,
                        label_nl=option.nl,
                        label_en=option.en,
                        cbs_code=option.cbs_code,
                        group=option.group,
                        sort_order=order,
                    )
                )
                report.categories_added += 1
            else:
                category.label_nl, category.label_en, category.cbs_code = (
                    option.nl,
                    option.en,
                    option.cbs_code,
                )
                category.group, category.sort_order = option.group, order

    stored: dict[tuple[str, int], Indicator] = {
        (i.code, i.version): i for i in session.exec(select(Indicator)).all()
    }
    problems: list[RowProblem] = []
    for spec in sorted(catalogue.indicators, key=lambda s: (s.code, s.version)):
        row = stored.get((spec.code, spec.version))
        if row is None:
            older = [i for (code, _), i in stored.items() if code == spec.code]
            if any(i.version > spec.version for i in older):
                problems.append(
                    _version_problem(catalogue, spec, "a newer version is already loaded")
                )
                continue
            new_row = spec.to_row()
            session.add(new_row)
            stored[(spec.code, spec.version)] = new_row
            for previous in older:
                if previous.retired_on is None or previous.retired_on > spec.valid_from:
                    previous.retired_on = spec.valid_from
            (report.new_versions if older else report.indicators_added).append(
                f"{spec.code} v{spec.version}"
            )
        elif row.definition_hash != spec.definition_hash():
            problems.append(
                _version_problem(
                    catalogue,
                    spec,
                    f"version {spec.version} is already loaded with a different "
                    f"definition; a changed definition must be a new version: "
                    f"set version: {spec.version + 1} and its valid_from",
                )
            )
        else:
            labels = (
                spec.name.nl,
                spec.name.en,
                spec.source,
                spec.alert_band[0] if spec.alert_band else None,
                spec.alert_band[1] if spec.alert_band else None,
            )
            current = (
                row.name_nl,
                row.name_en,
                row.source_reference,
                row.alert_low,
                row.alert_high,
            )
            if labels != current:
                row.name_nl, row.name_en, row.source_reference, row.alert_low, row.alert_high = (
                    labels
                )
                report.labels_updated.append(f"{spec.code} v{spec.version}")
            else:
                report.unchanged += 1
    if problems:
        session.rollback()
        raise ValidationFailed(problems=problems, summary="catalogue conflicts with the database")
    session.flush()
    return report


def _version_problem(catalogue: Catalogue, spec: IndicatorSpec, reason: str) -> RowProblem:
    """A problem with one indicator version of the file, named by code and version."""
    return RowProblem(
        str(catalogue.path), None, f"indicator {spec.code}", str(spec.version), reason
    )
