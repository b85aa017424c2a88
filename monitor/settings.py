"""Runtime settings: one class, read from the environment and `.env`, cached behind a function.

Nothing here touches the database or the environment at import time; call
:func:`get_settings` (tests and the CLI may call ``get_settings.cache_clear()`` after changing
the environment).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from monitor.errors import SettingsError

#: The key shipped for the demo. The app refuses to start in production mode with it.
DEMO_PSEUDONYM_KEY = "demo-key-not-for-production-use-0000000000"
DEMO_SESSION_SECRET = "demo-session-secret-not-for-production"


class Settings(BaseSettings):
    """Every setting the platform reads. Environment variables use the field name in capitals."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///common_monitor.db",
        description="SQLAlchemy URL; default is a SQLite file in the working directory.",
    )
    pseudonym_key: SecretStr = Field(
        default=SecretStr(DEMO_PSEUDONYM_KEY),
        description="Secret key for the keyed HMAC-SHA256 pseudonyms (at least 32 characters).",
    )
    session_secret: SecretStr = Field(default=SecretStr(DEMO_SESSION_SECRET))
    disclosure_threshold: int = Field(
        default=10, ge=1, le=1000, description="Counts of children below this are suppressed."
    )
    disclosure_rounding: int = Field(
        default=1, ge=1, le=100, description="Round published counts to multiples of this (5: CBS)."
    )
    environment: Literal["development", "test", "production"] = "development"
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=300, ge=1)
    language: Literal["nl", "en"] = "nl"
    max_upload_mb: int = Field(
        default=50,
        ge=1,
        description="Largest file (MB) accepted by every ingest channel: API, CLI, dashboard.",
    )
    max_upload_cells: int = Field(
        default=10_000_000,
        ge=1,
        description="Most cells (rows x columns) a submitted file may hold, counted before "
        "it is parsed; an XLSX's used range counts whole.",
    )
    max_unzipped_mb: int = Field(
        default=500,
        ge=1,
        description="Most MB an XLSX may unpack to (all its members) or a Parquet file's "
        "data may decode to; compression bombs are refused unread.",
    )

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "must start with sqlite:/// or postgresql+psycopg:// "
                "(e.g. postgresql+psycopg://user:pass@host:5432/db)"
            )
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            # psycopg 3 is the driver we ship; make the short form work.
            value = "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("pseudonym_key")
    @classmethod
    def _check_key(cls, value: SecretStr) -> SecretStr:
        if len(value.get_secret_value()) < 32:
            raise ValueError("must be at least 32 characters long")
        return value

    @property
    def is_sqlite(self) -> bool:
        """True when the configured database is SQLite."""
        return self.database_url.startswith("sqlite")

    def check_production_secrets(self) -> None:
        """Refuse production mode with the demo key or demo session secret."""
        if self.environment != "production":
            return
        if self.pseudonym_key.get_secret_value() == DEMO_PSEUDONYM_KEY:
            raise SettingsError(
                "PSEUDONYM_KEY is the demo key; production mode needs a secret key of its own "
                "(set PSEUDONYM_KEY to at least 32 random characters)."
            )
        if self.session_secret.get_secret_value() == DEMO_SESSION_SECRET:
            raise SettingsError(
                "SESSION_SECRET is the demo secret; set SESSION_SECRET for production."
            )


@lru_cache
def get_settings() -> Settings:
    """Return the settings, read once; raises :class:`SettingsError` naming the bad value."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']).upper()}: {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"invalid setting(s): {problems}") from None
