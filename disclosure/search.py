"""Full-text search over published replies (答复公开检索).

Chinese has no spaces between words, so the text is cut into words with jieba (its own
dictionary plus ``dictionary.txt`` and every agency's name and short name) before
PostgreSQL sees it:

- ``index(publication)`` writes the publication's ``PublicationSearch`` row: the words of
  the title (with the proposal's title) and of the plain body (``cut_for_search``, so a
  long word also yields its 2-character words), and ``plain``: title, proposal number,
  index number and body as one lowercased text. On PostgreSQL ``document`` becomes
  ``to_tsvector('simple', …)``, title weighted A and body B, under a GIN index, and
  ``plain`` has a ``pg_trgm`` GIN index. Publishing indexes through the Celery task
  ``disclosure.tasks.index_publication`` once the transaction commits (``index_on_commit``);
  ``manage.py rebuild_search_index`` rebuilds every row.
- ``search(publications, q)`` returns a ``Found``: the results, the explanation and the
  count. Terms are separated by spaces and all must match; a quoted phrase (``"社区治理"``
  or ``“社区治理”``) must appear as written. On PostgreSQL a term is cut with jieba and
  matched as words (``&``; ``<->`` within a phrase) against ``document``; a term of 3 or
  more characters also matches as a substring of ``plain`` (trigram index), which covers
  words jieba cuts differently and numbers: proposal numbers (607, 20210549) and index
  numbers (2023-00364) always match as substrings. Results put those whose title matches
  every term first, then rank (``ts_rank_cd``), then the newest; a search ranks at most
  ``POOL`` matches, the newest. On SQLite each term is matched by containment in the
  title, proposal title, numbers and plain body. Filters already on the queryset stay.
  The explanation gives the count, or, for no result, the terms searched and what to try.
- ``snippet(publication, q)`` is up to two fragments of the plain body around the terms,
  with each match in ``<mark>`` and everything else escaped, on every database (PostgreSQL's
  ``ts_headline`` sees a run of Chinese characters as one word and cannot highlight in it).
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.safestring import SafeString, mark_safe

from portal import clock, outbox
from portal.runtime import settle
from responses.richtext import to_plain

from .models import Publication, PublicationSearch

logger = logging.getLogger(__name__)

DICTIONARY = Path(__file__).resolve().parent / "dictionary.txt"
MAX_TERMS = 10
MAX_QUERY_LENGTH = 200
SUBSTRING_MIN = 3  # shorter terms match as words only (a trigram index needs 3 characters)
SNIPPET_CONTEXT = 40  # characters either side of a match
SNIPPET_FRAGMENTS = 2
POOL = 500  # the most matches a search ranks and pages through

_WORD = re.compile(r"\w", re.UNICODE)
_NUMBER = re.compile(r"[0-9A-Za-z/\-]*\d[0-9A-Za-z/\-]*")
_PHRASE = re.compile(r"\"([^\"]*)\"|“([^”]*)”|「([^」]*)」")

_lock = threading.Lock()
_tokenizer = None
_added_words: set[str] = set()


# -- segmentation -----------------------------------------------------------------------


def tokenizer():
    """The process's jieba tokenizer, loaded on first use (it takes a second or two)."""
    global _tokenizer
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            loaded = jieba.Tokenizer()
            loaded.initialize()
            loaded.load_userdict(str(DICTIONARY))
            _tokenizer = loaded
            add_agency_words()
            # The dictionary lives as long as the process: out of the collector's walks.
            settle()
    return _tokenizer


def add_words(*words: str) -> None:
    """Teach the tokenizer words (agency names…) so they are cut as one word."""
    new = {w.strip() for w in words if w and w.strip()} - _added_words
    if not new:
        return
    segmenter = tokenizer()
    for word in sorted(new):
        segmenter.add_word(word)
        _added_words.add(word)


def add_agency_words() -> None:
    """Add every agency's name and short name to the tokenizer."""
    from agencies.models import Agency

    try:
        names = list(Agency.objects.values_list("name", "short_name"))
    except Exception:  # no database yet (a worker starting before migrate): names come later
        logger.warning("search: agency names not loaded into the dictionary", exc_info=True)
        return
    add_words(*(n for pair in names for n in pair))


def _keep(tokens) -> list[str]:
    return [t.strip().lower() for t in tokens if _WORD.search(t)]


def words(text: str) -> list[str]:
    """``text`` cut into words (for a query), punctuation and spaces dropped."""
    return _keep(tokenizer().cut(text or ""))


