"""The SQL files (core/sql, streets/sql, members/sql): each is the current definition of its functions and
triggers, so running it again must work and change nothing; and the status values they name are the
models'."""

import re
from pathlib import Path

import pytest
from django.db import connection

from alerts.models import Alert, Delivery
from areas.models import Network
from core.sql import sql_file
from members.models import Membership

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(p.relative_to(ROOT) for p in ROOT.glob("*/sql/*.sql"))
STATUSES = {*Network.Status.values, *Membership.Status.values, *Delivery.Status.values, *Alert.Status.values}


def test_there_are_sql_files():
    assert {str(f) for f in FILES} >= {
        "core/sql/normalise.sql",
        "streets/sql/street_doc.sql",
        "streets/sql/street_terms.sql",
        "members/sql/alert_networks.sql",
    }


def _functions() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p "
            "JOIN pg_namespace s ON s.oid = p.pronamespace "
            "WHERE s.nspname = 'public' AND p.proname LIKE 'bin%%'"
        )
        return dict(cur.fetchall())


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=str)
def test_running_a_file_again_changes_nothing(path):
    before = _functions()
    with connection.cursor() as cur:
        cur.execute(sql_file(path.parts[0], path.name))
    assert _functions() == before
    # Every function the file defines is in the database as the file has it (the migrations loaded it).
    for name in re.findall(r"CREATE OR REPLACE FUNCTION (\w+)\(", sql_file(path.parts[0], path.name)):
        assert any(signature.startswith(f"{name}(") for signature in before), name


@pytest.mark.parametrize("path", FILES, ids=str)
def test_status_values_in_sql_are_the_models(path):
    text = sql_file(path.parts[0], path.name)
    named = set(re.findall(r"status\s*(?:=|<>)\s*'(\w+)'", text))
    for group in re.findall(r"status\s+(?:NOT\s+)?IN\s*\(([^)]*)\)", text, flags=re.I):
        named |= set(re.findall(r"'(\w+)'", group))
    assert named <= STATUSES
