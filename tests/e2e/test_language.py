"""Two languages: a complete catalogue, bidi isolates, and each reader served in theirs."""

from __future__ import annotations

import asyncio
import html
import re
import string
import unicodedata
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.capabilities import RESERVED_COMMANDS
from handlers.presentation import render
from handlers.presentation.bidi import FSI, PDI, isolate
from handlers.presentation.texts import LANGUAGES, catalogue, language_of_user, texts_for
from tests.support.fake_bot_api import Call, Chat, FakeBotApi, User
from tests.support.harness import ROOT

AR, EN = texts_for("ar"), texts_for("en")
KEY_USE = re.compile(r"""\.say\(\s*["']([A-Z_]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_every_key_with_the_same_placeholders() -> None:
    entries = catalogue()
    keys = {language: set(entries[language]) for language in LANGUAGES}
    assert keys["ar"] == keys["en"], keys["ar"] ^ keys["en"]
    for key in keys["ar"]:
        assert placeholders(entries["ar"][key]) == placeholders(entries["en"][key]), key


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    used = {
        key
        for folder in ("handlers", "bot")
        for path in (ROOT / folder).rglob("*.py")
        for key in KEY_USE.findall(path.read_text(encoding="utf-8"))
    }
    assert used
    assert used <= set(catalogue()["ar"]), used - set(catalogue()["ar"])
    for name in RESERVED_COMMANDS:  # every registered command has its line in each language
        assert AR.say(f"COMMAND_{name.upper()}")
        assert EN.say(f"COMMAND_{name.upper()}")


def test_html_in_the_catalogue_is_balanced() -> None:
    for language in LANGUAGES:
        for key, text in catalogue()[language].items():
            assert balanced(text), (language, key)


@pytest.mark.parametrize(
    ("code", "language"), [("ar", "ar"), ("ar-EG", "ar"), ("en", "en"), ("fr", "en"), (None, "en")]
)
def test_the_users_telegram_language_picks_ours(code: str | None, language: str) -> None:
    assert language_of_user(code) == language


def test_latin_runs_in_arabic_lines_are_isolated() -> None:
    line = AR.say("DIGEST_SET", time="08:30", zone="Asia/Riyadh")
    assert f"{FSI}08:30{PDI}" in line
    assert f"{FSI}Asia/Riyadh{PDI}" in line
    assert first_strong(line) == "R"


def test_arabic_runs_in_english_lines_are_isolated() -> None:
    line = EN.say("TOPIC_ABSENT", title="قمة بوتين", label="Egypt")
    assert f"{FSI}قمة بوتين{PDI}" in line
    assert first_strong(line) == "L"


def test_isolates_never_touch_tags_or_entities() -> None:
    line = isolate('<a href="https://t.me/x?a=1&amp;b=2">رابط</a> &amp; UTC', rtl=True)
    assert line == f'<a href="https://t.me/x?a=1&amp;b=2">رابط</a> &amp; {FSI}UTC{PDI}'


def test_arabic_start_reads_right_to_left_from_its_first_line() -> None:
    first_line = AR.say("START").splitlines()[0]
    assert first_strong(first_line) == "R"


def first_strong(text: str) -> str:
    """L or R: the first strong character outside isolates, as the bidi algorithm reads it."""
    depth = 0
    for char in html.unescape(re.sub(r"<[^>]+>", "", text)):
        if char == FSI:
            depth += 1
        elif char == PDI:
            depth -= 1
        elif depth == 0 and unicodedata.bidirectional(char) in {"L", "R", "AL"}:
            return "L" if unicodedata.bidirectional(char) == "L" else "R"
    return ""


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: object) -> None:  # noqa: ARG002 - HTMLParser's
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def balanced(fragment: str) -> bool:
    """Every tag closed, in order, and no stray < or & (Telegram refuses both)."""
    parser = _Balance()
    parser.feed(fragment)
    parser.close()
    bare = re.sub(r"<[^>]+>|&(?:lt|gt|amp|quot|#\d+);", "", fragment)
    return parser.ok and not parser.stack and "<" not in bare and "&" not in bare


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.text(alphabet=st.sampled_from(list("ab ك.؛؟!«»<>&😀\n")), max_size=6000),
        min_size=1,
        max_size=5,
    )
)
def test_any_reply_splits_into_valid_chunks_that_join_back(paragraphs: list[str]) -> None:
    blocks = [f"<b>{render.escape(p[:40])}</b>" for p in paragraphs]
    blocks += [block for text in paragraphs for block in render.paragraph_blocks(text)]
    chunks = render.pack(blocks)
    assert all(render.visible_length(chunk) <= render.MESSAGE_LIMIT for chunk in chunks)
    assert all(balanced(chunk) for chunk in chunks)
    shown = "".join(html.unescape(re.sub(r"<[^>]+>", "", chunk)) for chunk in chunks)
    expected = "".join(p[:40] for p in paragraphs) + "".join(paragraphs)
    assert re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", expected)


def test_a_long_paragraph_is_cut_after_an_arabic_semicolon_or_question_mark() -> None:
    paragraph = ("جملة طويلة تنتهي بفاصلة منقوطة؛ " * 150) + ("وسؤال؟ " * 150)
    blocks = render.paragraph_blocks(paragraph.strip())
    assert len(blocks) > 1
    assert all(block.rstrip().endswith(("؛", "؟")) for block in blocks[:-1])


# --- end to end -----------------------------------------------------------------------------


async def play(api: FakeBotApi, user: User) -> dict[str, list[Call]]:
    """/start, /sections, ▶ ▶ ◀ on the sections, a topic, then /lang to the other language."""
    chat = Chat(user.id)
    seen: dict[str, list[Call]] = {}

    async def ask(text: str) -> Call:
        before = len(api.calls_to("sendMessage", chat.id))
        await api.send_text(chat, user, text)
        return (await api.wait_for_calls("sendMessage", chat.id, before + 1))[before]

    async def press(call: Call, data: str, edits: int) -> Call:
        await api.press(user, call.result, data)
        return (await api.wait_for_calls("editMessageText", chat.id, edits))[-1]

    seen["start"] = [await ask("/start")]
    listing = await ask("/sections")
    first = await press(listing, listing.buttons()[0]["callback_data"], 1)
    second = await press(first, nav(first, ("Next", "التالي")), 2)
    third = await press(second, nav(second, ("Next", "التالي")), 3)
    back = await press(third, nav(third, ("Previous", "السابق")), 4)
    seen["navigation"] = [first, second, third, back]
    seen["topic"] = [await ask("/china")]
    choose = await ask("/lang")
    other = [b for b in choose.buttons() if b["callback_data"] != f"lang:0:{user.language_code}"]
    seen["lang"] = [await press(choose, other[0]["callback_data"], 5)]
    seen["after"] = [await ask("/start")]
    return seen


def nav(call: Call, words: tuple[str, ...]) -> str:
    return str(
        next(b["callback_data"] for b in call.buttons() if any(w in b["text"] for w in words))
    )


@pytest.mark.usefixtures("bot")
@pytest.mark.parametrize("code", ["ar", "en"])
async def test_each_reader_is_answered_in_their_language(api: FakeBotApi, code: str) -> None:
    tr, switched = (AR, EN) if code == "ar" else (EN, AR)
    seen = await play(api, User(700 if code == "ar" else 701, language_code=code))
    assert tr.say("START") in seen["start"][0].text
    assert seen["start"][0].buttons()[0]["text"] == tr.say("BUTTON_SUMMARY")
    first, second, third, back = seen["navigation"]
    message_ids = {call.params["message_id"] for call in seen["navigation"]}
    assert len(message_ids) == 1  # navigation edits one message, never sends new ones
    assert tr.say("SECTION_POSITION", number=2, count=5) in second.text
    assert tr.say("SECTION_POSITION", number=3, count=5) in third.text
    assert back.text == second.text
    assert tr.say("LEAD_HEADING") in first.text
    topic = seen["topic"][0]
    labels = [b["text"] for b in topic.buttons()]
    assert texts_for(code).say("BUTTON_SUMMARY") in labels  # and the other topics
    assert ("الهند" if code == "ar" else "India") in labels
    assert switched.say("LANG_SET") == seen["lang"][0].text
    assert switched.say("START") in seen["after"][0].text


@pytest.mark.usefixtures("bot")
async def test_the_same_language_chosen_twice_is_answered_quietly(
    api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    """Two administrators pick English on one prompt: the second edit would change nothing."""
    first, second = User(731, language_code="en"), User(732, language_code="en")
    group = Chat(-100731, "supergroup", "Desk")
    api.admins[group.id] = {first.id, second.id}
    await api.send_text(group, first, "/lang")
    (prompt,) = await api.wait_for_calls("sendMessage", group.id, 1)
    for user in (first, second):
        await api.press(user, prompt.result, "lang:0:en")
    await api.wait_for(lambda _: len(api.calls_to("answerCallbackQuery")) == 2)
    await api.wait_for(lambda _: len(api.calls_to("editMessageText")) == 2)
    await asyncio.sleep(0.3)  # time enough for an error to be logged, were one coming
    assert [r for r in caplog.records if r.levelname == "ERROR"] == []
    assert api.calls_to("sendMessage", group.id) == [prompt]  # no apology
