"""Use cases about users: first contact and language choice."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from bot.domain.entities import User
from bot.domain.errors import UnsupportedLocale
from bot.domain.ports import UnitOfWork


async def ensure_user(uow: UnitOfWork, telegram_user_id: int, initial_locale: str) -> User:
    """Return the stored user, creating them with ``initial_locale`` on first contact.

    The locale is only used for a new user: a stored choice always wins over Telegram's hint.
    """
    user = await uow.users.by_telegram_id(telegram_user_id)
    if user is not None:
        return user
    return await uow.users.add(
        User(id=None, telegram_user_id=telegram_user_id, locale=initial_locale,
             created_at=datetime.now(UTC))
    )


async def change_locale(
    uow: UnitOfWork, user: User, locale: str, supported: Collection[str]
) -> User:
    if locale not in supported:
        raise UnsupportedLocale(locale)
    user.locale = locale
    await uow.users.save(user)
    return user
