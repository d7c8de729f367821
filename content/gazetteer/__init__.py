"""The world gazetteer: how content/topics.toml is built from its sources (see build.py)."""
