"""End to end: the real Application over HTTP against the fake Bot API server."""
