from __future__ import annotations


class DomainError(Exception):
    """Base of all rule violations. Carries data only; views turn it into a sentence."""


class UnsupportedLocale(DomainError):
    def __init__(self, locale: str) -> None:
        super().__init__(locale)
        self.locale = locale
