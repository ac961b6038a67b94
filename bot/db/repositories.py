from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import UserRow
from bot.domain.entities import User


def _to_user(row: UserRow) -> User:
    return User(id=row.id, telegram_user_id=row.telegram_user_id, locale=row.locale,
                created_at=row.created_at)


class SqlUserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def by_telegram_id(self, telegram_user_id: int) -> User | None:
        row = await self._session.scalar(
            select(UserRow).where(UserRow.telegram_user_id == telegram_user_id)
        )
        return None if row is None else _to_user(row)

    async def add(self, user: User) -> User:
        row = UserRow(telegram_user_id=user.telegram_user_id, locale=user.locale,
                      created_at=user.created_at)
        self._session.add(row)
        await self._session.flush()
        user.id = row.id
        return user

    async def save(self, user: User) -> None:
        row = await self._session.get(UserRow, user.id)
        if row is None:
            raise LookupError(user.id)
        row.locale = user.locale
        await self._session.flush()
