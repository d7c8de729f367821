"""What a queued delivery says: rendered when it is sent, from what the store holds then."""

from __future__ import annotations

from content.models import Delivery, DeliveryKind, Summary
from content.ports import ArticleStore
from content.topics import Lexicon
from handlers.presentation import render
from handlers.presentation.texts import Texts, texts_for
from handlers.presentation.views import Rendered, main_menu

# A supergroup's chat id is its t.me/c/ id behind this.
_SUPERGROUP_PREFIX = "-100"


async def render_delivery(
    store: ArticleStore, lexicon: Lexicon, delivery: Delivery
) -> Rendered | None:
    """The messages of ``delivery``, or None when none of its articles exists any more."""
    summaries = [
        await store.summary(article)
        for article_id in delivery.article_ids
        if (article := await store.article(article_id)) is not None
    ]
    if not summaries:
        return None
    tr = texts_for(delivery.language or None)
    if delivery.kind is DeliveryKind.DIGEST:
        return Rendered(render.digest(summaries, tr))
    return _article(summaries[0], delivery, lexicon, tr)


def _article(summary: Summary, delivery: Delivery, lexicon: Lexicon, tr: Texts) -> Rendered:
    labels = [topic.label(tr.language) for topic in lexicon.ordered(delivery.topics)]
    # Buttons answer in the chat they are pressed in; in a channel that would be every
    # subscriber's post, so channel posts carry none.
    keyboard = None if delivery.chat_type == "channel" else main_menu(summary.article.id, tr)
    return Rendered(render.new_article(summary, labels, tr, delivery.words), keyboard)


def thread_paused_note(delivery: Delivery, reason: str) -> str:
    """What a chat's administrators are told when one of its topics stopped taking posts."""
    tr = texts_for(delivery.language or None)
    name = f"#{delivery.thread_id}"
    chat = str(delivery.chat_id)
    if chat.startswith(_SUPERGROUP_PREFIX):  # a link that opens the topic, for its members
        link = f"https://t.me/c/{chat.removeprefix(_SUPERGROUP_PREFIX)}/{delivery.thread_id}"
        name = f'<a href="{link}">{name}</a>'
    return tr.say("THREAD_PAUSED", thread=name, reason=render.escape(reason))
