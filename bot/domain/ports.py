from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from bot.domain.entities import User


class UserRepository(Protocol):
    async def by_telegram_id(self, telegram_user_id: int) -> User | None: ...

    async def add(self, user: User) -> User: ...

    async def save(self, user: User) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``async with`` block commits, an exception rolls back."""

    users: UserRepository


UnitOfWorkFactory = Callable[[], AbstractAsyncContextManager[UnitOfWork]]