def index_words(text: str) -> list[str]:
    """``text`` cut for the index: each word and the shorter words inside long ones."""
    return _keep(tokenizer().cut_for_search(text or ""))


# -- indexing ---------------------------------------------------------------------------


def _plain_body(publication: Publication) -> str:
    return to_plain(publication.body)


def index(publication: Publication) -> PublicationSearch:
    """Write (or rewrite) ``publication``'s search row."""
    agency = publication.agency
    add_words(agency.name, agency.short_name, *publication.co_handlers)
    title = " ".join(t for t in [publication.title, publication.proposal_title] if t)
    body = _plain_body(publication)
    plain = "\n".join(
        part
        for part in [
            title,
            publication.proposal_number,
            publication.index_number,
            publication.document_number,
            body,
        ]
        if part
    ).lower()
    entry, _ = PublicationSearch.objects.update_or_create(
        publication=publication,
        defaults={
            "title_tokens": " ".join(index_words(title)),
            "body_tokens": " ".join(index_words(body)),
            "plain": plain,
            "indexed_at": clock.now(),
        },
    )
    if connection.vendor == "postgresql":
        PublicationSearch.objects.filter(pk=entry.pk).update(
            document=SearchVector("title_tokens", config="simple", weight="A")
            + SearchVector("body_tokens", config="simple", weight="B")
        )
    return entry


def index_on_commit(publication: Publication) -> None:
    """Index ``publication`` in the background once the current transaction commits."""
    from .tasks import index_publication

    outbox.send_on_commit(index_publication, publication.pk)


# -- the query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One thing the user searched for: a word or run of words, a quoted phrase, a number."""

    text: str
    phrase: bool = False

    @property
    def is_number(self) -> bool:
        return bool(_NUMBER.fullmatch(self.text))


def parse(q: str) -> list[Term]:
    """The terms of ``q``: quoted phrases and space-separated runs, at most ``MAX_TERMS``."""
    q = (q or "").strip()[:MAX_QUERY_LENGTH]
    terms: list[Term] = []
    for match in _PHRASE.finditer(q):
        phrase = next(g for g in match.groups() if g is not None).strip()
        if phrase:
            terms.append(Term(phrase, phrase=True))
    rest = _PHRASE.sub(" ", q)
    terms += [Term(chunk) for chunk in rest.split() if _WORD.search(chunk)]
    unique = list(dict.fromkeys(terms))
    return unique[:MAX_TERMS]


def _tsquery(term: Term) -> str | None:
    """The ``to_tsquery`` text of a term: its words, adjacent (``<->``) in a phrase."""
    tokens = [re.sub(r"\W", "", t) for t in words(term.text)]
    tokens = [t for t in tokens if t]
    if not tokens:
        return None
    joiner = " <-> " if term.phrase else " & "
    return "(" + joiner.join(f"'{t}'" for t in tokens) + ")"


def _headline_hit(terms: list[Term]) -> Q:
    """Every term in the title or the proposal's title (numbers: the proposal or index number)."""
    condition = Q()
    for term in terms:
        if term.is_number:
            condition &= Q(proposal_number__iexact=term.text) | Q(index_number__icontains=term.text)
        else:
            condition &= Q(title__icontains=term.text) | Q(proposal_title__icontains=term.text)
    return condition


def _containment(term: Term) -> Q:
    text = term.text
    return (
        Q(title__icontains=text)
        | Q(proposal_title__icontains=text)
        | Q(proposal_number__icontains=text)
        | Q(index_number__icontains=text)
        | Q(search_entry__plain__contains=text.lower())
    )


def _postgres_match(term: Term, prefix: str = "search_entry__") -> tuple[Q, str | None]:
    """The condition for ``term`` on a publication (or, ``prefix=""``, on its search row)."""
    substring = Q(**{f"{prefix}plain__contains": term.text.lower()})
    if term.is_number:
        return substring, None
    tsquery = _tsquery(term)
    if tsquery is None:
        return substring, None
    condition = Q(**{f"{prefix}document": SearchQuery(tsquery, search_type="raw", config="simple")})
    if len(term.text) >= SUBSTRING_MIN:
        condition |= substring
    return condition, tsquery


def _quote(terms: list[Term]) -> str:
    return "、".join(f"“{t.text}”" for t in terms)


