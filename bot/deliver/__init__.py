"""Delivery: the outbox worker that sends what is queued within Telegram's limits, the
renderer of what a push says, and the queuing of digests."""
