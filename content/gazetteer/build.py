"""Build the world lexicon (content/topics.toml) from CLDR, iso-codes and the curated file.

Sources, each of which can be left out to measure what it gives (tests/quality/eval/tagging.py):

- ``cldr``: Babel's CLDR territory names, in Arabic and English;
- ``pycountry``: iso-codes' Arabic names (common and official) through pycountry;
- ``zones``: CLDR's Arabic exemplar city of a country that has one time zone (its capital,
  most often: بيروت، الخرطوم);
- ``curated``: content/gazetteer/curated.toml — commands, aliases, capitals and main cities,
  nisba adjectives, organisations, movements, territories and every trap rule.

Needs the ``data`` extra (Babel and pycountry at the versions pyproject.toml pins, so the
output is the same on every machine). Run ``python -m content.gazetteer`` to regenerate.
"""

from __future__ import annotations

import gettext
import json
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any

import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import get_timezone, get_timezone_location

from content.arabic import normalise
from content.topics import Guard, GuardSpec, TopicSpec, merge_specs, parse_lexicon

SOURCES = frozenset({"cldr", "pycountry", "zones", "curated"})
_KIND_ORDER = ("country", "territory", "region", "organisation", "movement", "person", "other")
_CURATED = "curated.toml"
_ARABIC = re.compile(r"[\u0621-\u064a]")


@dataclass(frozen=True, slots=True)
class Country:
    """One [countries] line of the curated file, with what CLDR says of the same code."""

    code: str
    row: dict[str, Any]

    def words(self, key: str) -> list[str]:
        value = self.row.get(key, [])
        return [str(item) for item in value]


def curated_text() -> str:
    """The curated file, as shipped beside this module."""
    return resources.files("content.gazetteer").joinpath(_CURATED).read_text(encoding="utf-8")


def build_specs(sources: Iterable[str] = SOURCES) -> list[TopicSpec]:
    """Every topic of the world lexicon, from the chosen ``sources``."""
    chosen = frozenset(sources)
    unknown = chosen - SOURCES
    if unknown:
        raise ValueError(f"unknown sources: {', '.join(sorted(unknown))}")
    text = curated_text()
    countries = [Country(code, row) for code, row in tomllib.loads(text)["countries"].items()]
    specs = _without_shared_names([_country_spec(country, chosen) for country in countries])
    extra = parse_lexicon(text.encode("utf-8"), f"content/gazetteer/{_CURATED}")
    known = {spec.command for spec in specs}
    if "curated" not in chosen:  # without it, keep only the rules for the countries' names
        extra = [spec for spec in extra if spec.command in known]
    merged = [_unguarded_names(spec) for spec in merge_specs(specs, extra)]
    return sorted(merged, key=lambda spec: (_KIND_ORDER.index(spec.kind), spec.label_en.lower()))


def _country_spec(country: Country, sources: frozenset[str]) -> TopicSpec:
    code, row = country.code, country.row
    label_ar = str(row.get("label_ar") or _cldr_name("ar", code))
    label_en = str(row.get("label_en") or _cldr_name("en", code))
    for label in (label_ar, label_en):
        if "(" in label or " - " in label:
            raise ValueError(f"{code}: label {label!r} needs a curated label_ar/label_en")
    names: list[str] = []
    english: list[str] = []
    if "cldr" in sources:
        names += _parts(_cldr_name("ar", code))
        english += _parts(_cldr_name("en", code))
    if "pycountry" in sources:
        names += _pycountry_names(code)
    cities: list[str] = []
    if "zones" in sources:
        cities += _zone_city(code)
    adjectives: list[str] = []
    if "curated" in sources:
        names += country.words("names")
        cities += country.words("cities")
        english += country.words("english")
        adjectives = country.words("nisba") if "nisba" in row else _derived_nisba(label_ar)
    dropped = {normalise(name) for name in country.words("drop")}
    own = {normalise(name) for name in names}
    return TopicSpec(
        guarded=tuple(
            _city_guard(city) for city in _distinct(cities) if normalise(city) not in dropped | own
        ),
        command=str(row.get("command") or _command(label_en)),
        label_ar=label_ar,
        label_en=label_en,
        kind=str(row.get("kind", "country")),
        aliases=tuple(country.words("aliases")),
        names=_distinct(name for name in names if normalise(name) not in dropped),
        adjectives=_distinct(adjectives),
        english=_distinct(word.lower() for word in english),
        source=code,
    )


