"""Use cases about users: first contact and language choice."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from bot.domain.entities import User
from bot.domain.errors import InvalidValue, UnsupportedLocale
from bot.domain.ports import UnitOfWork
from bot.domain.schedule import USER_ZONES
from bot.domain.text import clean_text

DISPLAY_NAME_MAX = 64


async def ensure_user(uow: UnitOfWork, telegram_user_id: int, initial_locale: str,
                      display_name: str | None = None, in_private: bool = False) -> User:
    """Return the stored user, creating them with ``initial_locale`` on first contact.

    The locale is only used for a new user: a stored choice always wins over Telegram's hint.
    Writing to the bot in private shows it is no longer blocked: messages may go to them again.
    """
    name = clean_text(display_name)[:DISPLAY_NAME_MAX] if display_name else None
    user = await uow.users.by_telegram_id(telegram_user_id)
    if user is not None:
        reachable_again = in_private and user.unreachable_since is not None
        if (name and user.display_name != name) or reachable_again:
            user.display_name = name or user.display_name
            if reachable_again:
                user.unreachable_since = None
            await uow.users.save(user)
        return user
    return await uow.users.add(
        User(id=None, telegram_user_id=telegram_user_id, locale=initial_locale,
             created_at=datetime.now(UTC), display_name=name)
    )


async def cancel_conversation(uow: UnitOfWork, user: User) -> bool:
    """Drop whatever step-by-step conversation the user is in; False if there was none."""
    if await uow.drafts.get(user.id) is None:
        return False
    await uow.drafts.delete(user.id)
    return True


async def change_locale(
    uow: UnitOfWork, user: User, locale: str, supported: Collection[str]
) -> User:
    if locale not in supported:
        raise UnsupportedLocale(locale)
    user.locale = locale
    await uow.users.save(user)
    return user


async def set_time_zone(uow: UnitOfWork, user: User, zone: str | None) -> User:
    """None: times are shown in each meeting's own zone only."""
    if zone is not None and zone not in USER_ZONES:
        raise InvalidValue("time_zone", "unknown")
    user.time_zone = zone
    await uow.users.save(user)
    return user
