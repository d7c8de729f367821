"""Database URLs: the secrets a libpq URL can carry, and the URL with them blanked.

A password can stand in the user part (``user:pw@host``), in the query (``?password=pw``),
percent-encoded or not, and a URL that is not PostgreSQL's at all (``mysql://user:pw@…``) can
carry one too. Every message and log line that names a database goes through here.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

BLANK = "***"
# user:password@ in any scheme's URL, read without trusting the rest of it to parse.
_USERINFO = re.compile(r"^(?P<scheme>[^:/?#]+://)(?P<user>[^:@/?#]*):(?P<password>[^/?#]*)@")
_QUERY_SECRET = re.compile(
    r"(?P<key>(?:^|[?&;])(?:ssl)?password=)(?P<value>[^&;#]*)", re.IGNORECASE
)


def url_secrets(url: str) -> list[str]:
    """Every form in which ``url``'s secrets could be printed: raw and percent-decoded."""
    found: list[str] = []
    userinfo = _USERINFO.match(url)
    if userinfo and userinfo["password"]:
        found.append(userinfo["password"])
    query = urlsplit(url).query if "://" in url else ""
    found += [match["value"] for match in _QUERY_SECRET.finditer("?" + query)]
    found += [unquote(secret) for secret in found]
    return sorted({secret for secret in found if secret}, key=len, reverse=True)


def redact_url(url: str) -> str:
    """``url`` with every password blanked, in the user part and in the query."""
    blanked = _USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{BLANK}@", url, count=1)
    return _QUERY_SECRET.sub(lambda m: f"{m['key']}{BLANK}", blanked)


def redact_text(text: str, url: str) -> str:
    """``text`` (an error message) with every secret of ``url`` blanked wherever it stands."""
    for secret in url_secrets(url):
        text = text.replace(secret, BLANK)
    return text
