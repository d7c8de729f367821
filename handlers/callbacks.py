"""Callback data for inline buttons: ids, never text, within Telegram's 64 bytes."""

from __future__ import annotations

import re
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


_DATA = re.compile(r"(?P<action>[a-z]+):(?P<article>\d{1,18}):(?P<arg>[a-z0-9_]{0,32})")


@dataclass(frozen=True, slots=True)
class Callback:
    """A decoded button press: the action, the article it is about, and its argument."""

    action: Action
    article_id: int
    arg: str = ""


def encode(action: Action, article_id: int, arg: str | int = "") -> str:
    """Callback data for a button; ``arg`` is a section number or a topic command."""
    data = f"{action}:{article_id}:{arg}"
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
    return Callback(action, int(match["article"]), match["arg"])


def pattern(action: Action) -> str:
    """The regex a CallbackQueryHandler uses to pick this action's presses."""
    return rf"^{action}:"
