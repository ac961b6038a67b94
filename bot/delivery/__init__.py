"""Durable, rate-limited delivery of queued messages (the outbox worker)."""
