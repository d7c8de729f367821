"""Telegram's rules for what a bot may send, as the fake Bot API server enforces them.

Each check returns what is wrong with a request (empty when nothing is), so the fake server
can refuse it with a 400 as Telegram would and the tests can say which rule was broken.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

MESSAGE_LIMIT = 4096  # UTF-16 code units, after entity parsing
CALLBACK_ANSWER_LIMIT = 200
CALLBACK_DATA_LIMIT = 64  # bytes
INLINE_RESULTS_LIMIT = 50
INLINE_OFFSET_LIMIT = 64  # bytes
KEYBOARD_LIMIT = 100
COMMANDS_LIMIT = 100

# The tags Telegram's HTML parse mode knows, and the attributes each may carry.
_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(), "strong": frozenset(), "i": frozenset(), "em": frozenset(),
    "u": frozenset(), "ins": frozenset(), "s": frozenset(), "strike": frozenset(),
    "del": frozenset(), "tg-spoiler": frozenset(), "span": frozenset({"class"}),
    "a": frozenset({"href"}), "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}), "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-z][a-z-]*)((?:\s+[a-z-]+(?:=\"[^\"<>]*\"|='[^'<>]*')?)*)\s*>")
_ATTRIBUTE = re.compile(r"([a-z-]+)(?:=(?:\"[^\"]*\"|'[^']*'))?")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def utf16_length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def html_problems(text: str) -> tuple[list[str], str]:
    """What Telegram's HTML parser would refuse in ``text``, and the text a reader sees."""
    problems: list[str] = []
    visible: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            position = _read_tag(text, position, open_tags, problems)
        elif char == "&":
            entity = _ENTITY.match(text, position)
            if entity is None:
                problems.append(f"a bare '&' at {position}")
                position += 1
                continue
            visible.append(html.unescape(entity.group()))
            position = entity.end()
        elif char == ">":
            problems.append(f"a bare '>' at {position}")
            position += 1
        else:
            visible.append(char)
            position += 1
    problems.extend(f"<{tag}> is never closed" for tag in open_tags)
    return problems, "".join(visible)


def _read_tag(text: str, position: int, open_tags: list[str], problems: list[str]) -> int:
    """Read the tag at ``position``; return where the text goes on."""
    tag = _TAG.match(text, position)
    if tag is None:
        problems.append(f"a bare '<' at {position}")
        return position + 1
    closing, name, attributes = tag.group(1), tag.group(2), tag.group(3)
    if name not in _TAGS:
        problems.append(f"unsupported tag <{name}>")
    elif closing:
        if not open_tags or open_tags[-1] != name:
            problems.append(f"</{name}> closes nothing open")
        else:
            open_tags.pop()
    else:
        unknown = {m.group(1) for m in _ATTRIBUTE.finditer(attributes)} - _TAGS[name]
        problems.extend(f"<{name}> has no attribute {key!r}" for key in sorted(unknown))
        open_tags.append(name)
    return tag.end()


def text_problems(params: dict[str, Any], field: str = "text") -> list[str]:
    """What is wrong with a message's text: empty, too long, or HTML Telegram refuses."""
    text = str(params.get(field, "") or "")
    if params.get("parse_mode") == "HTML":
        problems, visible = html_problems(text)
    else:
        problems, visible = [], text
    if not visible.strip():
        problems.append("the text is empty")
    if utf16_length(visible) > MESSAGE_LIMIT:
        problems.append(f"the text is {utf16_length(visible)} UTF-16 units long")
    return problems


def keyboard_problems(params: dict[str, Any]) -> list[str]:
    """What is wrong with an inline keyboard: too many buttons, data too long, no label."""
    markup = params.get("reply_markup") or {}
    buttons = [button for row in markup.get("inline_keyboard", []) for button in row]
    problems = [f"{len(buttons)} buttons"] if len(buttons) > KEYBOARD_LIMIT else []
    for button in buttons:
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
            problems.append(f"callback data {data!r} is {len(str(data).encode())} bytes")
        if not str(button.get("text", "")).strip():
            problems.append("a button has no label")
    return problems


def message_problems(params: dict[str, Any]) -> list[str]:
    """Every rule a sendMessage or editMessageText request breaks."""
    return text_problems(params) + keyboard_problems(params)


def inline_answer_problems(params: dict[str, Any]) -> list[str]:
    """Every rule an answerInlineQuery request breaks, in its results too."""
    results = list(params.get("results") or [])
    problems = [f"{len(results)} results"] if len(results) > INLINE_RESULTS_LIMIT else []
    offset = str(params.get("next_offset", "") or "")
    if len(offset.encode()) > INLINE_OFFSET_LIMIT:
        problems.append(f"next_offset {offset!r} is too long")
    ids = [str(result.get("id", "")) for result in results]
    if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
        problems.append(f"result ids {ids!r} are not unique 1-64 byte strings")
    for content in _inline_contents(results):
        problems.extend(text_problems(content, "message_text"))
    for result in results:
        problems.extend(keyboard_problems(result))
    return problems


def _inline_contents(results: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for result in results:
        content = result.get("input_message_content")
        if isinstance(content, dict):
            yield content


def callback_answer_problems(params: dict[str, Any]) -> list[str]:
    """What is wrong with an answerCallbackQuery's text."""
    text = str(params.get("text", "") or "")
    return [f"answer text is {len(text)} long"] if len(text) > CALLBACK_ANSWER_LIMIT else []


def commands_problems(params: dict[str, Any]) -> list[str]:
    """Every rule a setMyCommands request breaks."""
    commands = list(params.get("commands") or [])
    problems = [f"{len(commands)} commands"] if len(commands) > COMMANDS_LIMIT else []
    for command in commands:
        name, description = str(command.get("command", "")), str(command.get("description", ""))
        if not _COMMAND.fullmatch(name):
            problems.append(f"command name {name!r}")
        if not 1 <= len(description) <= 256:
            problems.append(f"description of /{name} is {len(description)} long")
    return problems


_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_WEBHOOK_PORTS = (443, 80, 88, 8443)


def webhook_problems(params: dict[str, Any]) -> list[str]:
    """Every rule a setWebhook request breaks: HTTPS on one of four ports, a valid secret."""
    url = urlsplit(str(params.get("url", "")))
    problems = [] if url.scheme == "https" else [f"webhook URL scheme {url.scheme!r}"]
    if (url.port or 443) not in _WEBHOOK_PORTS:
        problems.append(f"webhook port {url.port}")
    secret = params.get("secret_token")
    if secret is not None and not _WEBHOOK_SECRET.fullmatch(str(secret)):
        problems.append("webhook secret_token has characters Telegram refuses")
    if not 1 <= int(params.get("max_connections", 40)) <= 100:
        problems.append(f"max_connections {params['max_connections']}")
    return problems


CHECKS = {
    "sendMessage": message_problems,
    "editMessageText": message_problems,
    "answerInlineQuery": inline_answer_problems,
    "answerCallbackQuery": callback_answer_problems,
    "setMyCommands": commands_problems,
    "setWebhook": webhook_problems,
}


def problems_of(method: str, params: dict[str, Any]) -> list[str]:
    """Every rule of Telegram's that this request breaks."""
    check = CHECKS.get(method)
    return check(params) if check is not None else []
