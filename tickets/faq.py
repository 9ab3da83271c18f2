"""FAQ answers that match what an owner is typing, so a common question needs no ticket.

Plain full-text matching in Python over the organisation's published entries (a few dozen to
a few hundred short texts): no search engine to run. Chinese is written without spaces, so it
is cut into overlapping character pairs (“漏水” in “厨房漏水了” matches “漏水怎么办”); other
text into lowercase words. Each shared token counts by where it matches (question and
keywords weigh more than the answer) and by how rare it is among the entries, so words every
entry contains (“请”, “the”) do not decide anything.
"""

import math
import re
from dataclasses import dataclass

from .models import FaqEntry

LIMIT = 3
QUESTION_WEIGHT, KEYWORD_WEIGHT, ANSWER_WEIGHT = 3.0, 3.0, 1.0
# CJK ideographs (with extension A and compatibility ideographs) and kana, written unspaced.
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[^\W{_CJK}_]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
# Words that say nothing about the problem; single letters and digits go too.
_STOP_WORDS = frozenset(
    "a an and are at be but by can do does for from have how i in is it its me my no not of "
    "on or our please so that the there this to was we what when where which who why will "
    "with you your".split()
)
_STOP_CHARACTERS = frozenset("的了吗呢吧啊我你他她它们是在有和请么怎这那")


def tokens(text: str) -> set[str]:
    """The matching units of ``text``: character pairs of Chinese, lowercase words otherwise."""
    found: set[str] = set()
    for run in _RUNS.findall((text or "").lower()):
        if _CJK_RUN.fullmatch(run):
            if len(run) == 1:
                if run not in _STOP_CHARACTERS:
                    found.add(run)
                continue
            for pair in (run[i:i + 2] for i in range(len(run) - 1)):
                if not set(pair) <= _STOP_CHARACTERS:
                    found.add(pair)
        elif len(run) > 1 and run not in _STOP_WORDS:
            found.add(run)
    return found


@dataclass(frozen=True)
class _Indexed:
    entry: FaqEntry
    question: set[str]
    keywords: set[str]
    answer: set[str]

    @property
    def all(self) -> set[str]:
        return self.question | self.keywords | self.answer


def _score(item: _Indexed, query: set[str], rarity: dict[str, float]) -> float:
    score = 0.0
    for token in query:
        weight = 0.0
        if token in item.question:
            weight += QUESTION_WEIGHT
        if token in item.keywords:
            weight += KEYWORD_WEIGHT
        if token in item.answer:
            weight += ANSWER_WEIGHT
        score += weight * rarity.get(token, 0.0)
    return score


def faq_match(*, organization, text: str, limit: int = LIMIT) -> list[FaqEntry]:
    """Up to ``limit`` published FAQ entries of ``organization`` best matching ``text``,
    best first; none when nothing matches (one query)."""
    query = tokens(text)
    if not query:
        return []
    entries = FaqEntry.objects.filter(organization=organization, is_published=True)
    indexed = [
        _Indexed(
            entry, tokens(entry.question), tokens(entry.keywords),
            tokens(entry.answer),
        )
        for entry in entries
    ]
    if not indexed:
        return []
    count = len(indexed)
    document_frequency: dict[str, int] = {}
    for item in indexed:
        for token in item.all & query:
            document_frequency[token] = document_frequency.get(token, 0) + 1
    rarity = {
        token: math.log(1 + count / frequency) for token, frequency in document_frequency.items()
    }
    scored = [(_score(item, query, rarity), item.entry) for item in indexed]
    scored = [pair for pair in scored if pair[0] > 0]
    scored.sort(key=lambda pair: (-pair[0], pair[1].sort_order, pair[1].pk))
    return [entry for _score_value, entry in scored[:limit]]
