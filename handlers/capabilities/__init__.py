"""What the bot can do, one module a capability: read the update, ask ``content``, render,
reply. Each declares its ``CAPABILITY`` (commands, then other handlers); none imports another,
and ``bot.capabilities`` lists them in the order their handlers are tried."""
