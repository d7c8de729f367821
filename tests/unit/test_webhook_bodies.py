"""Webhook bodies, generated: each is an update or a MalformedUpdateError, never anything
else, and an update the bot takes is one its handlers can answer."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import Bot, Chat, Message, Update

from bot.serve.webhook import MalformedUpdateError, update_from_body
from content.models import MAX_THREAD_ID

BOT = Bot("123:fuzz")  # never asked anything: only to build objects
EDGES = [0, -1, 1, 2**31 - 1, 2**31, 2**53, 2**63 - 1, 2**63, -(2**63), 10**20, 10**400]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.sampled_from(EDGES), st.integers(), st.floats(),
    st.text(max_size=20), st.sampled_from(["NaN", "Infinity", "-Infinity"]),
)  # fmt: skip
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = ["message_id", "date", "chat", "from", "text", "message_thread_id", "is_topic_message"]


def _message(changes: dict[str, Any]) -> dict[str, Any]:
    base = {
        "message_id": 5, "date": 1_800_000_000, "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "A"}, "text": "/summary",
    }  # fmt: skip
    return {key: value for key, value in (base | changes).items() if value != "<gone>"}


BODIES = st.one_of(
    st.builds(
        lambda kind, changes, update_id: {"update_id": update_id, kind: _message(changes)},
        st.sampled_from(["message", "edited_message", "channel_post"]),
        st.dictionaries(st.sampled_from(FIELDS), st.one_of(JSON, st.just("<gone>")), max_size=3),
        st.one_of(st.sampled_from(EDGES), JSON),
    ),
    st.dictionaries(st.sampled_from(["update_id", "message", "callback_query"]), JSON),
    JSON,
)


def _encoded(body: object) -> bytes:
    text = json.dumps(body, allow_nan=True, default=str)
    return text.replace('"NaN"', "NaN").encode()  # bare NaN too, which JSON does not allow


@settings(max_examples=600, deadline=None)
@given(BODIES)
def test_a_body_is_an_answerable_update_or_refused(body: object) -> None:
    try:
        update = update_from_body(_encoded(body), BOT)
    except MalformedUpdateError:
        return
    assert isinstance(update, Update)
    message = update.effective_message
    if message is not None:
        assert isinstance(message, Message)
        assert isinstance(message.chat, Chat)
        thread = message.message_thread_id
        assert thread is None or 0 <= thread <= MAX_THREAD_ID


def test_deep_nesting_is_refused_not_a_crash() -> None:
    body = b'{"update_id": 1, "message": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    with pytest.raises(MalformedUpdateError, match="not JSON"):
        update_from_body(body, BOT)
