"""The Alembic configuration built in code, and the revision files it points at."""

from __future__ import annotations

import re
from pathlib import Path

from berth.db.migrate import MIGRATIONS_DIR, alembic_config, script_directory


def test_config_keeps_url_escapes_in_the_database_url() -> None:
    uri = "postgresql://berth:p%40ss%25word@db:5432/berth"

    assert alembic_config(uri).get_main_option("sqlalchemy.url") == uri


def test_config_names_revision_files_by_date_then_revision() -> None:
    template = alembic_config().get_main_option("file_template")

    assert template == "%(year)d_%(month).2d_%(day).2d_%(rev)s_%(slug)s"


def test_every_revision_file_has_a_dated_name_with_its_revision_id() -> None:
    for script in script_directory().walk_revisions():
        name = Path(script.path).name
        assert re.fullmatch(rf"\d{{4}}_\d{{2}}_\d{{2}}_{script.revision}_\w+\.py", name), name


def test_config_points_at_the_migrations_package() -> None:
    assert alembic_config().get_main_option("script_location") == str(MIGRATIONS_DIR)
    assert (MIGRATIONS_DIR / "env.py").is_file()
