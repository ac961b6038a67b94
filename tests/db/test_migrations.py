"""The same Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from bot.db.engine import UnitOfWorkFactory
from bot.db.migrate import alembic_config, current_revision, upgrade_to_head
from bot.db.models import Base
from bot.domain.users import change_locale, ensure_user


async def test_upgrade_reaches_head_twice_without_error(engine):
    await upgrade_to_head(engine)
    await upgrade_to_head(engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(engine) == head


async def test_migrated_schema_matches_the_models(engine):
    await upgrade_to_head(engine)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
        )
    assert differences == []


async def test_users_round_trip_with_large_telegram_ids(engine):
    await upgrade_to_head(engine)
    uow_factory = UnitOfWorkFactory(engine)
    async with uow_factory() as uow:
        user = await ensure_user(uow, 7_123_456_789, "ps")
    async with uow_factory() as uow:
        again = await ensure_user(uow, 7_123_456_789, "en")
        assert (again.id, again.locale) == (user.id, "ps")
        await change_locale(uow, again, "tg", {"tg"})
    async with uow_factory() as uow:
        assert (await uow.users.by_telegram_id(7_123_456_789)).locale == "tg"


def test_the_head_read_from_file_names_is_alembics_head():
    from alembic.script import ScriptDirectory

    from bot.db.migrate import head_revision

    assert head_revision() == ScriptDirectory.from_config(alembic_config()).get_current_head()


async def test_a_database_at_head_starts_without_importing_alembic(engine, tmp_path):
    """Alembic costs ~10 MB: a restart of an up-to-date bot does not load it."""
    import asyncio
    import subprocess
    import sys

    if engine.dialect.name != "sqlite":
        pytest.skip("one database is enough to show it")
    await upgrade_to_head(engine)
    url = str(engine.url)
    probe = ("import asyncio, sys\n"
             "from bot.db.engine import make_engine\n"
             "from bot.db.migrate import upgrade_to_head\n"
             f"asyncio.run(upgrade_to_head(make_engine({url!r})))\n"
             "print('alembic' in sys.modules)\n")
    result = await asyncio.to_thread(subprocess.run, [sys.executable, "-c", probe],
                                     capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