def _without_shared_names(specs: list[TopicSpec]) -> list[TopicSpec]:
    """Leave out a name two countries' sources both give (كوريا): it names neither alone."""
    owners = Counter(normalise(name) for spec in specs for name in {*spec.names, *spec.english})

    def alone(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(name for name in names if owners[normalise(name)] == 1)

    return [replace(spec, names=alone(spec.names), english=alone(spec.english)) for spec in specs]


def _unguarded_names(spec: TopicSpec) -> TopicSpec:
    """A guarded name is listed under its rule only, not also as a plain name; a name the
    curated file guards keeps that rule rather than a city's."""
    curated = {normalise(item.name) for item in spec.guarded if item.why != _CITY_WHY}
    guarded = tuple(
        item
        for item in spec.guarded
        if item.why != _CITY_WHY or normalise(item.name) not in curated
    )
    names = {normalise(item.name) for item in guarded}
    return replace(
        spec, names=tuple(n for n in spec.names if normalise(n) not in names), guarded=guarded
    )


_CITY_WHY = "a city stands for its country only where the article names the country too"


def _city_guard(city: str) -> GuardSpec:
    """A city names its country only in an article that names the country otherwise too: a
    venue (a meeting in Geneva, a court in The Hague) is not what the article is about."""
    written = (("name", city), ("confirm", True), ("why", _CITY_WHY))
    return GuardSpec(city, Guard(confirm=True), _CITY_WHY, written)


def _cldr_name(language: str, code: str) -> str:
    return str(Locale(language).territories[code])


def _parts(name: str) -> list[str]:
    """A source's name split where it joins two names: 'الكونغو - برازافيل', 'ميانمار (بورما)'."""
    pieces = re.split(r" - |[()،,]", name.replace("&", "and"))
    return [piece.strip() for piece in pieces if piece.strip()]


def _pycountry_names(code: str) -> list[str]:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return []
    arabic = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ar"])
    found = []
    for field in ("name", "official_name", "common_name"):
        value = getattr(country, field, None)
        if value:
            found += _parts(arabic.gettext(value))
    # An untranslated entry comes back in English: only Arabic names are Arabic names.
    return [name for name in found if _ARABIC.search(name)]


def _zone_city(code: str) -> list[str]:
    zones = get_global("territory_zones").get(code, [])
    if len(zones) != 1:  # a country of several zones: its zone cities are not its capital
        return []
    city = get_timezone_location(get_timezone(zones[0]), locale="ar", return_city=True)
    return _parts(str(city))


def _derived_nisba(name: str) -> list[str]:
    """The nisba of a one-word name: السودان → سوداني، فرنسا → فرنسي، ألمانيا → ألماني."""
    words = name.split()
    if len(words) != 1:
        return []
    stem = words[0].removeprefix("ال")
    if stem.endswith("ي"):
        return [stem]
    if stem.endswith("يا") and len(stem) > 4:
        return [stem[:-2] + "ي"]
    if stem.endswith(("ا", "ة")):
        return [stem[:-1] + "ي"]
    return [stem + "ي"]


def _command(english: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", english).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.lower().replace("&", "and").replace("st. ", "saint ")
    command = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")
    if not 0 < len(command) <= 32:
        raise ValueError(f"{english!r} gives no command; curate one")
    return command


def _distinct(items: Iterable[str]) -> tuple[str, ...]:
    """Items in order without repeats, two spellings that normalise alike kept once."""
    seen: set[str] = set()
    kept = []
    for item in items:
        key = normalise(item)
        if key and key not in seen:
            seen.add(key)
            kept.append(item)
    return tuple(kept)


# --- writing the lexicon file -----------------------------------------------------------------

HEADER = """\
# The world lexicon: which names name each topic. GENERATED — do not edit by hand.
# Regenerate: pip install -e '.[data]' && python -m content.gazetteer
# Sources: CLDR territory and time-zone names (Babel), iso-codes Arabic names (pycountry),
# and content/gazetteer/curated.toml (commands, cities, nisbas, organisations, movements,
# territories and every trap rule). The README says what each source gives.
#
# command     the Telegram command (/sudan); a-z, 0-9 and _, at most 32 characters
# aliases     more commands for the same topic (/uk and /britain)
# label_ar    how the bot names the topic in Arabic; label_en in English
# kind        country, territory, region, organisation, movement, person or other
# names       proper names, matched as whole words after the clitics و ف ب ل ك are stripped,
#             with the article they are written with (الخرطوم, never خرطوم "a hose"). A name
#             of several words matches only as that run; where names overlap the longest
#             wins (جنوب السودان is South Sudan, not Sudan).
# adjectives  nisba adjectives ending in ي (سوداني); each also matches with ـية ـيون ـيين
#             ـيان ـيتان ـيات and with or without the article
# english     English words for the same topic, matched the same way
# not         phrases in which a name of this topic does not name it (صلاة المغرب)
# note        why names were left out or are shadowed
# [[topic.guarded]]  a name that is also an ordinary word: it counts only where its rule
#             allows. after: the word before is one of these; beside_place: or a neighbour
#             names another place; not_after / not_before: never next to these (#number: a
#             numeral); confirm: only in an article that names the topic otherwise too.
"""
_TOPIC_KEYS = ("command", "aliases", "label_ar", "label_en", "kind", "names", "adjectives")
_LIST_KEYS = ("english", "not", "refers_back")


def render_lexicon(specs: Sequence[TopicSpec]) -> str:
    """The lexicon file for ``specs``, in content/topics.toml's format."""
    blocks = [HEADER.rstrip("\n"), *(_render_topic(spec) for spec in specs)]
    return "\n\n".join(blocks) + "\n"


def _render_topic(spec: TopicSpec) -> str:
    values: dict[str, object] = {
        "command": spec.command,
        "aliases": list(spec.aliases),
        "label_ar": spec.label_ar,
        "label_en": spec.label_en,
        "kind": spec.kind,
        "names": list(spec.names),
        "adjectives": list(spec.adjectives),
        "english": list(spec.english),
        "not": list(spec.shadows),
        "refers_back": list(spec.short_forms),
    }
    lines = ["[[topic]]"]
    for key in (*_TOPIC_KEYS, *_LIST_KEYS):
        value = values[key]
        if value or key in ("names", "adjectives"):
            lines.append(f"{key} = {_toml(value)}")
    if spec.note:
        lines.append(f"note = {_toml(spec.note)}")
    for guard in spec.guarded:
        lines.append("[[topic.guarded]]")
        lines += [f"{key} = {_toml(value)}" for key, value in guard.written]
    return "\n".join(lines)


def _toml(value: object) -> str:
    """A TOML value: JSON's strings, lists and booleans are TOML's too."""
    return json.dumps(value, ensure_ascii=False)
