"""The one Arabic analyzer: how a written word is read, for search, alerts and topics alike.

A word may carry proclitics (و ف, then ب ل ك, then the article ال or لل) and one suffix
(a pronoun: ـها ـهم ـه ـي …; or an inflection: ـون ـين ـات ـان …). A letter that looks like a
clitic can also be the word's own: فقد is "lost", not ف + قد; وطن is "homeland", not و + طن;
سلامة is "safety", not سلام + ة. So a reading is taken only when the language says so, by the
evidence of how common words are (content.words):

- what remains is a word of Arabic (at least :data:`KNOWN` on the Zipf scale, or a word of
  a name the lexicon knows); and
- the whole form is not itself a word standing alone. A form stands alone when it takes
  the article itself (الفقد، الوطن، السلامة: no word with a clitic on it does), or when it
  is about as common as what would remain, or commoner (بكين beside كين, لبنان beside لبن):
  a word with a clitic on it is always much rarer than the bare word.

The definite article is read off whenever what remains is a word (النفط and نفط are one
word) unless the definite form is far commoner than the bare one, which makes it a name
of its own (المانيا is Germany, not "mania").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from content.words import Vocabulary

# Bump when a rule here changes how words are read: stored alert terms are recomputed.
ANALYZER_VERSION = 2

KNOWN = 3.0  # Zipf: a word met at least once in a million words of text
ALONE_WITH_ARTICLE = 2.5  # Zipf of ال + form at which the form is a word of its own
CLITIC_MARGIN = 0.1  # a form with a clitic is rarer than its stem by at least this much
NAME_GAP = 1.5  # a definite form this much commoner than its bare stem is a name

_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ل", "ك")
_ARTICLE = "ال"
_LI_ARTICLE = "لل"
_TA_MARBUTA = "ة"
_MIN_STEM = 2
_MIN_SUFFIX_STEM = 3
_MIN_MASDAR = 5  # letters of a noun whose plural is in ـات (استثمار): a derived verbal noun
_PRONOUNS = ("هما", "كما", "ها", "هم", "كم", "نا", "ه")
_NUMBER = re.compile(r"([0-9]+)(?:م|هـ|ه)")
_CACHE_LIMIT = 1 << 17

Reading = tuple[str, bool]  # (what remains, whether the article was read off)
_Value = TypeVar("_Value")


class Morphology:
    """Reads normalised tokens (content.arabic.tokens) into readings and terms."""

    def __init__(self, vocabulary: Vocabulary, names: Iterable[str] = ()) -> None:
        self.vocabulary = vocabulary
        # Words of the lexicon's names: words of Arabic, whatever the frequency list says.
        self.names = frozenset(names)
        self._readings: dict[str, tuple[Reading, ...]] = {}
        self._terms: dict[str, str] = {}
        # A name's own word (بحرين، لبنان) keeps its ending; للنفط in a name is still ل + النفط.
        self.protected: frozenset[str] = frozenset()
        self.protected = frozenset(name for name in self.names if len(self.readings(name)) == 1)
        self._readings.clear()

    def readings(self, token: str) -> tuple[Reading, ...]:
        """``token`` whole, then each reading of it with proclitics the language allows off."""
        found = self._readings.get(token)
        if found is None:
            found = tuple(dict.fromkeys(self._proclitic_readings(token)))
            _remember(self._readings, token, found)
        return found

    def term(self, token: str, suffixes: bool = True) -> str:
        """What ``token`` is indexed, searched and alerted under: its deepest reading.

        With ``suffixes`` (the default) one suffix comes off too, by the same evidence.
        """
        key = token if suffixes else "\0" + token
        found = self._terms.get(key)
        if found is None:
            # The shortest reading; of two as short, the later, which took more off (للصين).
            stems = [stem for stem, _ in self.readings(token)]
            stem = min(reversed(stems), key=len)
            found = self._without_suffix(stem) if suffixes else stem
            if found != stem:
                found = min([found, *self._article_off(found)], key=len)  # الحكومتين
            _remember(self._terms, key, found)
        return found

    def terms(self, words: Iterable[str]) -> list[str]:
        """``term`` of each word (suffixes off): what an article's every word is indexed
        under, looked up in one loop rather than a call per word."""
        known = self._terms.get
        return [known(word) or self.term(word) for word in words]

    def is_word(self, stem: str) -> bool:
        """Whether ``stem`` is a word: common enough, a word of a known name, or a number."""
        return stem in self.names or stem.isdecimal() or self.vocabulary.zipf(stem) >= KNOWN

    # --- proclitics ------------------------------------------------------------------------

    def _proclitic_readings(self, token: str) -> list[Reading]:
        after_conjunction = [token, *self._clitics_off(token, _CONJUNCTIONS)]
        after_preposition = [
            form
            for base in after_conjunction
            for form in (base, *self._clitics_off(base, _PREPOSITIONS))
        ]
        found: list[Reading] = []
        for form in after_preposition:
            found.append((form, False))
            found += [(stem, True) for stem in self._article_off(form)]
        return found

    def _clitics_off(self, form: str, clitics: tuple[str, ...]) -> list[str]:
        stems = []
        for clitic in clitics:
            if form.startswith(clitic):
                readings = [
                    stem
                    for stem in self._after(clitic, form)
                    if len(stem) >= _MIN_STEM and self._takes_off(form, stem)
                ]
                if readings:  # لل: of ل + لجنة and ل + الجنة, the commoner
                    stems.append(max(readings, key=self.vocabulary.zipf))
        return stems

    def _after(self, clitic: str, form: str) -> list[str]:
        """What may follow ``clitic`` in ``form``. لل is ل + ال with the alef dropped (للصين:
        ل + الصين), or ل + a word of its own that begins with ل (للجنة: ل + لجنة, as اللجنة
        says), never ل + ل + a word (للوقف is not ل + لوقف)."""
        rest = form[len(clitic) :]
        if clitic != "ل" or not rest.startswith("ل"):
            return [rest]
        own_word = rest in self.protected or self._takes_article(rest)
        return [rest, "ا" + rest] if own_word else ["ا" + rest]

    def _takes_off(self, form: str, stem: str) -> bool:
        """Whether ``form`` is ``stem`` with something attached, rather than a word of its own."""
        if stem.isdecimal():
            return True  # و2024
        word = stem[len(_ARTICLE) :] if stem.startswith(_ARTICLE) else stem  # بالطن: ب + ال + طن
        if not (self.is_word(stem) or self.is_word(word)) or self._stands_alone(form):
            return False
        return self._rarer(form, stem) or self._rarer(form, word)

    def _stands_alone(self, form: str) -> bool:
        """Whether ``form`` takes the article itself, or does once a pronoun is off (فوزنا:
        الفوز): then it is a word, not a clitic + stem."""
        if form.startswith(_ARTICLE):
            return False
        bases = [form] + [
            candidate
            for pronoun in _PRONOUNS
            if form.endswith(pronoun) and len(form) - len(pronoun) >= _MIN_STEM
            for candidate in _before_pronoun(form[: -len(pronoun)])
        ]
        return any(self._takes_article(base) for base in bases)

    def _takes_article(self, form: str) -> bool:
        return self.vocabulary.zipf(_ARTICLE + form) >= ALONE_WITH_ARTICLE

    def _article_off(self, form: str) -> list[str]:
        stem = form[len(_ARTICLE) :]
        if form.startswith(_ARTICLE) and len(stem) >= _MIN_STEM and self._definite_of(form, stem):
            return [stem]
        return []

    def _definite_of(self, form: str, stem: str) -> bool:
        if stem in self.names:
            return True
        if not self.is_word(stem):
            return False
        return self.vocabulary.zipf(form) - self.vocabulary.zipf(stem) < NAME_GAP

    # --- suffixes --------------------------------------------------------------------------

    def _without_suffix(self, stem: str) -> str:
        number = _NUMBER.fullmatch(stem)
        if number:
            return number.group(1)  # 2024م is the year 2024
        if stem in self.protected or not stem[:1].isalpha() or stem.isascii():
            return stem
        shorter = self._one_suffix_off(stem, _SUFFIX_RULES)
        if shorter is None:
            return stem
        # A pronoun may follow a plural: انتخاباتها is انتخابات + ها.
        return self._one_suffix_off(shorter, _INFLECTION_RULES) or shorter

    def _one_suffix_off(self, stem: str, rules: tuple[tuple[str, _Rule], ...]) -> str | None:
        for suffix, rule in rules:
            base = stem[: -len(suffix)]
            if stem.endswith(suffix) and len(base) >= _MIN_STEM:
                shorter = rule(self, stem, base)
                if shorter is not None:
                    return shorter
        return None

    def _pronoun_off(self, form: str, base: str) -> str | None:
        """حكومته → حكومة, نفطها → نفط. The article never stands before a pronoun; a form in
        ـي that takes the article is a nisba (النفطي), not "my oil"."""
        if form.startswith(_ARTICLE) or (form.endswith("ي") and self._takes_article(form)):
            return None
        for candidate in _before_pronoun(base):
            if self.is_word(candidate) and self._rarer(form, candidate):
                return candidate
        return None

    def _feminine_plural_off(self, _form: str, base: str) -> str | None:
        """حكومات → حكومة; استثمارات → استثمار, but only a long stem's (كتابات is "writings",
        سعرات "calories": a short noun's plural is a broken one)."""
        if len(base) >= _MIN_MASDAR and self.is_word(base):
            return base  # منتخبات: منتخب, though منتخبة is a word too
        return base + _TA_MARBUTA if self.is_word(base + _TA_MARBUTA) else None

    def _feminine_dual_off(self, _form: str, base: str) -> str | None:
        """الحكومتين → الحكومة: the dual of a word in ة."""
        return base + _TA_MARBUTA if self.is_word(base + _TA_MARBUTA) else None

    def _sound_off(self, form: str, base: str) -> str | None:
        """لاعبون → لاعب, البلدين → البلد, وزيران → وزير. A form in ـون or ـان is a plural or
        dual only where its other case is a word too: زيتون has no زيتين (the olive, not زيت),
        فيضان no فيضين (a flood, not فيض)."""
        if len(base) < _MIN_SUFFIX_STEM or not (self.is_word(base) and self._rarer(form, base)):
            return None
        partner = _PARTNERS.get(form[len(base) :])
        if partner and self.vocabulary.zipf(base + partner) < ALONE_WITH_ARTICLE:
            return None
        return base

    def _accusative_off(self, form: str, base: str) -> str | None:
        """دولارا → دولار: the accusative's alef; not where the alef is the word's (روسيا)."""
        if form.startswith(_ARTICLE) or not (self.is_word(base) and self._rarer(form, base)):
            return None
        return base

    def _rarer(self, form: str, stem: str) -> bool:
        """Whether ``form`` is rarer than ``stem``, as a word with a clitic on it is. A form
        the list lacks altogether (ودونباس, of a name the list lacks too) is no word of its
        own either."""
        zipf = self.vocabulary.zipf(form)
        return zipf == 0 or zipf <= self.vocabulary.zipf(stem) - CLITIC_MARGIN


