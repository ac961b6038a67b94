"""Offline front-end: the real Application driven through an in-process fake Bot API."""
