"""The topic lexicon: which names name which topic, and finding them in text.

A name is matched as whole words after proclitics are stripped, never as a substring, and
with the article it is written with: الخرطوم is Khartoum, خرطوم is a hose; قطر is Qatar, القطر
is "the diameter". Where names overlap, the longest wins: جنوب السودان is South Sudan and not
also Sudan. A name that is also an ordinary word can be *guarded* (it counts only in the
contexts its rule allows) or shadowed by a *not* phrase (صلاة المغرب is a prayer, not
Morocco). content/topics.toml documents each rule beside its data.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from content.analyzer import ANALYZER_VERSION, Morphology, Reading
from content.arabic import normalise, tokens
from content.files import UnreadableFileError, read_regular_file
from content.words import Vocabulary, arabic_vocabulary

WordForm = frozenset[Reading]  # the readings one word of a name accepts
Form = tuple[WordForm, ...]

# Endings of a nisba adjective after its final ي (ـي ـية ـيون ـيين ـيان ـيتان ـيات).
_NISBA_ENDINGS = ("", "ة", "ون", "ين", "ان", "تان", "ات")
_COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
_ARTICLE = "ال"
NUMBER = "#number"  # in not_before: a numeral (قطر 3 أمتار is a diameter)
KINDS = ("country", "territory", "region", "organisation", "movement", "person", "other")
PLACE_KINDS = frozenset({"country", "territory", "region"})
_TOPIC_KEYS = frozenset(
    {"command", "aliases", "label_ar", "label_en", "kind", "names", "adjectives", "english"}
    | {"not", "guarded", "note", "refers_back"}
)
_GUARD_KEYS = frozenset(
    {"name", "after", "beside_place", "not_after", "not_before", "confirm", "why"}
)
_TOPIC_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*topic[ \t]*\]\]", re.MULTILINE)


# Likeness (difflib's ratio) at which a name a reader typed is a misspelling of a topic's
# (Sudaan, سوادن): below it, a name that looks alike is another name, not a suggestion.
TYPO_LIKENESS = 0.8
_WORD_CACHE_LIMIT = 1 << 16  # words whose topics are remembered for highlighting
# Zipf at which a name's other reading is an ordinary word a reader meets every day.
COMMON_WORD = 3.6
_NAME_MARGIN = 1.0  # a name's loose spelling (عراق for العراق) is far rarer than the name
# Words that begin a name of its own in which a place follows (كأس آسيا، مهرجان برلين), and
# words that end one after a place (واشنطن بوست): the place is then no topic. Normalised.
_NAME_HEADS = frozenset(
    normalise(word)
    for word in (
        "كأس", "دوري", "بطولة", "شارع", "ساحة", "ميدان", "مهرجان", "إعلان", "صحيفة",
        "إذاعة", "نادي", "جائزة", "كاس",
    )
)  # fmt: skip
_NAME_TAILS = frozenset(
    normalise(word) for word in ("بوست", "تايمز", "سيتي", "يونايتد", "سان", "ميلوني")
)
# Fields that qualify an organisation's name into another body's: الاتحاد الأوروبي لكرة القدم
# is UEFA; and العربي, which makes صندوق النقد العربي the Arab Monetary Fund.
_QUALIFIERS = frozenset(
    normalise(word)
    for word in (
        "كرة", "ألعاب", "إذاعة", "سباحة", "رياضة", "ملاكمة", "تنس", "جودو", "جمباز",
        "دراجات", "فروسية", "رماية", "مصارعة", "شطرنج", "غولف", "أثقال", "كرة القدم",
        "العربي", "العربية", "عربي",
    )
)  # fmt: skip

# A newsroom's topics file: the shipped world lexicon, every name of it, is 80 KB.
MAX_TOPICS_FILE_BYTES = 8 * 1024 * 1024


class LexiconError(ValueError):
    """A topic lexicon file is malformed; the message names the file, line and reason."""


@dataclass(frozen=True, slots=True)
class Guard:
    """When a guarded name counts. Every condition given must hold.

    ``after``: the word before is one of these (في مالي). ``beside_place``: or a neighbouring
    word names another place (النيجر ومالي). ``not_after`` / ``not_before``: never after or
    before these words (#number: a numeral). ``confirm``: only in an article that names the
    topic by another of its names too (عمان is Amman in an article about Jordan).
    """

    after: frozenset[str] = frozenset()
    beside_place: bool = False
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    confirm: bool = False


@dataclass(frozen=True, slots=True)
class GuardSpec:
    """A guarded name as written in the lexicon file."""

    name: str
    guard: Guard
    why: str = ""  # the reason, kept so the generated lexicon can say it beside the rule
    written: tuple[tuple[str, object], ...] = ()  # the entry's keys as the file had them


@dataclass(frozen=True, slots=True)
class TopicSpec:
    """One ``[[topic]]`` entry of a lexicon file, as written (before matching forms are built)."""

    command: str
    label_ar: str = ""
    label_en: str = ""
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    english: tuple[str, ...] = ()
    shadows: tuple[str, ...] = ()  # the file's "not": phrases in which a name is no name
    guarded: tuple[GuardSpec, ...] = ()
    # The file's "refers_back": short forms (الحلف، الوكالة) that name the topic only after
    # the article has named it in full.
    short_forms: tuple[str, ...] = ()
    note: str = ""  # why names were left out or shadowed, kept beside the data
    line: int = 0
    source: str = ""

    def merged(self, other: TopicSpec) -> TopicSpec:
        """This topic with ``other``'s names added and its labels, where it gives them."""
        return replace(
            self,
            label_ar=other.label_ar or self.label_ar,
            label_en=other.label_en or self.label_en,
            kind=other.kind if other.kind != "other" else self.kind,
            aliases=_unique(self.aliases + other.aliases),
            names=_unique(self.names + other.names),
            adjectives=_unique(self.adjectives + other.adjectives),
            english=_unique(self.english + other.english),
            shadows=_unique(self.shadows + other.shadows),
            guarded=self.guarded + other.guarded,
            short_forms=_unique(self.short_forms + other.short_forms),
            note=" ".join(part for part in (self.note, other.note) if part),
        )


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic: its command and aliases, its labels and what it is."""

    command: str
    label_ar: str
    label_en: str
    kind: str = "other"
    aliases: tuple[str, ...] = ()
    # Every name, normalised, that /topic NAME and /subscribe NAME accept.
    lookup: frozenset[str] = frozenset()

    def label(self, language: str) -> str:
        """The topic's name in ``language`` (Arabic for "ar", English otherwise)."""
        return self.label_ar if language == "ar" else self.label_en

    @property
    def commands(self) -> tuple[str, ...]:
        """The command and its aliases: each one answers for this topic."""
        return (self.command, *self.aliases)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One matchable form: the topics it names (none for a shadow phrase) and its rule."""

    form: Form
    topics: frozenset[str]
    guard: Guard | None = None
    adjective: bool = False  # made from a nisba adjective, not a name


@dataclass(frozen=True, slots=True)
class MatchRules:
    """Which trap rules are in force; all are, except when the evaluation measures one."""

    definite: bool = True  # names keep the article they are written with
    longest: bool = True  # overlapping names: the longest wins
    guards: bool = True  # guarded names count only in their contexts
    shadows: bool = True  # "not" phrases hide the names inside them
    inside_names: bool = True  # a place inside another name (كأس آسيا، واشنطن بوست) is none
    qualified: bool = True  # an organisation qualified by a field (… لكرة القدم) is another
    common_words: bool = True  # a name that is also a common word needs its topic named too
    variants: bool = True  # spellings other newsrooms use (بنجلاديش، الكونجو), generated
    back_references: bool = True  # after NATO is named, الحلف is NATO
    main_subject: bool = True  # a paragraph naming nothing carries on the article's subject


@dataclass
class _Match:
    """The names found at one place: how many words they take, and what they name."""

    length: int = 0
    topics: set[str] = field(default_factory=set)
    shadowed: bool = False
    kept: int = 0  # letters of the first word its reading keeps: the fewer stripped, the better

    def add(self, size: int, topics: frozenset[str]) -> None:
        self.length = max(self.length, size)
        self.topics |= topics
        self.shadowed |= not topics


@dataclass
class _Scan:
    found: set[str] = field(default_factory=set)
    unconfirmed: set[str] = field(default_factory=set)  # confirm-guarded names seen


class Lexicon:
    """All topics, indexed for whole-word matching."""

    def __init__(
        self,
        specs: Sequence[TopicSpec],
        fingerprint: str,
        rules: MatchRules | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.rules = rules or MatchRules()
        self.specs: tuple[TopicSpec, ...] = tuple(specs)
        self.topics: tuple[Topic, ...] = tuple(_topic(spec) for spec in specs)
        source = (vocabulary or arabic_vocabulary()).source
        # How words are read is part of what tagging depends on: a new analyzer re-tags.
        self.fingerprint = hashlib.sha256(
            f"{fingerprint} {ANALYZER_VERSION} {source} {self.rules}".encode()
        ).hexdigest()
        self._by_command = {name: t for t in self.topics for name in t.commands}
        # Every command a topic answers to, aliases included: asked for on every update.
        self.commands = frozenset(self._by_command)
        self._position = {topic.command: index for index, topic in enumerate(self.topics)}
        self._kinds = {spec.command: spec.kind for spec in specs}
        entries = self._matchable(specs, vocabulary or arabic_vocabulary())
        self._by_first: dict[Reading, list[_Entry]] = _index(entries)
        self._short_forms: dict[Reading, list[_Entry]] = _index(
            _Entry(_name_form(short, self.rules), frozenset({spec.command}))
            for spec in specs
            for short in spec.short_forms
        )
        self._place_readings = frozenset(
            reading
            for entry in entries
            if entry.guard is None and self._is_place_entry(entry)
            for word in (entry.form[0], entry.form[-1])
            for reading in word
        )
        self._lookup = _lookup_table(self.topics)
        self._word_topics: dict[str, frozenset[str]] = {}

    def _matchable(self, specs: Sequence[TopicSpec], vocabulary: Vocabulary) -> list[_Entry]:
        """Every form a name is matched by, with the guards the data calls for; builds the
        analyzer on the way, which must know every word of every name as a word."""
        entries = [entry for spec in specs for entry in _entries(spec, self.rules)]
        if self.rules.variants:
            entries += _variant_entries(entries, self._kinds)
        self.morphology = Morphology(
            vocabulary,
            (stem for entry in entries if entry.topics for word in entry.form for stem, _ in word),
        )
        if self.rules.guards:
            # An adjective two topics share (الكونغولية: of either Congo) names one only
            # where the article names that one otherwise too.
            entries = _confirmed_only(entries, _shared_forms(entries))
        # Found from data, not memory: names that are also ordinary words (the build prints them).
        self.common_word_names = self._common_word_names(entries, specs)
        if self.rules.common_words:
            entries = _confirmed_only(entries, self.common_word_names)
        return entries

    def get(self, command: str) -> Topic | None:
        """The topic with this command name or alias, if any."""
        return self._by_command.get(command)

    def ordered(self, commands: Iterable[str]) -> list[Topic]:
        """The topics named in ``commands``, in the order given; unknown ones left out."""
        found = (self._by_command.get(command) for command in dict.fromkeys(commands))
        return [topic for topic in found if topic is not None]

    def find(self, name: str) -> Topic | None:
        """The topic a reader means by ``name``: a command, alias, label or any of its names."""
        wanted = _lookup_key(name)
        command = self._lookup.get(wanted) or self._lookup.get(wanted.replace(" ", "_"))
        return self._by_command.get(command) if command else None

    def closest(
        self, name: str, among: Sequence[Topic], limit: int = 5, at_least: float = 0.0
    ) -> list[Topic]:
        """The topics of ``among`` whose names look most like ``name``, closest first; with
        ``at_least``, only those that look so alike that ``name`` is a misspelling of them."""
        wanted = _lookup_key(name)

        def likeness(topic: Topic) -> float:
            keys = topic.lookup | {topic.command}
            return max(difflib.SequenceMatcher(None, wanted, key).ratio() for key in keys)

        scored = sorted(((likeness(topic), topic) for topic in among), key=lambda pair: -pair[0])
        return [topic for score, topic in scored if score >= at_least][:limit]

    def topics_in(self, text: str, confirmed: frozenset[str] | None = None) -> frozenset[str]:
        """Commands of the topics ``text`` names.

        ``confirmed`` are the topics its article names by unguarded names; a confirm-guarded
        name counts only for those. None (a reader's question, say) lets every such name count.
        """
        words = tokens(text)
        return frozenset(self._scan(words, self._options(words), confirmed).found)

    def word_topics(self, word: str) -> frozenset[str]:
        """The topics one written word names on its own, remembered: search highlights every
        word of every hit this way."""
        found = self._word_topics.get(word)
        if found is None:
            if len(self._word_topics) >= _WORD_CACHE_LIMIT:
                self._word_topics.clear()
            found = self._word_topics[word] = self.topics_in(word)
        return found

    def tag_blocks(self, blocks: Sequence[str]) -> list[frozenset[str]]:
        """The topics of each block of one article, confirm-guarded names decided by it all."""
        words = [tokens(block) for block in blocks]
        options = [self._options(block) for block in words]
        scans = [
            self._scan(block, read, frozenset())
            for block, read in zip(words, options, strict=True)
        ]
        named = frozenset().union(*(scan.found for scan in scans))
        # Only a block holding a confirm-guarded name of a topic named elsewhere can change.
        found = [
            frozenset(
                self._scan(block, read, named).found if scan.unconfirmed & named else scan.found
            )
            for block, read, scan in zip(words, options, scans, strict=True)
        ]
        if not self.rules.back_references:
            return found
        return self._with_back_references(words, options, found)

    def _options(self, words: list[str]) -> list[tuple[Reading, ...]]:
        """Each word's readings, worked out once per block for every pass over it."""
        return [self.morphology.readings(word) for word in words]

    def _with_back_references(
        self,
        words: list[list[str]],
        options: list[list[tuple[Reading, ...]]],
        found: list[frozenset[str]],
    ) -> list[frozenset[str]]:
        """Each short form (الحلف) names the topic it refers back to: the one with that short
        form named most recently before it, in this block or an earlier one of the article."""
        named_at: dict[str, int] = {}  # topic → the last block that named it
        result = []
        short_forms = self._short_forms.keys()
        for index, (block, read, topics) in enumerate(zip(words, options, found, strict=True)):
            for topic in topics:
                named_at[topic] = index
            referred = set()
            for start in range(len(block)):
                if short_forms.isdisjoint(read[start]):  # most words: no short form begins here
                    continue
                entries = self._short_form_entries(block, read, start)
                candidates = [t for entry in entries for t in entry.topics if t in named_at]
                if candidates:  # المنظمة after WHO, then UNESCO: UNESCO
                    referred.add(max(candidates, key=lambda topic: named_at[topic]))
            result.append(topics | referred)
        return result

    def _short_form_entries(
        self, block: list[str], read: list[tuple[Reading, ...]], start: int
    ) -> list[_Entry]:
        """Short forms at ``start``; one followed by a definite word is another body's name
        (البنك المركزي is no World Bank, المحكمة العليا no ICJ)."""
        options = read[start : start + 4]
        found = []
        for reading in options[0]:
            for entry in self._short_forms.get(reading, ()):
                after = start + len(entry.form)
                if _fits(entry.form, options, 0) and not (
                    after < len(block) and block[after].startswith(_ARTICLE)
                ):
                    found.append(entry)
        return found

    def _scan(
        self,
        words: list[str],
        options: list[tuple[Reading, ...]],
        confirmed: frozenset[str] | None,
    ) -> _Scan:
        scan = _Scan()
        first_words = self._by_first.keys()
        start = 0
        while start < len(words):
            if first_words.isdisjoint(options[start]):  # most words begin no name
                start += 1
                continue
            match = self._longest_at(words, options, start, confirmed, scan)
            if match.shadowed:
                start += match.length  # a "not" phrase: nothing inside it names a topic
                continue
            scan.found |= match.topics
            start += match.length if self.rules.longest and match.length else 1
        return scan

    def _longest_at(
        self,
        words: list[str],
        options: list[tuple[Reading, ...]],
        start: int,
        confirmed: frozenset[str] | None,
        scan: _Scan,
    ) -> _Match:
        """The longest name at ``start`` (every name there, when longest-wins is off)."""
        match = _Match()
        for reading in options[start]:
            # Letters of the word the reading keeps: وجدة read whole (Oujda) beats و + جدة.
            kept = len(reading[0]) + (len(_ARTICLE) if reading[1] else 0)
            for entry in self._by_first.get(reading, ()):
                size = len(entry.form)
                if (self.rules.longest and (size, kept) < (match.length, match.kept)) or not (
                    _fits(entry.form, options, start)
                ):
                    continue
                if self._inside_other_name(entry, options, start):
                    if not self._is_place_entry(entry):  # a qualified body: nothing inside it
                        match = _Match(length=max(match.length, size), shadowed=True)
                    continue
                if not self._allows(entry, words, options, start, confirmed):
                    if entry.guard is not None and entry.guard.confirm:
                        scan.unconfirmed |= entry.topics
                    continue
                if self.rules.longest and (size, kept) > (match.length, match.kept):
                    match = _Match(kept=kept)
                match.add(size, entry.topics)
        return match

    def _allows(
        self,
        entry: _Entry,
        words: list[str],
        options: list[tuple[Reading, ...]],
        start: int,
        confirmed: frozenset[str] | None,
    ) -> bool:
        """Whether ``entry``'s guard lets it count at ``start``; an unguarded entry always does."""
        guard = entry.guard
        if guard is None:
            return True
        end = start + len(entry.form)
        before = {stem for stem, _ in options[start - 1]} if start else set()
        after = {stem for stem, _ in options[end]} if end < len(words) else set()
        if before & guard.not_after or after & guard.not_before:
            return False
        if NUMBER in guard.not_before and end < len(words) and words[end].isdecimal():
            return False
        if guard.after or guard.beside_place:
            near_place = guard.beside_place and self._is_place(options, start - 1, end)
            if not (before & guard.after or near_place):
                return False
        if guard.confirm and confirmed is not None:
            return entry.topics <= confirmed
        return True

    def _is_place_entry(self, entry: _Entry) -> bool:
        return any(self._kinds.get(topic) in PLACE_KINDS for topic in entry.topics)

    def _inside_other_name(
        self, entry: _Entry, options: list[tuple[Reading, ...]], start: int
    ) -> bool:
        """Whether the name at ``start`` is part of another's: a place after a word that
        begins a name of its own (كأس آسيا، شارع فلسطين، دوري أبطال أوروبا) or before one
        that ends it (واشنطن بوست); an organisation qualified by a field (الاتحاد الأفريقي
        لكرة القدم is CAF) or as Arab (صندوق النقد العربي)."""
        end = start + len(entry.form)
        following = {stem for stem, _ in options[end]} if end < len(options) else set()
        if self.rules.inside_names and self._is_place_entry(entry):
            before = {stem for index in (start - 1, start - 2) if index >= 0
                      for stem, _ in options[index]}  # fmt: skip
            return bool(before & _NAME_HEADS or following & _NAME_TAILS)
        kinds = {self._kinds.get(topic) for topic in entry.topics}
        if self.rules.qualified and "organisation" in kinds:
            return bool(following & _QUALIFIERS)
        return False

    def _common_word_names(
        self, entries: Iterable[_Entry], specs: Sequence[TopicSpec]
    ) -> frozenset[Form]:
        """One-word names that are also ordinary words, as the frequency list shows: a name
        written with the article whose bare word is common (العقبة: عقبة "obstacle", العين:
        عين "eye"), or written without it that commonly takes it (حماس: الحماس "zeal"; جنين:
        الجنين "the fetus"), unless that other form is a name of the same topic (اليمن)."""
        forms_of = {
            spec.command: {_name_form(name, self.rules) for name in (*spec.names, *spec.english)}
            for spec in specs
        }
        zipf = self.morphology.vocabulary.zipf
        common = set()
        for entry in entries:
            proper = {self._kinds.get(topic) for topic in entry.topics} - {"other"}
            if len(entry.form) != 1 or not proper:
                continue  # a newsroom's topic of kind "other" (fuel: الوقود) is the word itself
            own = set().union(*(forms_of.get(topic, set()) for topic in entry.topics))
            if entry.form not in own:
                continue  # an adjective's or a generated spelling's form
            for stem, definite in entry.form[0]:
                other = (frozenset({(stem, not definite)}),)
                word, name = (stem, _ARTICLE + stem) if definite else (_ARTICLE + stem, stem)
                # As common as the name itself, near enough: not the name written loosely.
                ordinary = zipf(word) >= max(COMMON_WORD, zipf(name) - _NAME_MARGIN)
                if other not in own and ordinary:
                    common.add(entry.form)
        return frozenset(common)

    def _is_place(self, options: list[tuple[Reading, ...]], left: int, right: int) -> bool:
        """Whether the word at ``left`` or at ``right`` is part of another place's name."""
        neighbours = [index for index in (left, right) if 0 <= index < len(options)]
        return any(self._place_readings.intersection(options[index]) for index in neighbours)


def _confirmed_only(entries: list[_Entry], forms: frozenset[Form]) -> list[_Entry]:
    """``entries`` with those of ``forms`` that had no guard counting only where confirmed."""
    return [
        replace(entry, guard=Guard(confirm=True))
        if entry.guard is None and entry.form in forms
        else entry
        for entry in entries
    ]


def _shared_forms(entries: Iterable[_Entry]) -> frozenset[Form]:
    """Adjectives that two topics' nisbas share, unguarded (كونغولي, of either Congo). A
    name the lexicon lists under two topics (الحوثيون: the Houthis and Yemen) is meant so."""
    owners: dict[Form, set[frozenset[str]]] = {}
    for entry in entries:
        if entry.guard is None and entry.topics and entry.adjective:
            owners.setdefault(entry.form, set()).add(entry.topics)
    return frozenset(form for form, topics in owners.items() if len(topics) > 1)


def _index(entries: Iterable[_Entry]) -> dict[Reading, list[_Entry]]:
    """Entries by each reading of their first word."""
    index: dict[Reading, list[_Entry]] = {}
    for entry in entries:
        for reading in entry.form[0]:
            index.setdefault(reading, []).append(entry)
    return index


# Spellings of one sound that newsrooms differ on, as (written, also written): غ and ج for
# the hard g (بنغلاديش، بنجلاديش; الكونغو، الكونجو), تش and ش (تشيلي، شيلي), ـلاند and
# ـلند (تايلاند، تايلند), a final ة and ه (سنغافورة، سنغافوره).
_VARIANT_SPELLINGS = (("غ", "ج"), ("تش", "ش"), ("اند", "ند"), ("ند", "اند"), ("ة", "ه"))


def _variant_entries(entries: Sequence[_Entry], kinds: dict[str, str]) -> list[_Entry]:
    """Each unguarded place name as other newsrooms spell it, where that is no name already."""
    known = {entry.form for entry in entries}
    variants: dict[Form, _Entry] = {}
    for entry in entries:
        places = any(kinds.get(topic) in PLACE_KINDS for topic in entry.topics)
        if entry.guard is not None or not places:
            continue
        for form in _spellings(entry.form):
            if form not in known:
                variants.setdefault(form, replace(entry, form=form))
    return list(variants.values())


def _spellings(form: Form) -> list[Form]:
    """``form`` with one of _VARIANT_SPELLINGS applied to each of its words."""
    spelled = []
    for written, also in _VARIANT_SPELLINGS:
        words = [
            frozenset((_respell(stem, written, also), definite) for stem, definite in word)
            for word in form
        ]
        if tuple(words) != form and all(len(stem) > 3 for word in words for stem, _ in word):
            spelled.append(tuple(words))
    return spelled


def _respell(stem: str, written: str, also: str) -> str:
    if written in ("اند", "ند", "ة"):  # endings only
        return stem[: -len(written)] + also if stem.endswith(written) else stem
    if written == "تش":  # only at the start (and never to three letters: تشاد is not شاد)
        return also + stem[len(written) :] if stem.startswith(written) else stem
    return stem.replace(written, also)


def _fits(form: Form, options: list[tuple[Reading, ...]], start: int) -> bool:
    """Whether every word of ``form`` is read at its place from ``start`` on."""
    if start + len(form) > len(options):
        return False
    return all(
        accepted.intersection(options[start + offset]) for offset, accepted in enumerate(form)
    )


# --- building the matchable forms -----------------------------------------------------------


def _entries(spec: TopicSpec, rules: MatchRules) -> list[_Entry]:
    topics = frozenset({spec.command})
    guarded = {normalise(item.name) for item in spec.guarded}
    entries = [
        _Entry(_name_form(name, rules), topics)
        for name in spec.names + spec.english
        if normalise(name) not in guarded
    ]
    # A region's adjective mostly qualifies something in passing (أندية أوروبية، التعاملات
    # الآسيوية): it counts only in an article that names the region itself.
    adjective_guard = Guard(confirm=True) if spec.kind == "region" and rules.guards else None
    entries += [
        _Entry(form, topics, adjective_guard, adjective=True)
        for form in _adjective_forms(spec.adjectives)
    ]
    for item in spec.guarded:
        guard = item.guard if rules.guards else None
        entries.append(_Entry(_name_form(item.name, rules), topics, guard))
    if rules.shadows:
        entries += [_Entry(_name_form(phrase, rules), frozenset()) for phrase in spec.shadows]
    return [entry for entry in entries if entry.form]


def _name_form(name: str, rules: MatchRules) -> Form:
    """A name's words as they must be read: without the article, marked if it had one."""
    form = []
    for word in tokens(name):
        stem, definite = _split_article(word)
        if rules.definite:
            form.append(frozenset({(stem, definite)}))
        else:
            form.append(frozenset({(stem, True), (stem, False)}))
    return tuple(form)


def _adjective_forms(adjectives: Iterable[str]) -> list[Form]:
    """Each nisba adjective with its endings; every word of a phrase takes the same ending."""
    forms: list[Form] = []
    for adjective in adjectives:
        stems = [_split_article(word)[0] for word in tokens(adjective)]
        forms += [
            tuple(frozenset({(stem + ending, True), (stem + ending, False)}) for stem in stems)
            for ending in _NISBA_ENDINGS
        ]
    return [form for form in forms if form]


def _split_article(word: str) -> Reading:
    if word.startswith(_ARTICLE) and len(word) > len(_ARTICLE) + 1:
        return word[len(_ARTICLE) :], True
    return word, False


def _topic(spec: TopicSpec) -> Topic:
    guarded = (guard.name for guard in spec.guarded)  # لندن: a reader's /topic means the UK
    names = (spec.label_ar, spec.label_en, *spec.names, *spec.english, *spec.adjectives, *guarded)
    lookup = {_lookup_key(name) for name in names if name}
    lookup |= {key.removeprefix(_ARTICLE) for key in lookup if key.startswith(_ARTICLE)}
    return Topic(
        command=spec.command,
        label_ar=spec.label_ar,
        label_en=spec.label_en,
        kind=spec.kind,
        aliases=spec.aliases,
        lookup=frozenset(lookup),
    )


def _lookup_key(name: str) -> str:
    return " ".join(tokens(name.strip().removeprefix("/")))


def _lookup_table(topics: Sequence[Topic]) -> dict[str, str]:
    """Name → command; commands and aliases first, then labels, then other names."""
    table: dict[str, str] = {}
    for topic in topics:
        for name in topic.commands:
            table.setdefault(name, topic.command)
    for topic in topics:
        for label in (topic.label_ar, topic.label_en):
            table.setdefault(_lookup_key(label), topic.command)
    for topic in topics:
        for key in sorted(topic.lookup):
            table.setdefault(key, topic.command)
    return table


# --- reading lexicon files -------------------------------------------------------------------


def builtin_lexicon_bytes() -> bytes:
    """The world lexicon shipped with the package (content/topics.toml)."""
    return resources.files("content").joinpath("topics.toml").read_bytes()


def load_lexicon(
    path: Path | None = None,
    overlay: Path | None = None,
    reserved: Iterable[str] = (),
    rules: MatchRules | None = None,
) -> Lexicon:
    """The lexicon of ``path`` (the shipped one by default), with ``overlay`` merged over it.

    ``overlay`` is a newsroom's own file: its topics are added, and its entries for a
    command the lexicon has already add names to that topic. ``reserved`` are commands the
    bot has for itself, which no topic may take.
    """
    raw = path.read_bytes() if path else builtin_lexicon_bytes()
    specs = parse_lexicon(raw, str(path or "content/topics.toml"))
    digest = hashlib.sha256(raw)
    if overlay is not None:
        try:
            extra = read_regular_file(overlay, MAX_TOPICS_FILE_BYTES)
        except UnreadableFileError as error:
            raise LexiconError(str(error)) from error
        specs = merge_specs(specs, parse_lexicon(extra, str(overlay)))
        digest.update(extra)
    _check_commands(specs, frozenset(reserved))
    return Lexicon(specs, digest.hexdigest(), rules)


def parse_lexicon(raw: bytes, source: str) -> list[TopicSpec]:
    """The ``[[topic]]`` entries of one lexicon file; LexiconError names file, line and reason."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise LexiconError(f"{source}: not UTF-8 text (byte {error.start})") from error
    except tomllib.TOMLDecodeError as error:
        raise LexiconError(f"{source}: {error}") from error
    entries = data.get("topic")
    if not isinstance(entries, list) or not entries:
        raise LexiconError(f"{source}:1: no [[topic]] entries")
    lines = _header_lines(raw.decode("utf-8"))
    specs = []
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else 0
        try:
            specs.append(_spec(entry, line, source))
        except LexiconError as error:
            raise LexiconError(f"{source}:{line}: {error}") from None
    return specs


def merge_specs(base: Sequence[TopicSpec], overlay: Sequence[TopicSpec]) -> list[TopicSpec]:
    """``base`` with ``overlay`` merged in: names added to known topics, new topics appended."""
    merged = {spec.command: spec for spec in base}
    owner = {alias: spec.command for spec in base for alias in spec.aliases}
    for extra in overlay:
        command = owner.get(extra.command, extra.command)
        known = merged.get(command)
        if known is None:
            if not (extra.label_ar and extra.label_en):
                raise LexiconError(
                    f"{extra.source}:{extra.line}: new topic {extra.command!r} needs"
                    " label_ar and label_en"
                )
            merged[command] = extra
        else:
            merged[command] = known.merged(extra)
    return list(merged.values())


def _header_lines(text: str) -> list[int]:
    """The line number of each ``[[topic]]`` header, in order."""
    return [text.count("\n", 0, match.start()) + 1 for match in _TOPIC_HEADER.finditer(text)]


def _spec(entry: object, line: int, source: str) -> TopicSpec:
    if not isinstance(entry, dict):
        raise LexiconError("a [[topic]] entry must be a table")
    unknown = set(entry) - _TOPIC_KEYS
    if unknown:
        raise LexiconError(f"unknown key(s) {', '.join(sorted(unknown))}")
    command = entry.get("command")
    if not isinstance(command, str) or not _COMMAND_NAME.fullmatch(command):
        raise LexiconError(f"command {command!r} is not a Telegram command name (a-z 0-9 _)")
    aliases = _strings(entry, "aliases")
    for alias in aliases:
        if not _COMMAND_NAME.fullmatch(alias):
            raise LexiconError(f"alias {alias!r} is not a Telegram command name (a-z 0-9 _)")
    kind = entry.get("kind", "other")
    if kind not in KINDS:
        raise LexiconError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    return TopicSpec(
        command=command,
        label_ar=_text(entry, "label_ar"),
        label_en=_text(entry, "label_en"),
        kind=str(kind),
        aliases=aliases,
        names=_strings(entry, "names"),
        adjectives=_strings(entry, "adjectives"),
        english=_strings(entry, "english"),
        shadows=_strings(entry, "not"),
        guarded=tuple(_guard(item) for item in _tables(entry, "guarded")),
        short_forms=_strings(entry, "refers_back"),
        note=_text(entry, "note"),
        line=line,
        source=source,
    )


def _guard(item: dict[str, object]) -> GuardSpec:
    unknown = set(item) - _GUARD_KEYS
    if unknown:
        raise LexiconError(f"unknown guard key(s) {', '.join(sorted(unknown))}")
    name = _text(item, "name")
    if not tokens(name):
        raise LexiconError("a guarded entry needs a name")
    words = [_stems(value) for value in (item.get("after"), item.get("not_after"))]
    before = _raw_strings(item.get("not_before"))
    not_before = _stems([word for word in before if word != NUMBER])
    if NUMBER in before:
        not_before |= {NUMBER}
    guard = Guard(
        after=words[0],
        beside_place=_flag(item, "beside_place"),
        not_after=words[1],
        not_before=not_before,
        confirm=_flag(item, "confirm"),
    )
    return GuardSpec(name, guard, _text(item, "why"), tuple(item.items()))


def _stems(value: object) -> frozenset[str]:
    """Context words as compared: normalised, without the article."""
    return frozenset(
        _split_article(word)[0] for item in _raw_strings(value) for word in tokens(item)
    )


def _text(entry: dict[str, object], key: str) -> str:
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise LexiconError(f"{key} must be a string, not {value!r}")
    return value


def _flag(entry: dict[str, object], key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise LexiconError(f"{key} must be true or false, not {value!r}")
    return value


def _strings(entry: dict[str, object], key: str) -> tuple[str, ...]:
    try:
        return tuple(_raw_strings(entry.get(key)))
    except LexiconError as error:
        raise LexiconError(f"{key}: {error}") from None


def _raw_strings(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise LexiconError(f"expected a list of strings, got {value!r}")
    return list(value)


def _tables(entry: dict[str, object], key: str) -> list[dict[str, object]]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise LexiconError(f"{key} must be a list of tables ([[topic.{key}]])")
    return value


def _check_commands(specs: Sequence[TopicSpec], reserved: frozenset[str]) -> None:
    """Every command and alias names one topic, and none is one of the bot's own."""
    seen: dict[str, TopicSpec] = {}
    for spec in specs:
        if not (spec.label_ar and spec.label_en):
            raise LexiconError(f"{spec.source}:{spec.line}: topic {spec.command!r} needs labels")
        for name in (spec.command, *spec.aliases):
            if name in reserved:
                raise LexiconError(
                    f"{spec.source}:{spec.line}: /{name} is one of the bot's own commands"
                )
            other = seen.setdefault(name, spec)
            if other is not spec:
                raise LexiconError(
                    f"{spec.source}:{spec.line}: /{name} is taken by topic {other.command!r}"
                    f" ({other.source}:{other.line})"
                )


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
