"""The curated part of the world lexicon: every entry has the shape the generator expects."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from typing import Any

import pycountry
import pytest

from content.arabic import normalise, tokens
from content.gazetteer.build import curated_text

ROWS: dict[str, dict[str, Any]] = tomllib.loads(curated_text())["countries"]
KEYS = {"command", "aliases", "label_ar", "label_en", "cities", "nisba", "names", "english"}
KEYS |= {"drop", "kind"}
ARABIC_WORD = re.compile(r"^[\u0621-\u064a\u064b-\u0652\u0670]+$")
OBSERVERS = {"PS", "VA"}
# ISO 3166 codes that are not UN members or observers (dependent territories and the like).
_NOT_MEMBERS = """AW AI AX AS AQ TF BQ BL BM BV CC CK CW CX KY EH FK FO GF GG GI GL GP GU HK HM
    IM IO JE MF MO MP MQ MS NC NF NU PF PM PN PR RE SH SJ SX TC TK TW UM VG VI WF YT PS VA GS"""
NOT_MEMBERS = set(_NOT_MEMBERS.split())


def test_every_un_member_and_observer_has_a_line() -> None:
    members = {c.alpha_2 for c in pycountry.countries} - NOT_MEMBERS
    assert len(members) == 193
    assert members | OBSERVERS <= set(ROWS)


@pytest.mark.parametrize("code", sorted(ROWS))
def test_country_line_has_the_right_shape(code: str) -> None:
    row = ROWS[code]
    assert set(row) <= KEYS
    for key in ("command", *row.get("aliases", [])):
        value = row.get(key, "x") if key == "command" else key
        assert re.fullmatch(r"[a-z0-9_]{1,32}", value)
    for city in row.get("cities", []) + row.get("names", []):
        assert 1 <= len(city.split()) <= 5
        assert all(ARABIC_WORD.match(word) for word in city.split()), city
    for nisba in row.get("nisba", []):
        assert all(word.endswith("ي") for word in nisba.split()), nisba
    for word in row.get("english", []):
        assert word == word.lower(), word
        assert word.isascii(), word
    assert row.get("kind", "territory") == "territory"


def test_no_city_stands_for_two_countries() -> None:
    owners = Counter(
        key
        for row in ROWS.values()
        for key in {normalise(" ".join(tokens(city))) for city in row.get("cities", [])}
    )
    assert [city for city, count in owners.items() if count > 1] == []
