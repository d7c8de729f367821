"""The domain: parse articles, Arabic text for matching, topics, search and the store."""
