"""People and access: users, role assignments scoped to organisations, API tokens, and the
append-only audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from schema.base import Role, check_in, utcnow


class User(SQLModel, table=True):
    """A local user account. Passwords are stored only as argon2 hashes."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=80, unique=True, index=True)
    full_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    failed_logins: int = 0
    locked_until: datetime | None = None
    external_subject: str | None = Field(
        default=None, max_length=255, unique=True, description="OIDC 'sub' when linked."
    )
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class RoleAssignment(SQLModel, table=True):
    """User U holds role R for organisation O (``organisation_id`` is null for ``admin``).

    A network scope covers the network's members over their membership dates."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        CheckConstraint(check_in("role", Role), name="role"),
        UniqueConstraint("user_id", "role", "organisation_id", name="uq_role_assignment"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    role: str = Field(max_length=30)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    granted_at: datetime = Field(default_factory=utcnow)
    granted_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    #: Researcher roles: the recorded purpose (AVG doelbinding) and when the role lapses.
    purpose: str | None = Field(default=None, max_length=500)
    expires_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    """A bearer token for the API; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(default="", max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None


class UserSession(SQLModel, table=True):
    """A dashboard login: the cookie carries the secret, only its SHA-256 is kept. Checked
    on every request, so logout, revocation and deactivation end a copied cookie too."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    session_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None


class AuditEntry(SQLModel, table=True):
    """One line of the append-only audit trail (logins, submissions, corrections, extracts,
    role changes). Never updated or deleted."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_action", "action"))

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    user_id: int | None = Field(default=None, foreign_key="app_user.id")
    username: str = Field(default="", max_length=80)
    action: str = Field(max_length=40)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    target: str = Field(default="", max_length=255)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
