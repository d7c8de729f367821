"""The one Arabic analyzer: clitics come off only where the language says they are clitics."""

from __future__ import annotations

import pytest

from content.analyzer import Morphology
from content.arabic import tokens
from content.words import arabic_vocabulary


@pytest.fixture(scope="module")
def morphology() -> Morphology:
    return Morphology(arabic_vocabulary(), names=("بحرين", "لبنان"))


def term(morphology: Morphology, word: str) -> str:
    (token,) = tokens(word)
    return morphology.term(token)


@pytest.mark.parametrize(
    ("forms", "word"),
    [
        (["النفط", "للنفط", "والنفط", "بالنفط", "نفطها", "فالنفط"], "نفط"),
        (["الحكومة", "حكومته", "للحكومة", "حكومات", "الحكومتين"], "حكومة"),
        (["لاعب", "لاعبون", "اللاعبين", "للاعب"], "لاعب"),
        (["لجنة", "للجنة", "لجنته"], "لجنة"),
        (["الصين", "للصين", "وللصين"], "الصين"),  # صين alone is no word: the name keeps ال
        (["2024", "٢٠٢٤", "و2024", "2024م"], "2024"),
        (["استثمار", "استثمارات", "استثماراتها"], "استثمار"),
        (["دولار", "دولارا"], "دولار"),
    ],
)
def test_every_form_of_a_word_reads_as_the_word(
    morphology: Morphology, forms: list[str], word: str
) -> None:
    assert {term(morphology, form) for form in forms} == {tokens(word)[0]}


@pytest.mark.parametrize(
    ("word", "look_alike"),
    [
        ("فقد", "قد"),  # a root فـ, not the conjunction
        ("وطن", "طن"),
        ("كمال", "مال"),
        ("بلد", "ولد"),
        ("لقاء", "بقاء"),
        ("سلامة", "سلام"),  # ة belongs to the word
        ("ملكية", "ملك"),
        ("النفطي", "النفط"),  # a nisba, not "my oil"
        ("الزيتون", "زيت"),  # no زيتين: not a plural
        ("بكين", "كين"),  # as common as كين: no clitic on it
        ("كتابات", "كتاب"),  # a short noun's plural is a broken one
    ],
)
def test_a_look_alike_is_another_word(morphology: Morphology, word: str, look_alike: str) -> None:
    assert term(morphology, word) != term(morphology, look_alike)


def test_a_name_the_lexicon_knows_keeps_its_ending(morphology: Morphology) -> None:
    assert term(morphology, "البحرين") == "بحرين"  # not بحر + ين
    assert term(morphology, "للبنان") == "لبنان"  # not لبن + ان


def test_readings_offer_the_word_whole_first(morphology: Morphology) -> None:
    assert morphology.readings("وللصين")[0] == ("وللصين", False)
    assert ("الصين", False) in morphology.readings("وللصين")
