"""The fake server's copy of Telegram's rules: it must refuse what Telegram refuses."""

from __future__ import annotations

import pytest

from tests.support.telegram_rules import html_problems, problems_of, utf16_length


@pytest.mark.parametrize(
    "text",
    ["a < b", "AT&T", "<b>bold", "<b><i>x</b></i>", "<script>x</script>", "</b>", "a > b",
     '<a hrf="x">x</a>', "&nbsp;"],
)  # fmt: skip
def test_html_telegram_refuses_is_flagged(text: str) -> None:
    assert html_problems(text)[0]


@pytest.mark.parametrize(
    "text",
    ["<b>a</b> &lt;b&gt; &amp; &quot; &#1575;", '<a href="https://x.y/?a=1&amp;b=2">x</a>',
     '<span class="tg-spoiler">s</span>', "<blockquote expandable>q</blockquote>", "إيران"],
)  # fmt: skip
def test_html_telegram_takes_passes(text: str) -> None:
    assert html_problems(text)[0] == []


def test_length_is_counted_in_utf16_units_after_entities() -> None:
    assert utf16_length("😀") == 2
    fits = {"text": "<b>" + "&amp;" * 4096 + "</b>", "parse_mode": "HTML"}
    assert problems_of("sendMessage", fits) == []
    assert problems_of("sendMessage", {"text": "😀" * 2049})
    assert problems_of("sendMessage", {"text": "  "})


def test_keyboards_results_and_commands_are_bounded() -> None:
    def keyboard(count: int, data: str = "sum:1:") -> dict[str, object]:
        row = [{"text": "x", "callback_data": data}] * count
        return {"text": "x", "reply_markup": {"inline_keyboard": [row]}}

    assert problems_of("sendMessage", keyboard(100)) == []
    assert problems_of("sendMessage", keyboard(101))
    assert problems_of("sendMessage", keyboard(1, "ب" * 33))  # 66 bytes
    assert problems_of("sendMessage", keyboard(1, ""))
    results = [{"id": str(n), "input_message_content": {"message_text": "x"}} for n in range(51)]
    assert problems_of("answerInlineQuery", {"results": results[:50]}) == []
    assert problems_of("answerInlineQuery", {"results": results})
    assert problems_of("answerInlineQuery", {"results": [results[0], results[0]]})
    assert problems_of("setMyCommands", {"commands": [{"command": "Iran", "description": "x"}]})
