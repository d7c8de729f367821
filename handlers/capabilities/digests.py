"""Daily digests: /digest HH:MM for the thread it is sent in, and /timezone Area/City.

The jobs that queue digests are the composition root's (``bot.deliver.digests``): a change
here asks it, through ``digest_changed``, to schedule the thread's job again.
"""

from __future__ import annotations

import re
import time
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from telegram import Update

from handlers.plumbing.chat_settings import settings_request
from handlers.plumbing.context import Context
from handlers.plumbing.registry import Audience, Capability, Command
from handlers.plumbing.replies import reply
from handlers.presentation import render

_TIME = re.compile(r"([01]?\d|2[0-3])[:.]([0-5]\d)")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
_OFF_WORDS = frozenset({"off", "stop", "none", "إيقاف", "ايقاف", "الغاء", "إلغاء"})


def parse_time(text: str) -> str | None:
    """'8:30', '08.30' or '٠٨:٣٠' as 'HH:MM'; None when it is not a time of day."""
    match = _TIME.fullmatch(text.strip().translate(_ARABIC_DIGITS))
    return f"{int(match[1]):02d}:{match[2]}" if match else None


def valid_zone(name: str) -> str | None:
    """The IANA zone ``name`` (asia/riyadh is Asia/Riyadh) if this machine knows it, else None."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    canonical = _zones_by_folded_name().get(name.casefold(), name)
    try:
        ZoneInfo(canonical)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return canonical


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {zone.casefold(): zone for zone in available_timezones()}


async def digest(update: Update, context: Context) -> None:
    """Set (/digest 08:30) or stop (/digest off) the chat's daily digest."""
    request = await settings_request(update, context)
    if request is None:
        return
    tr, argument = request.tr, request.argument
    wanted = "" if argument.lower() in _OFF_WORDS else parse_time(argument)
    if wanted is None:
        await reply(update, [tr.say("DIGEST_USAGE")])
        return
    chat_id, thread_id = request.chat.id, request.thread_id
    await context.bot_data.store.chats.set_digest(
        chat_id, wanted, time.time(), thread_id=thread_id
    )
    await context.bot_data.digest_changed(chat_id)
    if not wanted:
        await reply(update, [tr.say("DIGEST_OFF")])
        return
    zone = request.chat.timezone or context.bot_data.default_timezone
    await reply(update, [tr.say("DIGEST_SET", time=wanted, zone=render.escape(zone))])


async def timezone(update: Update, context: Context) -> None:
    """Set the chat's timezone, which its digest time is read in."""
    request = await settings_request(update, context)
    if request is None:
        return
    tr, name = request.tr, request.argument
    if not name:
        await reply(update, [tr.say("TIMEZONE_USAGE")])
        return
    zone = valid_zone(name)
    if zone is None:
        await reply(update, [tr.say("TIMEZONE_UNKNOWN", zone=render.escape(name[:64]))])
        return
    await context.bot_data.store.chats.set_timezone(request.chat.id, zone)
    await context.bot_data.digest_changed(request.chat.id)  # every thread's digest moves
    await reply(update, [tr.say("TIMEZONE_SET", zone=render.escape(zone))])


CAPABILITY = Capability(
    "digests",
    commands=(
        Command("digest", digest, Audience.CHAT_ADMINS),
        Command("timezone", timezone, Audience.CHAT_ADMINS),
    ),
)
