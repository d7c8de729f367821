"""/stats and /broadcast, and article files sent to the bot: for ADMIN_IDS only.

A file sent to the bot is previewed, not published: its editor sees how it will be read and
presses publish or discard (content.pending holds it meanwhile).

Anyone else gets what any unknown command gets: these commands do not exist for them.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from content import pending
from content.library import (
    ARTICLE_SUFFIX,
    Upload,
    add_article,
    file_name_for,
    withdraw_article,
)
from content.parser import ArticleFormatError, read_article
from content.tagging import tag_article
from handlers.plumbing.context import Context
from handlers.plumbing.registry import Audience, Capability, Command, Handlers
from handlers.plumbing.replies import (
    answer_press,
    current_article,
    decoded_press,
    reply,
    show_in_place,
)
from handlers.presentation import render, views
from handlers.presentation.buttons import Action, Callback, encode, pattern
from handlers.presentation.texts import Texts

logger = logging.getLogger(__name__)


async def stats(update: Update, context: Context) -> None:
    """Chats by type, active subscriptions, deliveries by state and the last errors."""
    tr = context.texts
    if not await _in_private(update, tr):
        return
    numbers = await context.bot_data.store.outbox.stats()
    lines = [tr.say("STATS_TITLE")]
    lines += [
        tr.say("STATS_CHATS", kind=kind, active=active, inactive=inactive)
        for kind, active, inactive in numbers.chats_by_type
    ]
    lines.append(tr.say("STATS_SUBSCRIPTIONS", count=numbers.active_subscriptions))
    states = tr.join(f"{state} {count}" for state, count in numbers.deliveries_by_state)
    lines.append(tr.say("STATS_DELIVERIES", states=states or "0"))
    lines.append(tr.say("STATS_PAID", count=numbers.paid_messages))
    if numbers.last_errors:
        lines += ["", tr.say("STATS_ERRORS")]
        lines += [
            f"#{e.delivery_id} → {e.chat_id} ({e.state}): {render.escape(e.error[:200])}"
            for e in numbers.last_errors
        ]
    await reply(update, render.pack(["\n".join(lines)]))


async def broadcast(update: Update, context: Context) -> None:
    """Preview the latest briefing as it would be sent, with a button to send it to all."""
    tr = context.texts
    if not await _in_private(update, tr):
        return
    article = await current_article(update, context)
    if article is None:
        return
    store = context.bot_data.store
    audience = await store.outbox.broadcast_audience()
    preview = render.new_article(await store.summary(article), [], tr)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.say("BUTTON_BROADCAST"),
                    # The preview's own name: pressing its button again sends nothing more.
                    callback_data=encode(Action.BROADCAST, article.id, secrets.token_hex(8)),
                ),
                InlineKeyboardButton(
                    tr.say("BUTTON_CANCEL"), callback_data=encode(Action.CANCEL, 0)
                ),
            ]
        ]
    )
    await reply(update, [tr.say("BROADCAST_PREVIEW", count=audience), *preview], keyboard)


async def _in_private(update: Update, tr: Texts) -> bool:
    """Whether the chat is private; elsewhere chat ids and errors are not for everyone's eyes."""
    chat = update.effective_chat
    if chat is not None and chat.type == chat.PRIVATE:
        return True
    await reply(update, [tr.say("ADMIN_PRIVATE_ONLY")])
    return False


async def _admin_press(update: Update, context: Context) -> tuple[CallbackQuery, Callback] | None:
    """A press of one of our buttons, answered; None unless an administrator pressed it (a
    forwarded preview's buttons do nothing for anyone else)."""
    press = decoded_press(update)
    if press is None:
        return None
    query, _ = press
    await answer_press(query, context)
    return press if query.from_user.id in context.bot_data.admin_ids else None


