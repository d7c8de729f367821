"""What the tests run against: the fake Bot API server and Telegram's rules, a real
PostgreSQL, article builders, and the harness that runs the bot on them."""
