from __future__ import annotations


class DomainError(Exception):
    """Base of all rule violations. Carries data only; views turn it into a sentence."""


class UnsupportedLocale(DomainError):
    def __init__(self, locale: str) -> None:
        super().__init__(locale)
        self.locale = locale


class InvalidValue(DomainError):
    """A typed value broke a rule. ``reason`` is a code; the view words it per language."""

    def __init__(self, field: str, reason: str, *, minimum: int | None = None,
                 maximum: int | None = None, actual: int | None = None) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason
        self.minimum = minimum
        self.maximum = maximum
        self.actual = actual


class NotAllowed(DomainError):
    """The acting user may not do this (``action`` names what was attempted)."""

    def __init__(self, action: str) -> None:
        super().__init__(action)
        self.action = action


class NotFound(DomainError):
    def __init__(self, what: str, key: object) -> None:
        super().__init__(what, key)
        self.what = what
        self.key = key


class StaleAction(DomainError):
    """A button or link that no longer applies (old step, used or expired invitation)."""
