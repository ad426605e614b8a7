"""Database guards for the append-only tables (Art. 22–24; 等保 level 3, 安全审计: audit
records protected against deletion, change and overwriting).

The ORM already refuses to change or delete history and audit rows (`AppendOnlyModel`); the
triggers made here refuse it in the database itself, for raw SQL and for any code that
bypasses the model. SQLite gets `RAISE(ABORT, …)` triggers on UPDATE and DELETE; PostgreSQL a
PL/pgSQL function on UPDATE, DELETE and TRUNCATE.

One switch lifts them, per connection and never by default: `append_only_lifted()`. Only the
test runner uses it, to empty the tables between `TransactionTestCase`s (Django's flush is a
DELETE on SQLite and a TRUNCATE on PostgreSQL). On SQLite the switch is an application
function the project registers on each of its connections; a connection without it (the
`sqlite3` shell) cannot run an UPDATE or DELETE on these tables at all. On PostgreSQL it is a
transaction-local setting. Neither stops a database owner who drops the triggers: that is what
the audit hash chain and `hotline audit_verify` detect.

On SQLite a migration that rebuilds one of these tables (most `AlterField`s) drops its
triggers: such a migration must run `append_only_install` again; the tests that try a raw
UPDATE and DELETE fail otherwise."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_SWITCH = "hotline_append_only_lifted"
PG_SETTING = "hotline.append_only"
_LIFTED_ATTR = "_hotline_append_only_lifted"


def _sqlite_sql(table: str) -> tuple[list[str], list[str]]:
    forward = [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
        f"WHEN NOT {SQLITE_SWITCH}() "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only: {op} refused'); END"
        for op in ("UPDATE", "DELETE")
    ]
    backward = [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
    return forward, backward


def _postgresql_sql(table: str) -> tuple[list[str], list[str]]:
    function = f"{table}_append_only"
    forward = [
        f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF coalesce(current_setting('{PG_SETTING}', true), '') = 'lifted' THEN
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                IF TG_OP = 'UPDATE' THEN RETURN NEW; END IF;
                RETURN NULL;
            END IF;
            RAISE EXCEPTION '% rows are append-only: % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'integrity_constraint_violation';
        END $$""",
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        f"DROP FUNCTION IF EXISTS {function}()",
    ]
    return forward, backward


def _statements(table: str, vendor: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        return _sqlite_sql(table)
    if vendor == "postgresql":
        return _postgresql_sql(table)
    raise NotImplementedError(f"no append-only triggers for {vendor}")


def append_only_install(schema_editor: Any, table: str) -> None:
    """Create (or re-create) the triggers that refuse UPDATE and DELETE on `table`. For a
    migration's RunPython; idempotent."""
    for sql in _statements(table, schema_editor.connection.vendor)[0]:
        schema_editor.execute(sql, params=None)  # no placeholders: the % are PL/pgSQL


def append_only_uninstall(schema_editor: Any, table: str) -> None:
    for sql in _statements(table, schema_editor.connection.vendor)[1]:
        schema_editor.execute(sql, params=None)  # no placeholders: the % are PL/pgSQL


def register_sqlite_switch(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """`connection_created` receiver: give each SQLite connection the function the triggers
    ask; it answers the wrapper's own switch, so lifting it on one connection lifts nothing
    on another."""
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_SWITCH, 0, lambda: bool(getattr(connection, _LIFTED_ATTR, False))
    )


@contextmanager
def append_only_lifted(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Let UPDATE, DELETE and TRUNCATE through the append-only triggers on this connection
    for the block, inside one transaction. For the test runner's flush and for tests that play
    an attacker with database access; never for application code."""
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'lifted', true)", [PG_SETTING])
        setattr(connection, _LIFTED_ATTR, True)
        try:
            yield
        finally:
            setattr(connection, _LIFTED_ATTR, False)
        # Reached only without an exception; after one, the rollback undoes the setting.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', true)", [PG_SETTING])
