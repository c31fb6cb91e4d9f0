"""往年相似建议提案: the earlier items most like a draft or an item, with their replies.

The same problem comes back year after year (年年提); whoever drafts, reviews or answers
an item sees what was proposed before and what was answered.

- ``index(proposal)`` writes the item's ``ProposalSearch`` row: the distinct jieba words
  of its title and of its body (the portal's tokenizer, ``disclosure.search``, with its
  dictionary and the agencies' names; words of two characters or more, not bare numbers).
  On PostgreSQL ``document`` (all its words) and ``title_document`` (its title's) are
  tsvectors under GIN indexes. ``ProposalTerm`` keeps how many items use each word. Filing an item
  or saving its draft indexes it once the transaction commits (``index_on_commit``);
  ``manage.py rebuild_similar_index`` rebuilds every row and recounts the words.
- ``choose_terms(title, body)`` picks the words that say what a text is about: a word's
  weight is its inverse document frequency (how rare it is among the indexed items) times
  how often the text uses it (a title word counts twice); a word that more than
  ``COMMON_SHARE`` of the items use (建议, 关于, 加强) is left out, and the words chosen
  may match at most ``BUDGET`` items between them, so a lookup ranks a bounded number.
- ``similar_to(subject, user)`` ranks the items matching any chosen word by the sum of the
  weights of the words they contain (a word in their title counts twice; an item of the
  subject's class, 主题分类, as if it held half the weight more): on PostgreSQL one
  query sums, per item, one GIN index scan per word (never reading the items' words, so it
  costs what the words match); on SQLite the words are matched as text and summed in
  Python. The same ranking either way. It returns the best earlier items the user may find
  (``visible_items``), those of other sessions first, each with its session, lead agency,
  result and replies: the published reply, else the sent letter when the user may read it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse

from disclosure.search import index_words
from portal import clock, outbox

from .models import Assignment, Proposal, ProposalSearch, ProposalTerm

MAX_WORD = 40  # characters; longer runs (a pasted address, a URL) are not words
MAX_TERMS = 30  # words a lookup asks for
TITLE_FACTOR = 2  # a word of the title counts this many times one of the body
COMMON_SHARE = 0.2  # a word more items use than this share says little about any of them
COMMON_FROM = 50  # items indexed before a word is judged common by its share
BUDGET = 5000  # the most items the chosen words may match between them
POOL = 50  # the best matches a lookup orders (other sessions first) before it cuts
CANDIDATES = 400  # the best-scoring items PostgreSQL hands over to be checked for the reader
MIN_SHARE = 0.05  # of the chosen words' weight, the least an item must match to be shown
TOPIC_SHARE = 0.5  # of the words' weight, what sharing the subject class (主题分类) adds
LIMIT = 5
MAX_LIMIT = 20
MAX_TEXT = 20_000  # characters of a draft read for a lookup
DOCUMENTS_KEY = "similarity:documents"
DOCUMENTS_SECONDS = 300
HIDDEN = (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN)

_NON_WORD = re.compile(r"\W")


# -- the words ------------------------------------------------------------------------------


def item_words(text: str) -> list[str]:
    """The words of ``text`` as the index keeps them, in order, repeats kept."""
    found = []
    for token in index_words((text or "")[:MAX_TEXT]):
        word = _NON_WORD.sub("", token).replace("_", "")
        if 2 <= len(word) <= MAX_WORD and not word.isdigit():
            found.append(word)
    return found


def padded(words) -> str:
    """Words as stored: sorted, space-separated, padded so that `` word `` finds one whole."""
    return f" {' '.join(sorted(words))} " if words else ""


def lexemes(words) -> str:
    """Words as a tsvector PostgreSQL reads without parsing them: ``'养老' '社区'``.

    Written out rather than cut again by ``to_tsvector``, so each word is a lexeme exactly as
    jieba cut it. No positions: a lookup asks only whether an item holds a word.
    """
    return " ".join(f"'{word}'" for word in sorted(words))


# -- the index ----------------------------------------------------------------------------


def index(proposal: Proposal) -> ProposalSearch:
    """Write (or rewrite) ``proposal``'s row and keep the word counts in step.

    The item's row is locked while its words are counted, so that two runs for the same
    item (a task delivered twice) count its words once.
    """
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        title_words = set(item_words(proposal.title))
        body_words = set(item_words(proposal.body))
        entry = ProposalSearch.objects.filter(pk=proposal.pk).first()
        before = entry.words if entry else set()
        now = set(title_words | body_words)
        values = {
            "title_words": padded(title_words),
            "body_words": padded(body_words),
            "indexed_at": clock.now(),
        }
        if connection.vendor == "postgresql":
            values["document"] = lexemes(now)
            values["title_document"] = lexemes(title_words)
        if entry is None:
            entry = ProposalSearch.objects.create(proposal=proposal, **values)
            cache.delete(DOCUMENTS_KEY)
        else:
            ProposalSearch.objects.filter(pk=entry.pk).update(**values)
        count_words(added=now - before, removed=before - now)
    return entry


def index_on_commit(proposal: Proposal) -> None:
    """Index ``proposal`` in the background once the current transaction commits."""
    from .tasks import index_proposal

    outbox.send_on_commit(index_proposal, proposal.pk)


def _chunks(items: list, size: int):
    for first in range(0, len(items), size):
        yield items[first : first + size]


def count_words(*, added: set[str], removed: set[str]) -> None:
    """One more item uses each word of ``added``, one fewer each of ``removed``.

    Rows are touched in the words' order, so two items indexed at once never wait on
    each other in a circle.
    """
    table = ProposalTerm._meta.db_table
    with connection.cursor() as cursor:
        for chunk in _chunks(sorted(added), 500):
            cursor.execute(
                f"INSERT INTO {table} (word, documents) VALUES "
                + ", ".join(["(%s, 1)"] * len(chunk))
                + f" ON CONFLICT (word) DO UPDATE SET documents = {table}.documents + 1",
                chunk,
            )
    for chunk in _chunks(sorted(removed), 500):
        ProposalTerm.objects.filter(word__in=chunk).update(documents=F("documents") - 1)


def recount_words() -> int:
    """Count again, from the index, how many items use each word; return how many words."""
    ProposalTerm.objects.all().delete()
    if connection.vendor == "postgresql":
        table = ProposalTerm._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (word, documents) SELECT word, ndoc FROM "
                f"ts_stat('SELECT document FROM {ProposalSearch._meta.db_table} "
                "WHERE document IS NOT NULL')"
            )
    else:
        counts: Counter[str] = Counter()
        for title, body in ProposalSearch.objects.values_list(
            "title_words", "body_words"
        ).iterator():
            counts.update(set(title.split()) | set(body.split()))
        ProposalTerm.objects.bulk_create(
            (ProposalTerm(word=w, documents=n) for w, n in counts.items()), batch_size=1000
        )
    cache.delete(DOCUMENTS_KEY)
    return ProposalTerm.objects.count()


def rebuild(*, missing: bool = False, batch: int = 500) -> int:
    """Index every item (``missing``: only those without a row); return how many."""
    if missing:
        done = 0
        for proposal in Proposal.objects.filter(search_entry__isnull=True).iterator():
            index(proposal)
            done += 1
        return done
    postgres = connection.vendor == "postgresql"
    done = 0
    with transaction.atomic():
        ProposalSearch.objects.all().delete()
        items = Proposal.objects.order_by("pk").values_list("pk", "title", "body")
        rows = []
        for pk, title, body in items.iterator(chunk_size=batch):
            title_words, body_words = set(item_words(title)), set(item_words(body))
            rows.append(
                ProposalSearch(
                    proposal_id=pk,
                    title_words=padded(title_words),
                    body_words=padded(body_words),
                    document=lexemes(title_words | body_words) if postgres else None,
                    title_document=lexemes(title_words) if postgres else None,
                )
            )
            if len(rows) == batch:
                ProposalSearch.objects.bulk_create(rows)
                done, rows = done + len(rows), []
        ProposalSearch.objects.bulk_create(rows)
        done += len(rows)
        recount_words()
    return done


def documents() -> int:
    """How many items are indexed (kept for a few minutes: it only scales the weights).

    PostgreSQL's own count of the table's rows (kept by autovacuum) stands in for counting
    them, which reads the whole table."""
    return cache.get_or_set(DOCUMENTS_KEY, _count_documents, DOCUMENTS_SECONDS)


def _count_documents() -> int:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [ProposalSearch._meta.db_table],
            )
            row = cursor.fetchone()
        if row and row[0] and row[0] > 0:
            return int(row[0])
    return ProposalSearch.objects.count()


# -- the words a lookup asks for --------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    word: str
    weight: float
    documents: int


def choose_terms(title: str, body: str, *, own: set[str] | frozenset = frozenset()) -> list[Term]:
    """The words of a text that best say what it is about, heaviest first.

    ``own`` are the words of the item the text is, when it is indexed: it does not count
    among the items that use them.
    """
    counts: Counter[str] = Counter(item_words(body))
    for word in item_words(title):
        counts[word] += TITLE_FACTOR
    if not counts:
        return []
    used = dict(ProposalTerm.objects.filter(word__in=list(counts)).values_list("word", "documents"))
    # The count of items is kept a few minutes; a word's own count is never above it.
    total = max(documents(), *used.values(), 1) - (1 if own else 0)
    candidates = []
    for word, times in counts.items():
        among = used.get(word, 0) - (1 if word in own else 0)
        if among <= 0:
            continue  # no other item uses it: it cannot find anything
        if total >= COMMON_FROM and among > COMMON_SHARE * total:
            continue
        weight = (1 + math.log(times)) * math.log(1 + total / among)
        candidates.append(Term(word, round(weight, 4), among))
    candidates.sort(key=lambda t: (-t.weight, t.documents, t.word))
    chosen, matched = [], 0
    for term in candidates:
        if len(chosen) == MAX_TERMS:
            break
        if chosen and matched + term.documents > BUDGET:
            continue  # the heaviest word is asked for whatever it matches; others within budget
        chosen.append(term)
        matched += term.documents
    return chosen


# -- who may find what --------------------------------------------------------------------------


def published_condition() -> Exists:
    """An item with a reply on the public portal."""
    from disclosure.models import Publication

    return Exists(Publication.objects.public().filter(letter__assignment__proposal=OuterRef("pk")))


def visible_items(user) -> QuerySet:
    """The items ``user`` may find as earlier items: those their working pages show
    (``Proposal.objects.visible_to``) and every item whose reply is on the public portal;
    never a draft or a withdrawn item."""
    if user is None or not user.is_authenticated:
        return Proposal.objects.none()
    published = Proposal.objects.filter(published_condition())
    return (Proposal.objects.visible_to(user) | published).exclude(status__in=HIDDEN)


def is_earlier(earlier: Proposal, later: Proposal) -> bool:
    """Whether ``earlier`` was submitted before ``later`` (or at the same moment and
    registered first). An item not yet submitted comes after every submitted one."""
    if earlier.submitted_at is None:
        return False
    if later.submitted_at is None:
        return True
    return (earlier.submitted_at, earlier.pk) < (later.submitted_at, later.pk)


def _earlier_than(subject: Proposal) -> Q:
    if subject.submitted_at is None:
        return Q(submitted_at__isnull=False)
    return Q(submitted_at__lt=subject.submitted_at) | Q(
        submitted_at=subject.submitted_at, pk__lt=subject.pk
    )


# -- the ranking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    pk: int
    score: float
    session_id: int


def _scores_postgresql(terms: list[Term], least: float) -> dict[int, float]:
    """The items holding the terms, each with its score, the best ``CANDIDATES``.

    One index scan per word (and per word of a title) off the GIN indexes, summed per
    item: a scan reads each matching row's visibility and never its words, so a lookup
    costs what the words match (at most ``BUDGET`` each way), not what the items hold.
    """
    table = ProposalSearch._meta.db_table
    parts, params = [], []
    for term in terms:
        lexeme = f"'{term.word}'"
        parts.append(
            f"SELECT proposal_id, %s::float8 AS w FROM {table} WHERE document @@ %s::tsquery"
        )
        params += [term.weight, lexeme]
        parts.append(
            f"SELECT proposal_id, %s::float8 AS w FROM {table} WHERE title_document @@ %s::tsquery"
        )
        params += [term.weight * (TITLE_FACTOR - 1), lexeme]
    sql = (
        f"SELECT proposal_id, SUM(w) FROM ({' UNION ALL '.join(parts)}) AS matched "
        "GROUP BY proposal_id HAVING SUM(w) >= %s ORDER BY SUM(w) DESC, proposal_id DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, least, CANDIDATES])
        return {pk: score for pk, score in cursor.fetchall()}


def topic_class(topic_id: int | None) -> int | None:
    """The subject class (主题分类 of the top level) a topic belongs to: itself or its parent."""
    if topic_id is None:
        return None
    from .models import Topic

    parent = Topic.objects.filter(pk=topic_id).values_list("parent_id", flat=True).first()
    return parent or topic_id


def _rank(items: QuerySet, terms: list[Term], subject_class: int | None) -> list[Match]:
    """The ``POOL`` items of ``items`` matching the terms best, best first.

    An item must hold at least ``MIN_SHARE`` of the words' weight; one of the subject's
    class (``subject_class``) then counts ``TOPIC_SHARE`` of that weight more.
    """
    weight = sum(t.weight for t in terms)
    least = MIN_SHARE * weight
    columns = ["pk", "session_id", "submitted_at", "topic_id", "topic__parent_id"]
    if connection.vendor == "postgresql":
        scores = _scores_postgresql(terms, least)
        rows = [
            (*row, scores[row[0]])
            for row in items.filter(pk__in=list(scores)).values_list(*columns)
        ]
    else:
        condition = Q()
        for term in terms:
            word = f" {term.word} "
            condition |= Q(search_entry__title_words__contains=word)
            condition |= Q(search_entry__body_words__contains=word)
        rows = []
        found = items.filter(condition).values_list(
            *columns, "search_entry__title_words", "search_entry__body_words"
        )
        for *row, title, body in found:
            title_words, body_words = set(title.split()), set(body.split())
            score = sum(
                t.weight * TITLE_FACTOR if t.word in title_words else t.weight
                for t in terms
                if t.word in title_words or t.word in body_words
            )
            if score >= least:
                rows.append((*row, score))
    ranked = []
    for pk, session, submitted, topic, parent, score in rows:
        if subject_class is not None and (parent or topic) == subject_class:
            score += TOPIC_SHARE * weight
        ranked.append((round(score, 6), submitted.timestamp() if submitted else 0, pk, session))
    ranked.sort(reverse=True)
    return [Match(pk, score, session) for score, _, pk, session in ranked[:POOL]]


# -- what a lookup answers --------------------------------------------------------------------


@dataclass
class Reply:
    """An earlier item's reply as the reader may read it: the published version, or the
    letter as sent."""

    agency: str
    published: bool
    result: str
    on: date | None
    url: str
    body: str
    ref: str  # what a quote names: "p<publication id>" or "l<letter id>"

    @property
    def kind_label(self) -> str:
        return "公开答复" if self.published else "答复函"

    @cached_property
    def paragraphs(self) -> list[str]:
        """The reply's paragraphs as plain text, text hidden from publication as ***."""
        return paragraphs_of(self.body)


