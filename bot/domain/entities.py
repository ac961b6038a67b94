from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class User:
    """A person using the bot. ``locale`` is the language everything is rendered in for them."""

    id: int | None
    telegram_user_id: int
    locale: str
    created_at: datetime
