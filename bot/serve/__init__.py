"""Serving: the HTTP side (Telegram's webhook, /healthz, /metrics) and the order updates are
handled in, people before broadcasts."""
