"""Bidi isolates, so that a line of one direction never flips on a run of the other.

Telegram lays a line out by its first strong character. An Arabic line that carries a command
name, a time or a zone (/digest 08:30, Asia/Riyadh), or an English line that quotes an Arabic
title, keeps its direction when the embedded run is wrapped in FIRST STRONG ISOLATE … POP
DIRECTIONAL ISOLATE: the run is laid out on its own and the line around it is unaffected.
Only text between HTML tags is touched, never an entity such as &amp; nor a link.
"""

from __future__ import annotations

import re

FSI = "\u2068"
PDI = "\u2069"

_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
# Markup and links are left as they are: a link broken up by isolates would stop being one.
_UNTOUCHED = re.compile(r"(<[^>]*>|&#?\w+;|https?://[^\s<]+)")
# A run of Latin words and numbers, with the punctuation that joins them (/digest 08:30,
# Asia/Riyadh, @MojazBot); it starts and ends on a letter or digit, or starts with / or @.
_LATIN_RUN = re.compile(r"[/@]?[A-Za-z0-9](?:[A-Za-z0-9_/@:.\-+]|[ ](?=[/@A-Za-z0-9]))*")
# A run of Arabic words, with the spaces and marks between them.
_ARABIC_RUN = re.compile(rf"[{_ARABIC}](?:[{_ARABIC}\u064b-\u065f]|[ ](?=[{_ARABIC}]))*")


def isolate(html_text: str, rtl: bool) -> str:
    """Wrap every run that goes against the line's direction in a bidi isolate."""
    run = _LATIN_RUN if rtl else _ARABIC_RUN
    parts = _UNTOUCHED.split(html_text)
    for index in range(0, len(parts), 2):  # the even parts are text, the odd ones untouched
        parts[index] = run.sub(lambda match: f"{FSI}{match.group()}{PDI}", parts[index])
    return "".join(parts)