async def broadcast_button(update: Update, context: Context) -> None:
    """Queue the previewed briefing for every subscribed chat, or cancel."""
    tr = context.texts
    press = await _admin_press(update, context)
    if press is None:
        return
    query, callback = press
    if callback.action == Action.CANCEL:
        await show_in_place(query, context, [tr.say("BROADCAST_CANCELLED")])
        return
    outbox = context.bot_data.store.outbox
    count = await outbox.enqueue_broadcast(callback.article_id, callback.arg, time.time())
    if count == 0 and await outbox.broadcast_audience():
        await show_in_place(query, context, [tr.say("BROADCAST_ALREADY_SENT")])
        return
    context.bot_data.wake_outbox()
    logger.info(
        "Admin %s broadcast article %s to %d chats", query.from_user.id, callback.article_id, count
    )
    await show_in_place(query, context, [tr.say("BROADCAST_QUEUED", count=count)])


async def article_file(update: Update, context: Context) -> None:
    """Ingest an article file an administrator sent; say what happened, or why not."""
    tr = context.texts
    user = update.effective_user
    if user is None or user.id not in context.bot_data.admin_ids:
        return  # anyone else's file is not an article for the bot
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return
    limit = context.bot_data.max_article_bytes
    if document.file_size is not None and document.file_size > limit:
        await reply(update, [tr.say("INGEST_TOO_LARGE", limit=limit)])
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    name = document.file_name or f"upload{ARTICLE_SUFFIX}"
    # Reading and tagging a long article takes seconds, and updates are handled one at a
    # time: do it beside them. Application.stop waits for the task.
    context.application.create_task(_preview_upload(update, context, name, data), update=update)


async def _preview_upload(update: Update, context: Context, name: str, data: bytes) -> None:
    """Show how an upload will be read, held until its editor publishes or discards it."""
    tr = context.texts
    bot_data = context.bot_data
    limit = bot_data.max_article_bytes
    try:
        file_name_for(name)
        parsed = await asyncio.to_thread(read_article, data, name, limit)
        token = await asyncio.to_thread(pending.hold, bot_data.seeds_folder, name, data)
    except ArticleFormatError as error:
        await reply(update, [_rejection(error, tr)])
        return
    except OSError as error:
        logger.warning("Could not hold the upload %r: %s", name, error)
        await reply(update, [tr.say("INGEST_NOT_SAVED", error=render.escape(str(error)))])
        return
    lexicon = bot_data.lexicon
    topics = lexicon.ordered(tag_article(lexicon, parsed.article).salience())
    preview = views.upload_preview(parsed, topics, token, tr)
    await reply(update, preview.chunks, preview.keyboard)


def _rejection(error: ArticleFormatError, tr: Texts) -> str:
    """Why a file was refused, in the administrator's language where the reason is one the
    texts know (the parser's), else as the parser said it."""
    if error.problem and error.line is not None:
        values = {key: render.escape(str(value)) for key, value in error.values.items()}
        reason = tr.say(f"PARSE_{error.problem}", **values)
        return tr.say(
            "INGEST_REJECTED_AT", file=render.escape(error.path), line=error.line, reason=reason
        )
    return tr.say("INGEST_REJECTED", error=render.escape(str(error)))


async def upload_button(update: Update, context: Context) -> None:
    """Publish the previewed upload, or discard it; a second press finds it decided."""
    tr = context.texts
    press = await _admin_press(update, context)
    if press is None:
        return
    query, callback = press
    bot_data = context.bot_data
    folder, limit = bot_data.seeds_folder, bot_data.max_article_bytes
    held = await asyncio.to_thread(pending.claim, folder, callback.arg, limit)
    if held is None:
        await show_in_place(query, context, [tr.say("UPLOAD_GONE")])
    elif callback.action == Action.DISCARD:
        await show_in_place(query, context, [tr.say("UPLOAD_DISCARDED")])
    else:
        published = await _publish(context, held, tr)
        await show_in_place(query, context, [published.text], published.keyboard)


@dataclass(frozen=True, slots=True)
class _Published:
    text: str
    keyboard: InlineKeyboardMarkup | None = None


