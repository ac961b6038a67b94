"""Apply Alembic migrations from inside a running event loop (bot start-up, tests, `hamkari migrate`).

Alembic (with Mako and Pygments) costs about 10 MB of memory once imported. When the database is
already at the newest revision, which is every start but the first after an update, it is not
imported at all: the newest revision is read from the migration files' names.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_REVISION = re.compile(r"^(down_)?revision = ['\"]?([0-9a-z_]+|None)['\"]?$", re.MULTILINE)


def alembic_config():
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    """The revision no migration builds on, from the `revision = ...` lines of the scripts."""
    revisions, bases = set(), set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = {bool(down): value for down, value in _REVISION.findall(script.read_text())}
        revisions.add(found[False])
        bases.add(found.get(True))
    heads = revisions - bases
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        try:
            return await connection.scalar(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # no table yet: a new database
            return None


async def upgrade_to_head(engine: AsyncEngine) -> None:
    if await current_revision(engine) == head_revision():
        return
    from alembic import command

    config = alembic_config()

    def _upgrade(sync_connection) -> None:
        # env.py uses this connection instead of opening its own (Alembic cookbook pattern).
        config.attributes["connection"] = sync_connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
