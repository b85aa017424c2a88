"""Alembic environment: metadata from ``schema``, connection from ``monitor`` settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import schema
from monitor.settings import get_settings
from schema.base import created_on
from schema.partitions import is_partition

config = context.config
target_metadata = schema.metadata


def _engine():
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    return create_engine(url)


def include_object(item, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    """Compare only what the models create on this database (see ``created_on``); a
    partition is part of its parent table, not a table of its own."""
    if reflected:
        return not (type_ == "table" and is_partition(name))
    return created_on(item, context.get_bind().dialect.name)


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it."""
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations on a live connection (batch mode on SQLite for ALTERs)."""
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
