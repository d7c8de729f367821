"""Transport: Bot API requests over aiohttp, and Telegram's flood limits kept on our side."""