async def _publish(context: Context, held: pending.HeldUpload, tr: Texts) -> _Published:
    """Store a held upload as it was previewed, and say what happened, or why not; a
    published article comes with a button to withdraw it."""
    bot_data = context.bot_data
    store, folder, limit = bot_data.store, bot_data.seeds_folder, bot_data.max_article_bytes
    try:
        result = await add_article(store, folder, Upload(held.name, held.data), limit)
    except ArticleFormatError as error:
        return _Published(_rejection(error, tr))
    except OSError as error:
        logger.warning("Could not save the upload %r: %s", held.name, error)
        return _Published(tr.say("INGEST_NOT_SAVED", error=render.escape(str(error))))
    bot_data.wake_outbox()
    withdraw = InlineKeyboardButton(
        tr.say("BUTTON_WITHDRAW"), callback_data=encode(Action.WITHDRAW, result.article_id)
    )
    text = tr.say("INGESTED", slug=result.slug, outcome=result.outcome)
    return _Published(text, InlineKeyboardMarkup([[withdraw]]))


async def withdraw_button(update: Update, context: Context) -> None:
    """Withdraw a published article: out of every list, search and answer."""
    tr = context.texts
    press = await _admin_press(update, context)
    if press is None:
        return
    query, callback = press
    bot_data = context.bot_data
    store = bot_data.store
    article = await store.article(callback.article_id)
    if article is None or not await withdraw_article(store, bot_data.seeds_folder, article.slug):
        await show_in_place(query, context, [tr.say("WITHDRAWN_ALREADY")])
        return
    logger.info("Admin %s withdrew %s", query.from_user.id, article.slug)
    await show_in_place(query, context, [tr.say("WITHDRAWN", title=render.escape(article.title))])


async def feeds(update: Update, context: Context) -> None:
    """``/feeds``: the feeds followed, how their polling goes, each with a remove button;
    ``/feeds add URL`` follows one more."""
    tr = context.texts
    if not await _in_private(update, tr):
        return
    store = context.bot_data.store
    args = context.args or []
    if args[:1] == ["add"]:
        url = args[1] if len(args) == 2 else ""
        if not url.startswith(("http://", "https://")):
            await reply(update, [tr.say("FEEDS_USAGE")])
            return
        added = await store.feeds.add_feed(url, time.time())
        await reply(
            update, [tr.say("FEED_ADDED" if added else "FEED_ALREADY", url=render.escape(url))]
        )
        return
    rendered = views.feed_list(await store.feeds.feeds(), tr)
    await reply(update, rendered.chunks, rendered.keyboard)


async def feed_button(update: Update, context: Context) -> None:
    """Stop following the feed a button names (by its link's short hash)."""
    tr = context.texts
    press = await _admin_press(update, context)
    if press is None:
        return
    query, callback = press
    store = context.bot_data.store
    followed = await store.feeds.feeds()
    chosen = [feed for feed in followed if views.feed_key(feed.url) == callback.arg]
    if chosen and await store.feeds.remove_feed(chosen[0].url):
        followed = [feed for feed in followed if feed.url != chosen[0].url]
    rendered = views.feed_list(followed, tr)
    await show_in_place(query, context, rendered.chunks, rendered.keyboard)


def _others() -> Handlers:
    return [
        CallbackQueryHandler(broadcast_button, pattern=pattern(Action.BROADCAST)),
        CallbackQueryHandler(broadcast_button, pattern=pattern(Action.CANCEL)),
        CallbackQueryHandler(upload_button, pattern=pattern(Action.PUBLISH)),
        CallbackQueryHandler(upload_button, pattern=pattern(Action.DISCARD)),
        CallbackQueryHandler(withdraw_button, pattern=pattern(Action.WITHDRAW)),
        CallbackQueryHandler(feed_button, pattern=pattern(Action.REMOVE_FEED)),
        MessageHandler(
            filters.ChatType.PRIVATE & filters.Document.FileExtension("txt"), article_file
        ),
    ]


CAPABILITY = Capability(
    "admin",
    commands=(
        Command("stats", stats, Audience.BOT_ADMINS),
        Command("broadcast", broadcast, Audience.BOT_ADMINS),
        Command("feeds", feeds, Audience.BOT_ADMINS),
    ),
    handlers=_others,
)