@dataclass
class Precedent:
    """One earlier item found for a lookup."""

    proposal: Proposal
    score: float
    same_session: bool
    lead_agency: str
    replies: list[Reply] = field(default_factory=list)
    url: str = ""  # the item's page, for those who may open it

    @property
    def year(self) -> int | None:
        session = self.proposal.session
        if session.opens_on:
            return session.opens_on.year
        moment = self.proposal.submitted_at
        return moment.year if moment else None

    @property
    def result(self) -> str:
        """The result category of its replies, else where the item stands."""
        results = [r.result for r in self.replies if r.result]
        if results:
            return "、".join(dict.fromkeys(results))
        return self.proposal.get_status_display()

    @property
    def reply_url(self) -> str:
        """Where to read its reply: the published one first."""
        chosen = [r for r in self.replies if r.published] or self.replies
        return chosen[0].url if chosen else ""


def paragraphs_of(markup: str) -> list[str]:
    from responses.richtext import blocks

    return [
        text for text in (" ".join(b.public_text("***").split()) for b in blocks(markup)) if text
    ]


def similar_to(
    subject: Proposal | str,
    user,
    *,
    title: str = "",
    session_id: int | None = None,
    topic_id: int | None = None,
    exclude: int | None = None,
    limit: int = LIMIT,
) -> list[Precedent]:
    """The earlier items most like ``subject``, those of other sessions first.

    ``subject`` is an item (its title and body; only items submitted before it, never
    itself) or the text of a draft, with its ``title``, the ``session_id`` and ``topic_id``
    it is for and the id of the item it is the draft of (``exclude``), if saved. An item of
    the same subject class (主题分类) ranks higher, as if it held more of the words.
    Only items ``user`` may find (``visible_items``) are looked at; drafts and withdrawn
    items never. Queries: a constant few, whatever the number of items.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    items = visible_items(user)
    own: set[str] = set()
    if isinstance(subject, Proposal):
        title, body = subject.title, subject.body
        session_id, topic_id = subject.session_id, subject.topic_id
        items = items.filter(_earlier_than(subject)).exclude(pk=subject.pk)
        entry = ProposalSearch.objects.filter(pk=subject.pk).first()
        own = entry.words if entry else set()
    else:
        body = subject or ""
        if exclude is not None:
            items = items.exclude(pk=exclude)
            entry = ProposalSearch.objects.filter(pk=exclude).first()
            own = entry.words if entry else set()
    terms = choose_terms(title, body, own=own)
    if not terms:
        return []
    matches = _rank(items, terms, topic_class(topic_id))
    matches.sort(key=lambda m: m.session_id == session_id)  # stable: best first within each
    return describe(matches[:limit], user, session_id)


def describe(matches: list[Match], user, session_id: int | None) -> list[Precedent]:
    """Each match with its session, lead proposer and agency, result and replies."""
    from disclosure.models import Publication
    from responses.models import ReplyLetter

    ids = [m.pk for m in matches]
    if not ids:
        return []
    proposals = Proposal.objects.filter(pk__in=ids).select_related("session", "lead_proposer")
    proposals = {
        p.pk: p
        for p in proposals.prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.replying().select_related("agency").order_by("id"),
                to_attr="replying_assignments",
            )
        )
    }
    openable = set(
        Proposal.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    )
    publications = list(
        Publication.objects.public()
        .filter(letter__assignment__proposal_id__in=ids)
        .select_related("agency", "letter__assignment")
        .order_by("published_on", "id")
    )
    # A sent letter is read by whoever may see its item (``ReplyLetter.visible_to``): the
    # items found here that the reader may open are those whose letters they read.
    letters = list(
        ReplyLetter.objects.filter(
            status=ReplyLetter.Status.SENT, assignment__proposal_id__in=openable
        )
        .select_related("assignment__agency", "result_category")
        .order_by("sent_at", "id")
    )
    published_letters = {p.letter_id for p in publications}
    replies: dict[int, list[Reply]] = {pk: [] for pk in ids}
    for publication in publications:
        replies[publication.letter.assignment.proposal_id].append(
            Reply(
                agency=publication.agency.display_name,
                published=True,
                result=publication.result_category,
                on=publication.published_on,
                url=reverse("public:detail", args=[publication.pk]),
                body=publication.body,
                ref=f"p{publication.pk}",
            )
        )
    for letter in letters:
        if letter.pk in published_letters:
            continue
        replies[letter.assignment.proposal_id].append(
            Reply(
                agency=letter.assignment.agency.display_name,
                published=False,
                result=str(letter.result_category) if letter.result_category_id else "",
                on=letter.sent_at.date() if letter.sent_at else None,
                url=reverse("responses:detail", args=[letter.pk]),
                body=letter.body,
                ref=f"l{letter.pk}",
            )
        )
    found = []
    for match in matches:
        proposal = proposals[match.pk]
        agencies = [a.agency.display_name for a in proposal.replying_assignments]
        found.append(
            Precedent(
                proposal=proposal,
                score=match.score,
                same_session=session_id is not None and match.session_id == session_id,
                lead_agency="、".join(agencies),
                replies=replies[match.pk],
                url=reverse("proposals:detail", args=[match.pk]) if match.pk in openable else "",
            )
        )
    return found


def quoted_paragraph(user, ref: str, number: int) -> str | None:
    """Paragraph ``number`` (from 0) of the reply ``ref`` names, if ``user`` may read it:
    a published reply (``p<id>``) or a letter sent (``l<id>``) they may see; else None."""
    from disclosure.models import Publication
    from responses.models import ReplyLetter

    kind, pk = ref[:1], ref[1:]
    if not pk.isdigit() or number < 0:
        return None
    if kind == "p":
        source = Publication.objects.public().filter(pk=int(pk)).values_list("body", flat=True)
    elif kind == "l":
        source = (
            ReplyLetter.objects.visible_to(user)
            .filter(pk=int(pk), status=ReplyLetter.Status.SENT)
            .values_list("body", flat=True)
        )
    else:
        return None
    body = source.first()
    if body is None:
        return None
    paragraphs = paragraphs_of(body)
    return paragraphs[number] if number < len(paragraphs) else None


# -- repeat marks (重复提出) as the pages show them --------------------------------------------


@dataclass
class RepeatView:
    """A repeat mark on an item's page: the other item, which way, and what the reader may do."""

    link: object
    other: Proposal
    earlier: bool  # whether the other item is the earlier one (this item repeats it)
    url: str  # the other item's page, or its published reply, for the reader

    @property
    def text(self) -> str:
        name = f"{self.other.session.label}第{self.other.number}号《{self.other.title}》"
        return f"本件重复提出{name}" if self.earlier else f"{name}重复提出本件"