def _before_pronoun(base: str) -> list[str]:
    """What a word looked like before a pronoun was added: ة became ت, ى became ا, ء ئ."""
    candidates = [base]
    if base.endswith("ت"):
        candidates.insert(0, base[:-1] + _TA_MARBUTA)
    elif base.endswith("ا"):
        candidates.append(base[:-1] + "ي")  # مستشفاه: ى, folded to ي
    elif base.endswith("ئ"):
        candidates.append(base[:-1] + "ء")  # دوائه
    return candidates


_Rule = Callable[[Morphology, str, str], "str | None"]
# Longest first; each suffix with the rule that decides whether it comes off.
_SUFFIX_RULES: tuple[tuple[str, _Rule], ...] = (
    ("هما", Morphology._pronoun_off),
    ("كما", Morphology._pronoun_off),
    ("تان", Morphology._feminine_dual_off),
    ("تين", Morphology._feminine_dual_off),
    ("ات", Morphology._feminine_plural_off),
    ("ون", Morphology._sound_off),
    ("ين", Morphology._sound_off),
    ("ان", Morphology._sound_off),
    ("ها", Morphology._pronoun_off),
    ("هم", Morphology._pronoun_off),
    ("كم", Morphology._pronoun_off),
    ("نا", Morphology._pronoun_off),
    ("ه", Morphology._pronoun_off),
    ("ي", Morphology._pronoun_off),
    ("ا", Morphology._accusative_off),
)
_PARTNERS = {"ون": "ين", "ان": "ين"}
_INFLECTION_RULES = tuple(
    (suffix, rule)
    for suffix, rule in _SUFFIX_RULES
    if rule is not Morphology._pronoun_off and suffix != "ا"
)


def _remember(cache: dict[str, _Value], key: str, value: _Value) -> None:
    """Keep ``value``; forget everything once the cache is full, as news repeats its words."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
