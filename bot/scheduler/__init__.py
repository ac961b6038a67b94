"""Reminders and recurring events: pure rules, no I/O."""
