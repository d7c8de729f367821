"""Views shared by several capabilities: pure functions from what the store said to a reply.

Nothing here reads the store or talks to Telegram, so a capability that needs another's
buttons or briefing renders them from here instead of importing that capability.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content.models import (
    ArticleInfo,
    ChatInfo,
    FeedInfo,
    SectionView,
    Summary,
    TopicBriefing,
)
from content.parser import ParsedArticle
from content.topics import Topic
from handlers.presentation import links, render
from handlers.presentation.buttons import Action, encode
from handlers.presentation.texts import Texts

SECTIONS_PER_PAGE = 10
TOPICS_PER_PAGE = 12  # a page of the topic list: four rows of three
OTHER_TOPICS_SHOWN = 6  # under a briefing, the article's next topics; the rest behind "more"
_BUTTONS_PER_ROW = 3
_LABEL_MAX = 60  # characters of a title on a button


@dataclass(frozen=True, slots=True)
class Rendered:
    """A reply ready to send: its messages, and the buttons under the last one."""

    chunks: list[str]
    keyboard: InlineKeyboardMarkup | None = None


def button_label(title: str) -> str:
    """A title short enough for a button."""
    return title if len(title) <= _LABEL_MAX else title[: _LABEL_MAX - 1] + "…"


def share_button(tr: Texts, article: ArticleInfo, what: str = "") -> InlineKeyboardButton:
    """A button that opens inline mode in a chat of the user's choice, on this briefing."""
    query = f"a{article.id} {what}".strip()
    return InlineKeyboardButton(tr.say("BUTTON_SHARE"), switch_inline_query=query)


def add_to_channel_link(bot_username: str) -> str:
    """A link that opens Telegram's "add to channel" screen with the right to post asked for."""
    return f"https://t.me/{bot_username}?startchannel&admin=post_messages"


def page_buttons(
    action: Action, article_id: int, page: int, pages: int, tr: Texts
) -> list[InlineKeyboardButton]:
    """◀ and ▶ between the pages of a long list, mirrored for a right-to-left reader."""
    buttons = []
    if page > 0:
        previous = encode(action, article_id, page - 1)
        buttons.append(InlineKeyboardButton(tr.say("BUTTON_PREVIOUS"), callback_data=previous))
    if page + 1 < pages:
        following = encode(action, article_id, page + 1)
        buttons.append(InlineKeyboardButton(tr.say("BUTTON_NEXT"), callback_data=following))
    return buttons[::-1] if tr.rtl else buttons


