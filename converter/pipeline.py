"""The pipeline reads like the data flow: segment → mentions → events → claims → document → validation."""

from __future__ import annotations

import gc
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from converter import __version__
from converter.claims import attribute_claims
from converter.document import Article, Producer, build_document
from converter.errors import InputError
from converter.events import match_events
from converter.mentions import find_mentions
from converter.model import Claim, Event, Mentions, Segments
from converter.rules import RuleSet, load_rules
from converter.segment import segment
from converter.validation import validate_document_or_raise


@cache
def _freeze_loaded_rules() -> None:
    """Move everything alive after the first conversion (rules, lexicons, grammars, caches) out of the GC's view.

    Why: those objects live as long as the process, yet every full collection walks all of them; with
    hundreds of thousands of rule objects that was about a tenth of the conversion time. Frozen objects are
    never collected (they are never garbage anyway) and reference counting still frees everything else.
    Cached so it happens once per process, after the lazily loaded word lists and grammars exist.
    """
    gc.freeze()


@cache
def default_ruleset() -> RuleSet:
    """The shipped rules plus any directories named in $AEC_RULES, loaded once per process."""
    return load_rules()


def parse_published(published: date | str | None) -> date | None:
    """Accept a date or an ISO ``YYYY-MM-DD`` string (a full timestamp is cut to its date).

    A year or year-month ("2016-10") is a real but partial date: it cannot anchor "on Tuesday", so it
    gives None here and :func:`convert` keeps the original value in ``article.metadata``.
    """
    if published is None or isinstance(published, date):
        return published
    value = str(published).strip()
    if _PARTIAL_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(
            f"publication date {published!r} is not an ISO date: expected YYYY-MM-DD (or YYYY-MM, YYYY)"
        ) from None


_PARTIAL_DATE = re.compile(r"[0-9]{4}(-[0-9]{2})?")


@dataclass(frozen=True)
class Analysis:
    """Every stage's output for one text, for `aec explain` and for tests that look inside."""

    segments: Segments
    mentions: Mentions
    events: tuple[Event, ...]
    claims: tuple[Claim, ...]


def analyse(text: str, *, published: date | None = None, ruleset: RuleSet | None = None) -> Analysis:
    """Run the stages in data-flow order; each stage gets what the previous one returned."""
    rules = ruleset or default_ruleset()
    segments = segment(text)
    mentions = find_mentions(segments, rules.lexicon, published)
    events = match_events(segments, mentions, rules)
    claims = attribute_claims(segments, mentions, events, rules)
    return Analysis(segments, mentions, events, claims)


def convert(
    text: str,
    *,
    published: date | str | None = None,
    article_id: str | None = None,
    source: str | None = None,
    title: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    ruleset: RuleSet | None = None,
    validate: bool = True,
) -> dict[str, Any]:
    """Convert one English news article into a schema-v1 document (a JSON-ready dict).

    Args:
        text: the article text; every span in the output points into it.
        published: publication date, used to resolve relative time expressions ("on Tuesday").
        article_id, source, title, metadata: copied into ``article``.
        ruleset: rules to apply; defaults to the shipped rules plus ``$AEC_RULES``.
        validate: check the output against the schema before returning it (a failure is a bug in aec
            and raises ``OutputInvalidError``).
    """
    rules = ruleset or default_ruleset()
    day = parse_published(published)
    found = analyse(text, published=day, ruleset=rules)
    extra = dict(metadata or {})
    if published is not None and day is None:
        extra.setdefault("published", str(published))  # partial date: kept, not used to resolve times
    article = Article(id=article_id, source=source, published=day, title=title, metadata=extra)
    producer = Producer(name="aec", version=__version__, rules_version=rules.version)
    document = build_document(
        text, article, producer, found.segments, found.mentions, found.events, found.claims
    )
    if validate:
        validate_document_or_raise(document)
    _freeze_loaded_rules()
    return document
