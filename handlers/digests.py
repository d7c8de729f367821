"""Daily digests: /digest HH:MM, /timezone Area/City, and the jobs that queue them."""

from __future__ import annotations

import logging
import re
import time
from datetime import time as clock_time
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, JobQueue

from content.models import ChatInfo
from handlers import render
from handlers.chat_settings import settings_request
from handlers.context import NEW_MESSAGES, Context
from handlers.replies import reply

logger = logging.getLogger(__name__)

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


def job_name(chat_id: int) -> str:
    """The name of a chat's digest job: one per chat, never doubled."""
    return f"digest:{chat_id}"


def schedule_digest(job_queue: JobQueue[Any], chat: ChatInfo, default_zone: str) -> None:
    """(Re)schedule the chat's daily digest job from its stored settings."""
    for job in job_queue.get_jobs_by_name(job_name(chat.id)):
        job.schedule_removal()
    if not chat.digest_time or not chat.active:
        return
    hours, minutes = (int(part) for part in chat.digest_time.split(":"))
    zone = ZoneInfo(valid_zone(chat.timezone) or default_zone)
    job_queue.run_daily(
        queue_digest,
        clock_time(hours, minutes, tzinfo=zone),
        chat_id=chat.id,
        name=job_name(chat.id),
    )


async def reschedule(context: Context, chat_id: int) -> ChatInfo | None:
    """Bring the chat's digest job in line with its stored settings; the chat as stored."""
    chat = await context.bot_data.store.chats.get(chat_id)
    if chat is not None and context.job_queue is not None:
        schedule_digest(context.job_queue, chat, context.bot_data.default_timezone)
    return chat


async def queue_digest(context: Context) -> None:
    """The daily job: queue the digest of what arrived since the last one, if anything did."""
    job = context.job
    if job is None or job.chat_id is None:
        return
    bot_data = context.bot_data
    if not await bot_data.store.workers.leads():
        return  # every worker has the job; the one that leads queues the digest
    if await bot_data.store.outbox.enqueue_digest(job.chat_id, time.time()):
        bot_data.wake_outbox()
        logger.info("Queued the digest for chat %s", job.chat_id)


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
    await context.bot_data.store.chats.set_digest(request.chat.id, wanted, time.time())
    info = await reschedule(context, request.chat.id)
    if not wanted:
        await reply(update, [tr.say("DIGEST_OFF")])
        return
    zone = (info.timezone if info else "") or context.bot_data.default_timezone
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
    await reschedule(context, request.chat.id)
    await reply(update, [tr.say("TIMEZONE_SET", zone=render.escape(zone))])


def handlers() -> list[BaseHandler[Update, Context, None]]:
    """This module's handlers."""
    return [
        CommandHandler("digest", digest, filters=NEW_MESSAGES),
        CommandHandler("timezone", timezone, filters=NEW_MESSAGES),
    ]
