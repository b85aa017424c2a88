"""Organisations, network membership over time, network events and reporting obligations.

:mod:`~monitor.organisations.registry` reads and writes them one at a time;
:mod:`~monitor.organisations.imports` loads them from CSV files (all or nothing).
"""

from monitor.organisations.imports import (
    import_events,
    import_memberships,
    import_obligations,
    import_organisations,
)
from monitor.organisations.registry import (
    BRIN,
    CBS_CODE,
    KINDS,
    ORG_CODE,
    OrganisationSpec,
    add_event,
    add_membership,
    add_organisation,
    codes_by_id,
    find_organisation,
    get_organisation,
    list_events,
    list_organisations,
    members_of,
)

__all__ = [
    "BRIN",
    "CBS_CODE",
    "KINDS",
    "ORG_CODE",
    "OrganisationSpec",
    "add_event",
    "add_membership",
    "add_organisation",
    "codes_by_id",
    "find_organisation",
    "get_organisation",
    "import_events",
    "import_memberships",
    "import_obligations",
    "import_organisations",
    "list_events",
    "list_organisations",
    "members_of",
]
