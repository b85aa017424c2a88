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
#: Shortest PSEUDONYM_KEY / SESSION_SECRET production mode accepts.
MIN_SECRET_LENGTH = 32


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
    disclosure_noise: Literal["cell_key", "none"] = Field(
        default="cell_key",
        description="Noise on published counts (cell-key method); 'none' only for tests.",
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
        """Refuse production mode with the demo key or secret, or with a key or secret
        shorter than :data:`MIN_SECRET_LENGTH`. The one rule; every entry point (each CLI
        command, the API and web app factories, the dashboards, every engine and the
        pseudonymiser) calls it through :func:`production_checked`."""
        if self.environment != "production":
            return
        for name, value, demo in (
            ("PSEUDONYM_KEY", self.pseudonym_key, DEMO_PSEUDONYM_KEY),
            ("SESSION_SECRET", self.session_secret, DEMO_SESSION_SECRET),
        ):
            secret = value.get_secret_value()
            if secret == demo:
                what = "key" if name == "PSEUDONYM_KEY" else "secret"
                raise SettingsError(
                    f"{name} is the demo {what}; production mode needs a {what} of its own "
                    f"(set {name} to at least {MIN_SECRET_LENGTH} random characters)."
                )
            if len(secret) < MIN_SECRET_LENGTH:
                raise SettingsError(
                    f"{name} is too weak for production mode: use at least "
                    f"{MIN_SECRET_LENGTH} random characters."
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


def production_checked() -> Settings:
    """The settings, after :meth:`Settings.check_production_secrets`: what every entry point
    that touches data calls first (raises :class:`SettingsError`)."""
    settings = get_settings()
    settings.check_production_secrets()
    return settings
