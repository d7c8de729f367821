"""Pure presentation: what the store said, rendered as Telegram HTML, buttons and the bot's
own words in each language. No ``telegram.ext``, no store: these are plain functions."""
