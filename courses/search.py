"""Chinese-friendly search terms for Wagtail's database search backend.

The database backends (SQLite FTS5, PostgreSQL full text) split words on spaces and
punctuation, so a run of Chinese characters is one "word": searching 劳动法 would not find
工会法与劳动法实务. Like the CJK bigram analyzers of Lucene and Elasticsearch, courses index
their text as single characters and overlapping character pairs, and a query is turned into
pairs the same way and searched with AND. Pure functions: no database.
"""

import re

# CJK unified ideographs (with extension A) and compatibility ideographs.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")


def index_terms(text: str) -> str:
    """Return ``text`` as space-separated terms to index: Chinese characters and their pairs.

    Other words (Latin letters, digits) are kept whole.
    """
    terms: list[str] = []
    for token in _TOKEN.findall(text or ""):
        if _IS_CJK.match(token):
            terms.extend(token)
            terms.extend(token[i : i + 2] for i in range(len(token) - 1))
        else:
            terms.append(token.lower())
    return " ".join(terms)


def query_terms(query: str) -> str:
    """Return the terms to search for ``query`` (all must match): pairs, or one character."""
    terms: list[str] = []
    for token in _TOKEN.findall(query or ""):
        if not _IS_CJK.match(token):
            terms.append(token.lower())
        elif len(token) == 1:
            terms.append(token)
        else:
            terms.extend(token[i : i + 2] for i in range(len(token) - 1))
    # Repeated pairs (劳动…劳动) add nothing to an AND search.
    return " ".join(dict.fromkeys(terms))