def page_count(items: int, per_page: int) -> int:
    """How many pages ``items`` fill, one at least."""
    return max(1, -(-items // per_page))


def main_menu(article_id: int, tr: Texts) -> InlineKeyboardMarkup:
    """Buttons for the summary, the sections and the topics of an article."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.say("BUTTON_SUMMARY"), callback_data=encode(Action.SUMMARY, article_id)
                ),
                InlineKeyboardButton(
                    tr.say("BUTTON_SECTIONS"), callback_data=encode(Action.SECTIONS, article_id)
                ),
                InlineKeyboardButton(
                    tr.say("BUTTON_TOPICS"), callback_data=encode(Action.TOPICS, article_id)
                ),
            ]
        ]
    )


def start_card(article: ArticleInfo, tr: Texts) -> Rendered:
    """What the bot is, the article in hand, and buttons for its parts."""
    current = tr.say("CURRENT_ARTICLE", title=render.escape(article.title))
    return Rendered([f"{tr.say('START')}\n\n{current}"], main_menu(article.id, tr))


def summary_reply(summary: Summary, tr: Texts) -> Rendered:
    """The closing summary, with a button to share it and one to the original, if any."""
    rows = [[share_button(tr, summary.article)], *original_row(summary.article, tr)]
    return Rendered(render.summary(summary, tr), InlineKeyboardMarkup(rows))


def original_row(article: ArticleInfo, tr: Texts) -> list[list[InlineKeyboardButton]]:
    """A button to read the whole article where it was published; none without a link
    (or with one that is not http(s), which Telegram would refuse or a reader should not
    be sent to)."""
    if not links.is_web_link(article.url):
        return []
    return [[InlineKeyboardButton(tr.say("BUTTON_ORIGINAL"), url=article.url)]]


# --- sections ----------------------------------------------------------------------------


def section_list(
    article: ArticleInfo, headings: Sequence[tuple[int, str]], tr: Texts, page: int
) -> Rendered:
    """One page of the article's headings as buttons (an article may have thousands)."""
    pages = page_count(len(headings), SECTIONS_PER_PAGE)
    page = min(max(page, 0), pages - 1)
    shown = headings[page * SECTIONS_PER_PAGE : (page + 1) * SECTIONS_PER_PAGE]
    rows = [
        [
            InlineKeyboardButton(
                render.heading_for(heading, tr),
                callback_data=encode(Action.SECTION, article.id, number),
            )
        ]
        for number, heading in shown
    ]
    text = tr.say("SECTIONS_TITLE", title=render.escape(article.title))
    if pages > 1:
        text += "\n" + tr.say("LIST_PAGE", page=page + 1, pages=pages)
        rows.append(page_buttons(Action.SECTIONS, article.id, page, pages, tr))
    return Rendered([text], InlineKeyboardMarkup(rows))


def section_reply(view: SectionView, tr: Texts) -> Rendered:
    """One section, with ◀ / ▶ to its neighbours, a way back to the list, and sharing."""
    article_id = view.article.id
    row = []
    if view.previous is not None:
        row.append(
            InlineKeyboardButton(
                tr.say("BUTTON_PREVIOUS"),
                callback_data=encode(Action.SECTION, article_id, view.previous),
            )
        )
    row.append(
        InlineKeyboardButton(
            tr.say("BUTTON_BACK_TO_SECTIONS"),
            # Back to the page of the list that holds this section.
            callback_data=encode(
                Action.SECTIONS, article_id, (view.index - 1) // SECTIONS_PER_PAGE
            ),
        )
    )
    if view.next is not None:
        row.append(
            InlineKeyboardButton(
                tr.say("BUTTON_NEXT"), callback_data=encode(Action.SECTION, article_id, view.next)
            )
        )
    if tr.rtl:
        # Arabic reads right to left: "previous" belongs on the right, "next" on the left.
        row.reverse()
    share = share_button(tr, view.article, f"s{view.number}")
    return Rendered(render.section(view, tr), InlineKeyboardMarkup([row, [share]]))


# --- topics ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicFacts:
    """What a topic's reply is made of: its briefing in the article, the article's topics
    (main subjects first), and other articles on it."""

    briefing: TopicBriefing
    present: Sequence[Topic]
    earlier: Sequence[ArticleInfo]


def topic_reply(article: ArticleInfo, topic: Topic, facts: TopicFacts, tr: Texts) -> Rendered:
    """The topic's briefing, with buttons to the article's next topics and its summary."""
    others = [other for other in facts.present if other.command != topic.command]
    summary = InlineKeyboardButton(
        tr.say("BUTTON_SUMMARY"), callback_data=encode(Action.SUMMARY, article.id)
    )
    earlier = [
        [
            InlineKeyboardButton(
                f"📰 {button_label(other.title)}",
                callback_data=encode(Action.TOPIC, other.id, topic.command),
            )
        ]
        for other in facts.earlier
    ]
    rows = topic_rows(article, others[:OTHER_TOPICS_SHOWN], tr)
    if len(others) > OTHER_TOPICS_SHOWN:
        rows.append([_more_topics_button(article, len(others) - OTHER_TOPICS_SHOWN, tr)])
    share = share_button(tr, article, topic.command)
    keyboard = InlineKeyboardMarkup([*rows, [summary, share], *earlier])
    briefing = facts.briefing
    if briefing.paragraphs or briefing.bullets:
        return Rendered(render.topic(briefing, topic, tr), keyboard)
    absent = tr.say(
        "TOPIC_ABSENT",
        title=render.escape(article.title),
        label=render.escape(topic.label(tr.language)),
    )
    if not facts.present:
        return Rendered([absent])
    commands = render.commands_line(facts.present[:TOPICS_PER_PAGE], tr.language)
    return Rendered([f"{absent}\n{tr.say('TOPIC_PRESENT_LIST', commands=commands)}"], keyboard)


def name_reply(article: ArticleInfo, briefing: TopicBriefing, name: str, tr: Texts) -> Rendered:
    """The paragraphs and bullets naming a name no lexicon lists, as a topic's are shown."""
    as_topic = Topic(command="", label_ar=name, label_en=name)
    summary = InlineKeyboardButton(
        tr.say("BUTTON_SUMMARY"), callback_data=encode(Action.SUMMARY, article.id)
    )
    return Rendered(render.topic(briefing, as_topic, tr), InlineKeyboardMarkup([[summary]]))


def topic_rows(
    article: ArticleInfo, topics: Sequence[Topic], tr: Texts
) -> list[list[InlineKeyboardButton]]:
    """A button for each topic, a few to a row."""
    buttons = [
        InlineKeyboardButton(
            topic.label(tr.language), callback_data=encode(Action.TOPIC, article.id, topic.command)
        )
        for topic in topics
    ]
    return [
        buttons[start : start + _BUTTONS_PER_ROW]
        for start in range(0, len(buttons), _BUTTONS_PER_ROW)
    ]


def _more_topics_button(article: ArticleInfo, count: int, tr: Texts) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        tr.say("BUTTON_MORE_TOPICS", count=count),
        callback_data=encode(Action.TOPICS, article.id, 0),
    )


# --- channels ----------------------------------------------------------------------------


def channel_title(channel: ChatInfo) -> str:
    """The channel's title, safe for HTML."""
    return render.escape(channel.title or str(channel.id))


def channel_settings(channel: ChatInfo, posting: bool, digest_time: str, tr: Texts) -> Rendered:
    """A channel's settings as text, and as buttons that change them."""
    post_state = tr.say("ON") if posting else tr.say("OFF")
    digest_state = digest_time or tr.say("OFF")
    text = tr.say(
        "CHANNEL_SETTINGS", title=channel_title(channel), post=post_state, digest=digest_state
    )
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    tr.say("BUTTON_CHANNEL_POST", state=post_state),
                    callback_data=encode(Action.CHANNEL_POST, channel.id),
                ),
                InlineKeyboardButton(
                    tr.say("BUTTON_CHANNEL_DIGEST", state=digest_state),
                    callback_data=encode(Action.CHANNEL_DIGEST, channel.id),
                ),
            ]
        ]
    )
    return Rendered([text], keyboard)


