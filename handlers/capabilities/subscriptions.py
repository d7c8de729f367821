"""/subscribe, /unsubscribe and /subscriptions: which new articles reach this thread.

A subscription is to every article, to a topic (/subscribe iran), or a word alert on a word
or short phrase in quotes (/subscribe "النفط"). Each belongs to the thread it was made in:
a forum topic, or the chat itself. In a private chat that asked for threads (/threads on),
each topic's subscription gets a thread of its own.
"""

from __future__ import annotations

import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import CallbackQueryHandler

from content.alerts import AlertPhraseError, alert_terms
from content.models import MAX_THREAD_ID, AlertAdded, ChatInfo
from content.ports import EVERYTHING
from content.search import Analyzer
from content.topics import Lexicon, Topic
from handlers.plumbing.chat_settings import SettingsRequest, settings_request
from handlers.plumbing.context import Context
from handlers.plumbing.own_threads import subscribe_in_own_thread, threads_wanted
from handlers.plumbing.permissions import may_change_settings
from handlers.plumbing.registry import Audience, Capability, Command, Handlers
from handlers.plumbing.replies import (
    answer_press,
    answer_stale,
    decoded_press,
    reply,
    show_in_place,
)
from handlers.presentation import render
from handlers.presentation.buttons import Action, encode, pattern
from handlers.presentation.texts import Texts

_SUGGESTIONS = 5
# What a reader may put an alert's phrase in: straight, curly and Arabic-style quotes.
_QUOTES = {'"': '"', "“": "”", "«": "»", "'": "'", "„": "“"}


def quoted(argument: str) -> str | None:
    """The phrase inside quotes, when the whole argument is quoted; else None."""
    if len(argument) < 2 or _QUOTES.get(argument[0]) != argument[-1]:
        return None
    return argument[1:-1].strip()


async def subscribe(update: Update, context: Context) -> None:
    """Subscribe the thread to every new article, one topic's, or a word alert."""
    request = await settings_request(update, context)
    if request is None:
        return
    phrase = quoted(request.argument)
    if phrase is not None:
        await _add_alert(update, context, request, phrase)
        return
    lexicon = context.bot_data.lexicon
    topic = lexicon.find(request.argument) if request.argument else None
    if request.argument and topic is None:
        unknown = _unknown_topic(request.argument, lexicon, request.tr, offer_alert=True)
        await reply(update, [unknown])
        return
    await _subscribe_to(update, context, request, topic)


async def _subscribe_to(
    update: Update, context: Context, request: SettingsRequest, topic: Topic | None
) -> None:
    chat, tr = request.chat, request.tr
    key = topic.command if topic else EVERYTHING
    if topic is not None and threads_wanted(chat, request.thread_id):
        added = await subscribe_in_own_thread(context, chat, key, topic.label(tr.language))
    else:
        added = await context.bot_data.store.chats.subscribe(
            chat.id, key, time.time(), thread_id=request.thread_id
        )
    if not added:
        await reply(update, [tr.say("ALREADY_SUBSCRIBED")])
    elif topic is None:
        await reply(update, [tr.say("SUBSCRIBED_ALL")])
    else:
        label = render.escape(topic.label(tr.language))
        await reply(update, [tr.say("SUBSCRIBED_TOPIC", label=label)])


async def _add_alert(
    update: Update, context: Context, request: SettingsRequest, phrase: str
) -> None:
    tr, bot_data = request.tr, context.bot_data
    try:
        terms = alert_terms(Analyzer(bot_data.lexicon), phrase)
    except AlertPhraseError:
        await reply(update, [tr.say("ALERT_USAGE")])
        return
    added = await bot_data.store.chats.add_alert(
        request.chat.id, phrase, terms, time.time(),
        limit=bot_data.max_alerts, thread_id=request.thread_id,
    )  # fmt: skip
    shown = render.escape(phrase)
    if added is AlertAdded.FULL:
        await reply(update, [tr.say("ALERTS_FULL", limit=bot_data.max_alerts)])
    elif added is AlertAdded.ALREADY:
        await reply(update, [tr.say("ALERT_ALREADY", phrase=shown)])
    else:
        await reply(update, [tr.say("ALERT_ADDED", phrase=shown)])


