"""Telegram adapters, by role: ``capabilities`` (one module each), the ``plumbing`` they share,
and pure ``presentation``. They reach the store through ``content.ports`` alone."""
