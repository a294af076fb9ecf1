"""Alembic environment for the archive.

The database URL comes from ``config.attributes["archiver_url"]`` (set by ``storage.db.upgrade``),
else from the ini's ``sqlalchemy.url``, else from ``ARCHIVER_DB`` / the default. Backend-specific
search objects (FTS5 tables, trigram indexes) are made by the migrations only, so the
autogenerate comparison (``alembic check``) ignores them.
"""

from __future__ import annotations

from alembic import context

from storage import db
from storage.models import SEARCH_OBJECTS, Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("archiver_url") or config.get_main_option("sqlalchemy.url")
    return db.prepare_url(url) if url else db.default_url()


def include_name(name, type_, parent_names):  # type: ignore[no-untyped-def]
    return name not in SEARCH_OBJECTS


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        include_name=include_name,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = db.make_engine(_url())
    if engine.dialect.name == "sqlite":
        _transactional_ddl(engine)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _transactional_ddl(engine) -> None:  # type: ignore[no-untyped-def]
    """Make a migration one SQLite transaction.

    pysqlite commits before every DDL statement, so a schema creation cut short (a full disk, a
    SIGKILL) used to leave tables without the alembic stamp and an archive every later command
    refused ("table bodies already exists"). With the driver's own transaction handling off and
    BEGIN emitted by SQLAlchemy, a failed migration rolls back entirely.
    """
    db.use_explicit_transactions(engine)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