async def unsubscribe(update: Update, context: Context) -> None:
    """Remove one topic's subscription or alert, or all of the thread's subscriptions."""
    request = await settings_request(update, context)
    if request is None:
        return
    chat, tr, argument = request.chat, request.tr, request.argument
    if not argument:
        count = await _unsubscribe_all(context, chat, request.thread_id)
        await reply(update, [tr.say("UNSUBSCRIBED_ALL", count=count)])
        return
    phrase = quoted(argument)
    topic = context.bot_data.lexicon.find(argument) if phrase is None else None
    if topic is not None:
        if await _unsubscribe_topic(context, chat, request.thread_id, topic.command):
            label = render.escape(topic.label(tr.language))
            await reply(update, [tr.say("UNSUBSCRIBED_TOPIC", label=label)])
        else:
            await reply(update, [tr.say("NOT_SUBSCRIBED")])
        return
    # Not a topic: an alert's word, in quotes or not.
    removed = await _remove_alert(context, request, argument if phrase is None else phrase)
    if removed is not None:
        await reply(update, [tr.say("ALERT_REMOVED", phrase=render.escape(removed))])
    elif phrase is not None:
        await reply(update, [tr.say("NOT_SUBSCRIBED")])
    else:
        lexicon = context.bot_data.lexicon
        await reply(update, [_unknown_topic(argument, lexicon, tr, offer_alert=False)])


async def _unsubscribe_all(context: Context, chat: ChatInfo, thread_id: int) -> int:
    """Remove the thread's subscriptions and alerts; a private chat's reader means all of
    theirs, in every thread."""
    chats = context.bot_data.store.chats
    threads = {thread_id}
    if chat.type == ChatType.PRIVATE:
        threads |= {thread for thread, _ in await chats.subscribed_threads(chat.id)}
        threads |= {alert.thread_id for alert in await chats.alerts(chat.id, thread_id=None)}
    return sum([await chats.unsubscribe(chat.id, None, thread_id=thread) for thread in threads])


async def _unsubscribe_topic(context: Context, chat: ChatInfo, thread_id: int, topic: str) -> int:
    """Remove the topic from this thread; a private chat's reader means it wherever it is."""
    chats = context.bot_data.store.chats
    removed = await chats.unsubscribe(chat.id, topic, thread_id=thread_id)
    if removed or chat.type != ChatType.PRIVATE:
        return removed
    for thread, subscribed in await chats.subscribed_threads(chat.id):
        if subscribed == topic:
            removed += await chats.unsubscribe(chat.id, topic, thread_id=thread)
    return removed


async def _remove_alert(context: Context, request: SettingsRequest, phrase: str) -> str | None:
    """Remove the thread's alert on ``phrase`` in any of its forms; the phrase as the alert
    had it, or None when the thread has no such alert."""
    chats = context.bot_data.store.chats
    analyzer = Analyzer(context.bot_data.lexicon)
    try:
        wanted = alert_terms(analyzer, phrase)
    except AlertPhraseError:
        return None
    # A private chat's reader means their alert wherever it is; elsewhere, this thread's.
    private = request.chat.type == ChatType.PRIVATE
    thread_id = None if private else request.thread_id
    for alert in await chats.alerts(request.chat.id, thread_id=thread_id):
        if alert_terms(analyzer, alert.phrase) == wanted:
            await chats.remove_alert(request.chat.id, alert.id)
            return alert.phrase
    return None


async def subscriptions(update: Update, context: Context) -> None:
    """List the thread's subscriptions and alerts, each with a button that removes it."""
    chat = update.effective_chat
    if chat is not None:
        text, keyboard = await _listing(chat.id, context)
        await reply(update, [text], keyboard)


