"""How the schema state is decided, and what the operator is told about it."""

from __future__ import annotations

import pytest

from berth.db import migrate
from berth.db.schema_check import SchemaState, classify, schema_message, shipped_revisions

KNOWN = ("0001", "0002", "0003")
HEAD = "0003"


def test_no_tables_and_no_revision_is_empty() -> None:
    assert classify(False, None, KNOWN, HEAD) is SchemaState.EMPTY


def test_the_head_revision_is_current() -> None:
    assert classify(True, "0003", KNOWN, HEAD) is SchemaState.CURRENT


def test_an_older_known_revision_is_behind() -> None:
    assert classify(True, "0001", KNOWN, HEAD) is SchemaState.BEHIND


def test_a_revision_this_code_does_not_know_is_unknown() -> None:
    assert classify(True, "0004", KNOWN, HEAD) is SchemaState.UNKNOWN


def test_tables_without_a_revision_are_unknown() -> None:
    assert classify(True, None, KNOWN, HEAD) is SchemaState.UNKNOWN


def test_behind_message_names_both_revisions_and_the_upgrade_command() -> None:
    message = schema_message(
        SchemaState.BEHIND, "0001", "0002", store_uri="postgresql://berth:s3cret@db/berth"
    )

    assert message == (
        "The database schema is at revision 0001 but this Berth needs 0002: run "
        "`berth db upgrade --backend-store-uri postgresql://berth:***@db/berth` first."
    )


def test_message_never_shows_the_database_password() -> None:
    for state in SchemaState:
        message = schema_message(state, "0001", "0002", store_uri="postgresql://u:s3cret@h/db")
        assert "s3cret" not in message


@pytest.mark.parametrize(
    ("state", "current", "expected"),
    [
        (SchemaState.EMPTY, None, "berth db upgrade --backend-store-uri ..."),
        (SchemaState.CURRENT, "0002", "revision 0002"),
        (SchemaState.UNKNOWN, "abcd", "revision abcd, which this Berth"),
        (SchemaState.UNKNOWN, None, "no Berth schema revision"),
    ],
)
def test_message_says_where_the_schema_stands(
    state: SchemaState, current: str | None, expected: str
) -> None:
    assert expected in schema_message(state, current, "0002")


def test_shipped_revisions_are_alembics_head_and_revisions() -> None:
    assert shipped_revisions() == (migrate.head_revision(), migrate.known_revisions())
