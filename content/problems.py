"""Why an article file is refused, as a key and its values: said in English here (logs, the
command line), and in a reader's language by the bot (handlers/presentation/locales, under
``PARSE_<key>``), so an Arabic-speaking editor reads why in Arabic."""

from __future__ import annotations

ENGLISH = {
    "empty": "the file is empty: write the article's text in it",
    "binary": "the file is binary, not text (NUL byte)",
    "encoding": (
        "the file is not UTF-8 text (byte 0x{byte}), nor an Arabic encoding that can be told"
        " for sure; save it as UTF-8 (in most editors: Save as → Encoding: UTF-8)"
    ),
    "front_matter_open": (
        "the front matter that starts here is never closed: end it with a line of ---"
    ),
    "front_matter_yaml": "the front matter is not valid YAML ({detail})",
    "front_matter_shape": "the front matter must be `key: value` lines",
    "summary_no_bullets": (
        "the summary heading «{heading}» has no bullets after it: add them, one a line"
        " starting with -, or remove the heading for an automatic summary"
    ),
    "summary_first": "the article has no body before its summary: write the article first",
    "summary_empty": "the summary has no bullets",
    "title_only": "the article has a title but no paragraphs: add its text",
    "summary_only": "the article has a summary but no paragraphs: add its text",
    "heading_empty": (
        "the heading «{heading}» has no paragraphs under it: write its paragraphs, or end the"
        " line with a full stop if it is a paragraph"
    ),
}


def english(key: str, values: dict[str, object]) -> str:
    """The English sentence for problem ``key``."""
    return ENGLISH[key].format(**values)