async def remove_button(update: Update, context: Context) -> None:
    """Remove the subscription or alert whose button was pressed, and list them again."""
    press = decoded_press(update)
    chat = update.effective_chat
    if press is None or chat is None:
        return
    query, callback = press
    if callback.action is Action.UNSUBSCRIBE and not 0 <= callback.article_id <= MAX_THREAD_ID:
        await answer_stale(query, context, context.texts)  # a thread no chat can have: forged
        return
    if not await may_change_settings(update, context):
        await answer_press(query, context, context.texts.say("GROUP_ADMINS_ONLY"), alert=True)
        return
    chats = context.bot_data.store.chats
    if callback.action is Action.REMOVE_ALERT:
        await chats.remove_alert(chat.id, callback.article_id)
    else:
        await chats.unsubscribe(chat.id, callback.arg, thread_id=callback.article_id)
    await answer_press(query, context)
    text, keyboard = await _listing(chat.id, context)
    await show_in_place(query, context, [text], keyboard)


async def _listing(chat_id: int, context: Context) -> tuple[str, InlineKeyboardMarkup | None]:
    """The thread's subscriptions, as buttons that remove them; a private chat's reader sees
    the subscriptions of all their threads."""
    chats, tr, thread_id = context.bot_data.store.chats, context.texts, context.thread_id
    if context.chat is not None and context.chat.type == ChatType.PRIVATE:
        topics = await chats.subscribed_threads(chat_id)
        alerts = await chats.alerts(chat_id, thread_id=None)
    else:
        topics = [
            (thread_id, topic) for topic in await chats.subscriptions(chat_id, thread_id=thread_id)
        ]
        alerts = await chats.alerts(chat_id, thread_id=thread_id)
    if not topics and not alerts:
        return tr.say("SUBSCRIPTIONS_NONE"), None
    lexicon = context.bot_data.lexicon
    rows = [
        [
            InlineKeyboardButton(
                f"✖ {_label(lexicon, topic, tr)}",
                callback_data=encode(Action.UNSUBSCRIBE, thread, topic),
            )
        ]
        for thread, topic in topics
    ]
    rows += [
        [
            InlineKeyboardButton(
                f"✖ 🔔 {alert.phrase}", callback_data=encode(Action.REMOVE_ALERT, alert.id)
            )
        ]
        for alert in alerts
    ]
    return tr.say("SUBSCRIPTIONS_TITLE"), InlineKeyboardMarkup(rows)


def _label(lexicon: Lexicon, topic: str, tr: Texts) -> str:
    if topic == EVERYTHING:
        return tr.say("SUBSCRIPTION_ALL_LABEL")
    known = lexicon.get(topic)
    return known.label(tr.language) if known else topic


def _unknown_topic(argument: str, lexicon: Lexicon, tr: Texts, *, offer_alert: bool) -> str:
    """The closest topics to a name that is none; and, to subscribe, the alert it could be."""
    closest = lexicon.closest(argument, lexicon.topics, _SUGGESTIONS)
    shown = render.escape(argument[:64])
    unknown = tr.say(
        "UNKNOWN_TOPIC", topic=shown, commands=render.commands_line(closest, tr.language)
    )
    return f"{unknown}\n{tr.say('ALERT_HINT', phrase=shown)}" if offer_alert else unknown


def _buttons() -> Handlers:
    return [
        CallbackQueryHandler(remove_button, pattern=pattern(Action.UNSUBSCRIBE)),
        CallbackQueryHandler(remove_button, pattern=pattern(Action.REMOVE_ALERT)),
    ]


CAPABILITY = Capability(
    "subscriptions",
    commands=(
        Command("subscribe", subscribe, Audience.CHAT_ADMINS),
        Command("unsubscribe", unsubscribe, Audience.CHAT_ADMINS),
        Command("subscriptions", subscriptions),
    ),
    handlers=_buttons,
)
