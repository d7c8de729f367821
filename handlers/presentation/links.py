"""Deep links (t.me/<bot>?start=<payload>) to an article, its summary, a section or a topic."""

from __future__ import annotations

import re
from dataclasses import dataclass

PAYLOAD_LIMIT = 64
# a12 · a12-sum · a12-s3 · a12-t-iran
_PAYLOAD = re.compile(
    r"a(?P<article>\d{1,18})(?:-(?P<what>sum|s(?P<section>\d{1,4})|t-(?P<topic>[a-z0-9_]{1,32})))?"
)


@dataclass(frozen=True, slots=True)
class Target:
    """What a deep link opens: an article, and maybe its summary, a section or a topic."""

    article_id: int
    summary: bool = False
    section: int | None = None
    topic: str | None = None

    def payload(self) -> str:
        """The start parameter for this target (≤ 64 characters of A-Z a-z 0-9 _ -)."""
        suffix = ""
        if self.summary:
            suffix = "-sum"
        elif self.section is not None:
            suffix = f"-s{self.section}"
        elif self.topic is not None:
            suffix = f"-t-{self.topic}"
        return f"a{self.article_id}{suffix}"


def parse_payload(payload: str) -> Target | None:
    """The target a start parameter names, or None when it is not one of ours."""
    match = _PAYLOAD.fullmatch(payload) if len(payload) <= PAYLOAD_LIMIT else None
    if match is None:
        return None
    section = match["section"]
    return Target(
        article_id=int(match["article"]),
        summary=match["what"] == "sum",
        section=int(section) if section is not None else None,
        topic=match["topic"],
    )


def link(bot_username: str, target: Target) -> str:
    """The t.me link that opens ``target`` in a private chat with the bot."""
    return f"https://t.me/{bot_username}?start={target.payload()}"


# A link to an article's original page: http(s) only, of a length Telegram takes in a button.
_WEB_LINK = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)
_MAX_BUTTON_URL = 2048


def is_web_link(url: str) -> bool:
    """Whether ``url`` may be a button's link to an article's original page."""
    return len(url) <= _MAX_BUTTON_URL and _WEB_LINK.fullmatch(url) is not None
