"""What every handler is given: the application's resources, and each update's context.

:class:`BotData` is per application, filled in by the composition root. :class:`Context` is
per update: the chat as the store knows it, its language and its thread, worked out once by
:func:`resolve` in a group before every other handler, as python-telegram-bot's
context-types example does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Message, Update
from telegram.ext import Application, CallbackContext, ExtBot, filters

from content.models import MAIN_THREAD, MAX_THREAD_ID, ChatInfo
from content.ports import ArticleStore
from content.topics import Lexicon
from handlers.presentation.texts import Texts, language_of_user, texts_for

# Presses are answered within seconds of arriving; a few thousand cover any burst.
ANSWERED_PRESSES_KEPT = 10_000


class BotData:
    """What handlers need from the application: the store and the topic lexicon.

    Created empty by python-telegram-bot; the composition root attaches the resources once
    they are open, so nothing is opened at import time.
    """

    def __init__(self) -> None:
        self._store: ArticleStore | None = None
        self._lexicon: Lexicon | None = None
        self.admin_ids: frozenset[int] = frozenset()
        self.default_timezone = "UTC"
        self.max_article_bytes = 1_000_000
        # Where uploaded articles are put: the seeds folder is their source of truth.
        self.seeds_folder = Path("seeds")
        # Called after something is queued, so the outbox sends it now, not at its next poll.
        self.wake_outbox: Callable[[], None] = _nothing
        # Called after a chat's digest settings change: its threads' jobs are made again.
        self.digest_changed: Callable[[int], Awaitable[None]] = _no_jobs
        self.max_alerts = 20  # word alerts a chat may have
        # (chat, user) → (is an administrator, until when that answer holds)
        self.admin_cache: dict[tuple[int, int], tuple[bool, float]] = {}
        # The presses answered lately, oldest first: Telegram takes one answer a press, so
        # the error handler apologises in the chat for a press answered already.
        self._answered: dict[str, None] = {}

    def press_answered(self, query_id: str) -> None:
        """Remember that the press ``query_id`` has had its answer."""
        self._answered[query_id] = None
        if len(self._answered) > ANSWERED_PRESSES_KEPT:
            del self._answered[next(iter(self._answered))]

    def was_answered(self, query_id: str) -> bool:
        """Whether the press ``query_id`` has had its answer."""
        return query_id in self._answered

    def attach(self, store: ArticleStore, lexicon: Lexicon) -> None:
        """Hand the open resources to the handlers."""
        self._store, self._lexicon = store, lexicon

    def use_lexicon(self, lexicon: Lexicon) -> None:
        """Answer with ``lexicon`` from the next update on (a newsroom's file changed)."""
        self._lexicon = lexicon

    @property
    def store(self) -> ArticleStore:
        """The open store; asking before start-up has opened it is a programming error."""
        if self._store is None:
            raise RuntimeError("the store is not open yet")
        return self._store

    @property
    def lexicon(self) -> Lexicon:
        """The topic lexicon."""
        if self._lexicon is None:
            raise RuntimeError("the lexicon is not loaded yet")
        return self._lexicon


def _nothing() -> None:
    """The outbox's wake-up before it runs."""


async def _no_jobs(_chat_id: int) -> None:
    """Digest jobs before the composition root schedules any."""


# Commands answer new messages only: an edited command would otherwise be answered twice.
NEW_MESSAGES = filters.UpdateType.MESSAGE

_Base = CallbackContext[ExtBot[dict[str, Any]], dict[Any, Any], dict[Any, Any], BotData]


class Context(_Base):
    """One update's context: python-telegram-bot's, and what :func:`resolve` worked out.

    ``chat`` is the chat as the store knew it when the update arrived (None: a new chat, or
    an update from no chat); ``texts`` the language to answer in; ``thread_id`` the forum
    topic or private-chat thread the update came from (MAIN_THREAD: none).
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application, chat_id, user_id)
        self.chat: ChatInfo | None = None
        self.texts: Texts = texts_for(None)
        self.thread_id = MAIN_THREAD

    def knows(self, chat: ChatInfo) -> None:
        """The chat was recorded (again) during the update: later handlers see it so."""
        self.chat = chat
        if chat.language:
            self.texts = texts_for(chat.language)


async def resolve(update: object, context: Context) -> None:
    """Work out the update's chat, language and thread once, before any handler runs."""
    if not isinstance(update, Update):
        return
    user = update.effective_user
    # The user's app language first: it stands if the store cannot be read.
    context.texts = texts_for(language_of_user(user.language_code if user else None))
    context.thread_id = thread_of(update.effective_message)
    chat = update.effective_chat
    context.chat = await context.bot_data.store.chats.get(chat.id) if chat else None
    if context.chat is not None and context.chat.language:
        context.texts = texts_for(context.chat.language)


def thread_of(message: object) -> int:
    """The forum topic (or private-chat thread) a message is in; MAIN_THREAD for none.

    A reply chain in an ordinary group has a message_thread_id too: only a topic message's
    is a thread that can be posted to. An id no thread can have (negative, past 32 bits:
    forged) is read as none, never stored.
    """
    if isinstance(message, Message) and message.is_topic_message:
        thread = message.message_thread_id
        if isinstance(thread, int) and 0 < thread <= MAX_THREAD_ID:
            return thread
    return MAIN_THREAD
