"""Telegram adapters: read the update, ask ``content``, render, reply. One module a capability."""