def repeats_for(proposal: Proposal, user) -> list[RepeatView]:
    """The standing repeat marks of ``proposal`` whose other item ``user`` may find, in
    constant queries."""
    from disclosure.models import Publication

    from .models import RepeatLink

    links = list(
        RepeatLink.objects.active()
        .filter(Q(proposal=proposal) | Q(earlier=proposal))
        .select_related("proposal__session", "earlier__session", "marked_by")
    )
    if not links:
        return []
    others = {
        link.earlier_id if link.proposal_id == proposal.pk else link.proposal_id for link in links
    }
    findable = set(visible_items(user).filter(pk__in=others).values_list("pk", flat=True))
    openable = set(
        Proposal.objects.visible_to(user).filter(pk__in=findable).values_list("pk", flat=True)
    )
    published = dict(
        Publication.objects.public()
        .filter(letter__assignment__proposal_id__in=findable - openable)
        .order_by("published_on", "id")
        .values_list("letter__assignment__proposal_id", "pk")
    )
    views = []
    for link in links:
        earlier = link.proposal_id == proposal.pk
        other = link.earlier if earlier else link.proposal
        if other.pk not in findable:
            continue
        if other.pk in openable:
            url = reverse("proposals:detail", args=[other.pk])
        else:
            url = (
                reverse("public:detail", args=[published[other.pk]])
                if other.pk in published
                else ""
            )
        views.append(RepeatView(link=link, other=other, earlier=earlier, url=url))
    return views


def public_repeats(publication) -> list:
    """The other published replies of the items marked as repeats of (or repeated by) the
    item ``publication`` answers: a public page names them only when both are published."""
    from disclosure.models import Publication

    from .models import RepeatLink

    if publication.letter_id is None:
        return []
    item = publication.letter.assignment.proposal_id
    repeated = RepeatLink.objects.active().filter(
        proposal_id=item, earlier_id=OuterRef("letter__assignment__proposal_id")
    )
    repeating = RepeatLink.objects.active().filter(
        earlier_id=item, proposal_id=OuterRef("letter__assignment__proposal_id")
    )
    return list(
        Publication.objects.public()
        .filter(Exists(repeated) | Exists(repeating))
        .exclude(letter__assignment__proposal_id=item)
        .only("pk", "title", "session_label", "proposal_number", "proposal_title", "published_on")
        .order_by("published_on", "id")
    )