@dataclass
class Found:
    """What a search found: the page-able results, best first, and how many there are.

    ``count`` is exact up to ``POOL``; ``capped`` says there were more, of which the
    results hold the newest (or, sorted oldest first, the oldest) ``POOL``.
    """

    results: QuerySet
    explanation: str
    count: int = 0
    capped: bool = False


def _matches(publications: QuerySet, terms: list[Term]) -> tuple[QuerySet, list[str]]:
    """``publications`` that match every term, and the tsquery of each word term."""
    postgres = connection.vendor == "postgresql"
    condition = Q()
    tsqueries = []
    for term in terms:
        if postgres:
            match, tsquery = _postgres_match(term)
            if tsquery:
                tsqueries.append(tsquery)
        else:
            match = _containment(term)
        condition &= match
    return publications.filter(condition), tsqueries


def matching(publications: QuerySet, q: str) -> QuerySet:
    """Every publication of ``publications`` matching ``q``, unranked and unlimited (exports)."""
    terms = parse(q)
    return _matches(publications, terms)[0] if terms else publications


def search(
    publications: QuerySet,
    q: str,
    *,
    oldest_first: bool = False,
    sizes: tuple[int, int] | None = None,
) -> Found:
    """The publications of ``publications`` matching ``q``, best first, and what was found.

    A common word can match most of a large portal, and ranking every match on every
    search would cost seconds. So the matches are taken newest first (oldest first when
    the reader sorts that way) up to ``POOL`` (see ``_pool``), and only those are ranked:
    title matches first, then ``ts_rank_cd``, then the newest. Past ``POOL`` the
    explanation says so and asks for another word or a filter. The explanation is the
    count (共找到N条) or, when nothing matched, which terms were searched and what to try.
    ``sizes`` is how many publications ``publications`` holds and how many there are in
    all, when the caller knows (the list counts them from its facets). A blank ``q``
    returns ``publications`` unchanged with an empty explanation.
    """
    terms = parse(q)
    if not terms:
        return Found(publications, "")
    matches, tsqueries = _matches(publications, terms)
    pool = _pool(matches, terms, oldest_first, sizes)
    capped = len(pool) > POOL
    pool = pool[:POOL]
    found = publications.filter(pk__in=pool).annotate(
        title_hit=Case(
            When(_headline_hit(terms), then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    )
    ordering = ["-title_hit"]
    if tsqueries:
        query = SearchQuery(" & ".join(tsqueries), search_type="raw", config="simple")
        found = found.annotate(
            rank=SearchRank(F("search_entry__document"), query, cover_density=True)
        )
        ordering.append(F("rank").desc(nulls_last=True))
    found = found.order_by(*ordering, "-published_on", "-id")
    explanation = explain(publications, terms, len(pool), capped=capped, oldest_first=oldest_first)
    return Found(found, explanation, len(pool), capped)


# Reading one reply while walking the list's date index means reading and decompressing
# its search row's tsvector, a few kilobytes; fetching one match off the GIN index reads
# a narrow row. What the one costs against the other, measured on PostgreSQL 15:
WALK_COST = 2.5
MATCH_COST = 1.0
FETCH_LIMIT = 20_000  # the most matches fetched off the GIN index at once


def _pool(matches: QuerySet, terms: list[Term], oldest_first: bool, sizes) -> list[int]:
    """The ids of the first ``POOL + 1`` matches, newest (or oldest) first.

    PostgreSQL's planner walks the list's date index and tests each reply until the pool
    is full: quick when most replies match, slow for a word in a few percent of them,
    because its cost model does not know a test reads a large tsvector. When the
    planner's own estimate of the matches (``EXPLAIN``, no rows read) says fetching all
    of them off the GIN index costs less than that walk, they are fetched (with no order,
    so the planner has no reason to walk) and ordered here.
    """
    if connection.vendor == "postgresql" and sizes and _few_enough(terms, *sizes):
        rows = list(matches.order_by().values_list("published_on", "pk")[: FETCH_LIMIT + 1])
        if len(rows) <= FETCH_LIMIT:
            rows.sort(reverse=not oldest_first)
            return [pk for _, pk in rows[: POOL + 1]]
    order = ("published_on", "id") if oldest_first else ("-published_on", "-id")
    return list(matches.order_by(*order).values_list("pk", flat=True)[: POOL + 1])


def _few_enough(terms: list[Term], chosen: int, total: int) -> bool:
    """Whether fetching every match costs less than walking ``chosen`` replies by date."""
    condition = Q()
    for term in terms:
        condition &= _postgres_match(term, prefix="")[0]
    estimated = _estimated_rows(PublicationSearch.objects.filter(condition))
    if estimated is None or estimated > FETCH_LIMIT:
        return False
    walk = min(chosen, POOL * total / max(estimated, 1)) * WALK_COST
    return estimated * MATCH_COST < walk


def _estimated_rows(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of how many rows ``queryset`` holds, from its plan."""
    try:
        plan = json.loads(queryset.explain(format="json"))
        plan = plan[0] if isinstance(plan, list) else plan
        return int(plan["Plan"]["Plan Rows"])
    except (ValueError, LookupError, TypeError):
        return None


def explain(
    publications: QuerySet,
    terms: list[Term],
    count: int,
    *,
    capped: bool = False,
    oldest_first: bool = False,
) -> str:
    """What a search found, or why it found nothing and what to try."""
    if capped:
        which = "最早" if oldest_first else "最新"
        return (
            f"包含{_quote(terms)}的答复超过{count}条,按相关度列出其中{which}的{count}条;"
            "可以增加检索词,或按年份、承办单位等筛选,缩小范围。"
        )
    if count:
        return f"共找到{count}条包含{_quote(terms)}的答复。"
    parts = [f"没有找到同时包含{_quote(terms)}的答复。"]
    filtered = bool(publications.query.where)
    if filtered and not publications.exists():
        parts.append("当前筛选条件下没有已公开的答复,请放宽筛选条件。")
        return "".join(parts)
    if len(terms) > 1:
        missing = [t for t in terms if not search_one(publications, t)]
        if missing:
            parts.append(f"其中{_quote(missing)}没有匹配的答复。")
        parts.append("可以减少检索词,或只保留最关键的词。")
    short = [t for t in terms if len(t.text) < 2 and not t.is_number]
    if short:
        parts.append("单个字不能作为检索词,请输入两个字以上的词语。")
    if any(t.phrase for t in terms):
        parts.append("引号中的短语须原样出现,可以去掉引号再试。")
    if filtered:
        parts.append("也可以取消部分筛选条件后再试。")
    return "".join(parts)


def search_one(publications: QuerySet, term: Term) -> bool:
    """Whether ``term`` alone matches any of ``publications``."""
    if connection.vendor == "postgresql":
        match, _ = _postgres_match(term)
    else:
        match = _containment(term)
    return publications.filter(match).exists()


# -- snippets ---------------------------------------------------------------------------


def _highlight_terms(q: str) -> list[str]:
    """What to mark in a snippet: the terms and, outside phrases, their words; longest first."""
    marks: set[str] = set()
    for term in parse(q):
        marks.add(term.text.lower())
        if not term.phrase and not term.is_number:
            marks.update(w for w in words(term.text) if len(w) >= 2)
    return sorted(marks, key=len, reverse=True)


def snippet(publication: Publication, q: str, *, text: str | None = None) -> SafeString:
    """Up to two fragments of the plain body around the search terms, matches in ``<mark>``.

    Everything but the ``<mark>`` tags is escaped. Without a match, the body's opening.
    ``text`` replaces the body (the search row's plain text, say) when given.
    """
    plain = " ".join((text if text is not None else _plain_body(publication)).split())
    marks = _highlight_terms(q)
    pattern = re.compile("|".join(re.escape(m) for m in marks), re.IGNORECASE) if marks else None
    hits = list(pattern.finditer(plain)) if pattern else []
    if not hits:
        opening = plain[: SNIPPET_CONTEXT * 2]
        ellipsis = "…" if len(plain) > len(opening) else ""
        return mark_safe(html.escape(opening) + ellipsis)
    windows: list[list[int]] = []
    for hit in hits:
        start = max(0, hit.start() - SNIPPET_CONTEXT)
        end = min(len(plain), hit.end() + SNIPPET_CONTEXT)
        if windows and start <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], end)
        elif len(windows) < SNIPPET_FRAGMENTS:
            windows.append([start, end])
        else:
            break
    fragments = []
    for start, end in windows:
        piece = plain[start:end]
        out, last = [], 0
        for hit in pattern.finditer(piece):
            out.append(html.escape(piece[last : hit.start()]))
            out.append(f"<mark>{html.escape(hit.group())}</mark>")
            last = hit.end()
        out.append(html.escape(piece[last:]))
        prefix = "…" if start > 0 else ""
        suffix = "…" if end < len(plain) else ""
        fragments.append(prefix + "".join(out) + suffix)
    return mark_safe(" ".join(fragments))