# --- uploads -----------------------------------------------------------------------------


def upload_preview(
    parsed: ParsedArticle, topics: Sequence[Topic], token: str, tr: Texts
) -> Rendered:
    """How an uploaded file will be read, with buttons to publish it or discard it: nothing
    goes out that its editor has not seen first."""
    article = parsed.article
    esc = render.escape
    lines = [tr.say("UPLOAD_PREVIEW", title=esc(article.title))]
    for key, value in (
        ("UPLOAD_AUTHOR", article.author),
        ("UPLOAD_PUBLISHED", article.published),
        ("UPLOAD_LINK", article.url),
    ):
        if value:
            lines.append(tr.say(key, value=esc(value)))
    lines.append(tr.say("UPLOAD_LEAD", count=len(article.lead)))
    lines += [
        tr.say("UPLOAD_SECTION", heading=esc(section.heading), count=len(section.paragraphs))
        for section in article.sections
    ]
    kind = "UPLOAD_SUMMARY_AUTOMATIC" if article.automatic_summary else "UPLOAD_SUMMARY_EDITOR"
    lines.append(tr.say(kind, count=len(article.bullets)))
    lines += [f"• {esc(bullet)}" for bullet in article.bullets]
    labels = tr.join(esc(topic.label(tr.language)) for topic in topics)
    lines.append(tr.say("UPLOAD_TOPICS", labels=labels or "—"))
    notes = sorted(parsed.notes, key=lambda note: note.line)
    lines += [tr.say("UPLOAD_NOTE", line=note.line, note=esc(note.message)) for note in notes]
    buttons = [
        InlineKeyboardButton(
            tr.say("BUTTON_PUBLISH"), callback_data=encode(Action.PUBLISH, 0, token)
        ),
        InlineKeyboardButton(
            tr.say("BUTTON_DISCARD"), callback_data=encode(Action.DISCARD, 0, token)
        ),
    ]
    return Rendered(render.pack(["\n".join(lines)]), InlineKeyboardMarkup([buttons]))


# --- feeds -------------------------------------------------------------------------------


def feed_key(url: str) -> str:
    """A feed's name in a button: its link is too long for callback data."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def feed_list(feeds: Sequence[FeedInfo], tr: Texts) -> Rendered:
    """The feeds followed, how each one's polling goes, and a button to remove each."""
    if not feeds:
        return Rendered([tr.say("FEEDS_NONE")])
    esc = render.escape
    lines = [tr.say("FEEDS_TITLE", count=len(feeds))]
    rows = []
    for number, feed in enumerate(feeds, 1):
        when = (
            datetime.fromtimestamp(feed.last_success, UTC).strftime("%Y-%m-%d %H:%M")
            if feed.last_success is not None
            else tr.say("FEED_NEVER")
        )
        lines.append(
            tr.say("FEED_LINE", number=number, url=esc(feed.url), items=feed.items, when=when)
        )
        if feed.last_error:
            lines.append(tr.say("FEED_ERROR", error=esc(feed.last_error[:200])))
        label = tr.say("BUTTON_REMOVE_FEED", number=number)
        rows.append(
            [
                InlineKeyboardButton(
                    label, callback_data=encode(Action.REMOVE_FEED, 0, feed_key(feed.url))
                )
            ]
        )
    return Rendered(render.pack(["\n".join(lines)]), InlineKeyboardMarkup(rows))
