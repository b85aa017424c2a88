"""The one definition of the database: SQLModel table models, grouped by concern.

Importing this package registers every table on :data:`metadata`.
"""

from sqlmodel import SQLModel

from schema.access import ApiToken, AuditEntry, RoleAssignment, User, UserSession
from schema.base import (
    Direction,
    Domain,
    Level,
    OrgKind,
    PeriodType,
    Role,
    Sex,
    SourceKind,
    SubmissionStatus,
    ValueType,
    id_of,
    table_of,
    utcnow,
)
from schema.catalogue import Indicator, IndicatorCategory
from schema.ijw import IjwProduct, IjwProvider
from schema.measurements import (
    AggregateMeasurement,
    CaseMeasurement,
    Child,
    Participation,
    Submission,
)
from schema.organisations import Event, NetworkMembership, Organisation, ReportingObligation, Target
from schema.reflection import ReflectionAnswer, ReflectionNote, ReflectionSession
from schema.rollups import AggregateCell, CasePathway

metadata = SQLModel.metadata

__all__ = [
    "AggregateCell",
    "CasePathway",
    "AggregateMeasurement",
    "ApiToken",
    "AuditEntry",
    "CaseMeasurement",
    "Child",
    "Direction",
    "Domain",
    "Event",
    "IjwProduct",
    "IjwProvider",
    "Indicator",
    "IndicatorCategory",
    "Level",
    "NetworkMembership",
    "OrgKind",
    "Organisation",
    "Participation",
    "PeriodType",
    "ReflectionAnswer",
    "ReflectionNote",
    "ReflectionSession",
    "ReportingObligation",
    "Role",
    "RoleAssignment",
    "Sex",
    "SourceKind",
    "Submission",
    "SubmissionStatus",
    "Target",
    "User",
    "UserSession",
    "ValueType",
    "metadata",
    "id_of",
    "table_of",
    "utcnow",
]
