"""The domain: articles read into typed models, Arabic text for matching, topics, search,
word alerts and summaries; ``ports`` declares what a store must do, and ``storage`` holds the
store's rules and one package per backend. Never imports telegram, handlers or bot."""
