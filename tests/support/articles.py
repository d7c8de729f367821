"""Small articles in the seed's format, made up for tests."""

from __future__ import annotations

from pathlib import Path


def article_text(headline: str, sentence: str) -> str:
    """A complete article whose paragraphs and summary carry ``sentence``."""
    return (
        f"{sentence} وهذه مقدمة الخبر.\n"
        "تفاصيل الخبر\n"
        f"{sentence} وتتواصل المحادثات.\n"
        "ويقول المراقبون إن الأمر يستحق المتابعة.\n"
        f"{headline}:\n"
        f"{sentence} المحادثات مستمرة.\n"
    )


def write_article(folder: Path, name: str, headline: str, sentence: str) -> Path:
    """Write an article file into ``folder`` and return its path."""
    path = folder / f"{name}.txt"
    path.write_text(article_text(headline, sentence), encoding="utf-8")
    return path


IRAN_NEWS = ("nuclear-talks", "محادثات فيينا", "وصل وفد إيران إلى فيينا لاستئناف المحادثات.")

# Places and words our seeds never mention: a forum of a desk covering Latin America.
GUYANA_OIL = (
    "guyana-oil",
    "نفط غيانا",
    "أعلنت غيانا اكتشاف حقل جديد للنفط قبالة سواحلها في المحيط الأطلسي.",
)
BOLIVIA_LITHIUM = (
    "bolivia-lithium",
    "ليثيوم بوليفيا",
    "وقعت بوليفيا عقدا لاستخراج الليثيوم من سهول أويوني الملحية.",
)
