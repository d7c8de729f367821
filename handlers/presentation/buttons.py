"""Callback data for inline buttons: ids, never text, within Telegram's 64 bytes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

CALLBACK_DATA_LIMIT = 64


class Action(StrEnum):
    """What a button asks for."""

    SUMMARY = "sum"
    SECTIONS = "secs"
    SECTION = "sec"
    TOPICS = "tops"
    TOPIC = "top"
    UNSUBSCRIBE = "unsub"  # the number is the thread, the argument the topic
    REMOVE_ALERT = "unalert"  # the number is the alert
    CHANNEL_POST = "chpost"
    CHANNEL_DIGEST = "chdig"
    BROADCAST = "bcast"
    CANCEL = "cancel"
    LANGUAGE = "lang"
    ARTICLE = "art"
    PUBLISH = "pub"  # the argument is the held upload's token
    DISCARD = "drop"
    WITHDRAW = "wd"  # the number is the article
    REMOVE_FEED = "unfeed"  # the argument is the feed link's short hash


_DATA = re.compile(
    r"(?P<action>[a-z]+):(?P<number>-?[0-9]{1,19}):(?P<arg>[a-z0-9_]{0,32})", re.ASCII
)
# SQLite's integers are 64-bit: a forged id beyond them must read as no id, not overflow.
_LARGEST_ID = 2**63 - 1


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button press: the action, the id it is about, and its argument.

    The id is an article's for reading buttons, a chat's for a channel's settings, a
    thread's or an alert's for a subscription's.
    """

    action: Action
    article_id: int
    arg: str = ""


def encode(action: Action, number: int, arg: str | int = "") -> str:
    """Callback data for a button; ``arg`` is a section number or a topic command."""
    data = f"{action}:{number}:{arg}"
    if len(data.encode()) > CALLBACK_DATA_LIMIT or not _DATA.fullmatch(data):
        raise ValueError(f"callback data {data!r} is not valid")
    return data


def decode(data: str | None) -> Callback | None:
    """The button press ``data`` stands for, or None when it is not one of ours."""
    match = _DATA.fullmatch(data or "")
    if not match:
        return None
    try:
        action = Action(match["action"])
    except ValueError:
        return None
    number = int(match["number"])
    if abs(number) > _LARGEST_ID:
        return None
    return Callback(action, number, match["arg"])


def small_number(text: str, digits: int) -> int | None:
    """``text`` as a count of at most ``digits`` ASCII digits, or None.

    ``str.isdigit`` also takes ² and ①, which ``int`` refuses: forged data may hold either.
    """
    if 0 < len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def pattern(action: Action) -> Callable[[object], bool]:
    """What a CallbackQueryHandler picks: well-formed presses of this action only.

    Anything else (forged, malformed, an id past 64 bits) falls through to the fallback,
    which answers it, so no press is left with a spinning button.
    """

    def matches(data: object) -> bool:
        callback = decode(data) if isinstance(data, str) else None
        return callback is not None and callback.action is action

    return matches
