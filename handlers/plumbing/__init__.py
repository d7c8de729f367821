"""What the capabilities share of Telegram: each update's context, the command registry, who
may change a chat's settings, replies and button presses, the error handler and the menus."""
