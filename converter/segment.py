"""Stage 1: split an article into paragraphs, sentences, word tokens, quotations and a dateline.

Everything later in the pipeline matches patterns over the tokens made here, so the splitter has to be
*total* (any unicode, control characters, unbalanced quotes, one huge line) and *linear*: it runs once per
article on whole archives. It is therefore a single regular-expression scan per paragraph plus a few passes
over plain tuples; dataclasses are only built at the end.

English lives in ``rules/lexicon/abbreviations.yaml`` (which abbreviations keep their period and which
capitalised words show that a new sentence has begun); this module only knows the *shapes* of text:
letters, digits, punctuation, quote marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from .errors import Location, RuleError
from .model import Dateline, Paragraph, Quote, Segments, Sentence, Span, Token
from .resources import data_path

# A raw token while segmenting: (start, end, kind, text). Tuples keep the hot loop fast.
Raw = tuple[int, int, str, str]

_CLITICS = r"(?:[sSdDmM]|re|RE|ve|VE|ll|LL)(?!\w)"
_TOKEN_SOURCE = rf"""
      (?P<acro>(?:[^\W\d_]\.){{2,}}(?:[-\u2010\u2011]\w+)*)       # U.N.  U.S.  a.m.  U.S.-led
    | (?P<number>\d+(?:[.,]\d+)*(?![\w\-\u2010\u2011]))         # 10,000  2.5  1988 (not 10-year, 1990s)
    | (?P<clitic>(?<=[\w.])['\u2019]{_CLITICS})                    # 's  ’s  're  'll as their own token
    | (?P<word>\w+(?:[-\u2010\u2011]\w+|['\u2019](?!{_CLITICS})\w+)*)   # Seong-kweun  O'Brien
    | (?P<ellipsis>\.{{2,}})
    | (?P<punct>[^\w\s])
"""
_TOKEN_RE = re.compile(_TOKEN_SOURCE, re.VERBOSE)

#: The same tokens, each with the whitespace before it as a first group, for ``findall``: every character
#: is whitespace, a word character or matched by ``punct``, so between two tokens there is only
#: whitespace, and a token's offsets follow from the lengths of what came before (see :func:`tokenize`).
_SPACED_TOKEN_RE = re.compile(rf"(\s*)(?:{_TOKEN_SOURCE})", re.VERBOSE)
_KIND_OF_GROUP = {"acro": "word", "number": "number", "clitic": "word", "word": "word",
                  "ellipsis": "punct", "punct": "punct"}

# Paragraphs are lines: news text often puts one paragraph per line, and blank lines are simply empty lines.
_LINE_RE = re.compile(r"[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_NEXT_IS_DIGIT_RE = re.compile(r"\s*\d")

_UPPER = "A-ZÀ-ÖØ-Þ"
_DATELINE_RE = re.compile(
    rf"""
    (?P<place>[{_UPPER}][{_UPPER}'’.\-]+(?:[ /][{_UPPER}][{_UPPER}'’.\-]+)*         # SEOUL  NEW YORK  BEIRUT/PARIS
       (?:,[ ]*[{_UPPER}][\w.'’\-]*(?:[ ][{_UPPER}][\w.'’\-]*){{0,3}})?)           # , South Korea
    (?:,[ ]*(?P<date>[{_UPPER}][a-z]{{2,8}}\.?[ ]+\d{{1,2}}))?                      # , Nov 5
    [ ]*(?:\((?P<agency>[^()\n]{{1,40}})\))?                                          # (AP)
    [ ]*(?P<dash>\u2014|\u2013|--?)[ ]*
    """,
    re.VERBOSE,
)
_DATELINE_PARAGRAPHS = 2  # a title line may precede the dateline paragraph

_TERMINALS = frozenset({".", "!", "?", "\u2026"})
_OPEN_QUOTES = frozenset({"\u201c", "\u00ab", "\u201e"})
_CLOSE_QUOTES = frozenset({"\u201d", "\u00bb"})
_STRAIGHT_QUOTE = '"'
_QUOTE_MARK_RE = re.compile("[" + re.escape("".join(sorted({_STRAIGHT_QUOTE, *_OPEN_QUOTES, *_CLOSE_QUOTES}))) + "]")
_OPEN_BRACKETS = frozenset({"(", "["})
_CLOSERS = frozenset({")", "]", "\u2019", "'"})


@dataclass(frozen=True)
class Abbreviations:
    """Which period-final abbreviations may end a sentence (from rules/lexicon/abbreviations.yaml)."""

    never_final: frozenset[str]  # titles, months: the period never ends a sentence
    before_number: frozenset[str]  # "No. 1": an abbreviation only when a number follows
    may_end: frozenset[str]  # "Inc.", "etc.": ends a sentence when a sentence starter follows
    starters: frozenset[str]  # lower-cased words that open a sentence


#: libyaml's parser when PyYAML was built with it (several times faster at startup); same constructors,
#: so the same values as ``yaml.safe_load``.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Parse one YAML file (safe types only); a read or syntax error is a RuleError naming the file."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"cannot read word lists: {exc}", Location(path=str(path))) from exc


def read_wordlists(path: Path) -> dict[str, list[Any]]:
    """Read the ``lists:`` of a ``kind: wordlists`` YAML file as ``{name: entries}``.

    A stand-in for converter/lexicon.py so this stage can load its own word lists; errors name the file.
    """
    return wordlists_of(read_yaml(path), path)


def wordlists_of(data: Any, path: Path) -> dict[str, list[Any]]:
    """The ``{name: entries}`` of an already parsed word-list file (``path`` only locates errors)."""
    lists = data.get("lists") if isinstance(data, dict) else None
    if not isinstance(lists, dict):
        raise RuleError("expected a mapping 'lists:' of word lists", Location(path=str(path)))
    result = {name: list((body or {}).get("entries") or []) for name, body in lists.items()}
    for name, entries in result.items():
        for entry in entries:
            text = entry.get("text") if isinstance(entry, dict) else entry
            if not isinstance(text, str):
                raise RuleError(
                    f"list {name!r}: entry {text!r} is not a string (YAML reads bare on/off/yes/no as "
                    "booleans; quote them)", Location(path=str(path), pointer=f"/lists/{name}"))
    return result


@cache
def default_abbreviations() -> Abbreviations:
    """The abbreviations shipped in rules/lexicon/abbreviations.yaml, loaded once."""
    return abbreviations_from(read_wordlists(data_path("rules") / "lexicon" / "abbreviations.yaml"))


def abbreviations_from(lists: dict[str, list[Any]]) -> Abbreviations:
    """Build :class:`Abbreviations` from word lists (so a caller's lexicon can supply them)."""

    def words(name: str) -> frozenset[str]:
        return frozenset(str(entry) for entry in lists.get(name, ()))

    return Abbreviations(
        never_final=words("abbreviations_title") | words("abbreviations_month"),
        before_number=words("abbreviations_number"),
        may_end=words("abbreviations_terminal"),
        starters=frozenset(word.lower() for word in words("sentence_starters")),
    )


# --------------------------------------------------------------------------- tokens


def _keeps_period(text: str, word: str, dot_at: int, abbreviations: Abbreviations) -> bool:
    """True when the period at ``dot_at`` belongs to the abbreviation ``word`` just before it."""
    if word in abbreviations.never_final or word in abbreviations.may_end:
        return True
    if len(word) == 1 and word.isupper():  # an initial, as in John F. Kennedy
        return True
    return word in abbreviations.before_number and _NEXT_IS_DIGIT_RE.match(text, dot_at + 1) is not None


def tokenize(text: str, start: int, end: int, abbreviations: Abbreviations) -> list[Raw]:
    """Tokens of ``text[start:end]`` with absolute offsets; abbreviations keep their period.

    Why ``findall`` and running offsets rather than ``finditer``: the loop runs once per token of the
    article, and plain tuples of group strings spare a match object and its method calls per token.
    Exactly one token group of a tuple is non-empty; ``_TOKEN_RE.finditer`` gives the same tokens
    (tests/test_segment.py compares them).
    """
    raws: list[Raw] = []
    append = raws.append
    at = start
    for space, acro, number, clitic, word, ellipsis, punct in _SPACED_TOKEN_RE.findall(text, start, end):
        begin = at + len(space)
        if word:  # the groups in order of frequency: words, then punctuation (one character), numbers
            at = begin + len(word)
            append((begin, at, "word", word))
        elif punct:
            if punct == "." and raws:
                ps, pe, pkind, ptext = raws[-1]
                if pe == begin and pkind == "word" and _keeps_period(text, ptext, begin, abbreviations):
                    at = begin + 1
                    raws[-1] = (ps, at, "word", ptext + ".")
                    continue
            at = begin + 1
            append((begin, at, "punct", punct))
        elif number:
            at = begin + len(number)
            append((begin, at, "number", number))
        else:
            token_text = acro or clitic or ellipsis
            at = begin + len(token_text)
            append((begin, at, "punct" if ellipsis else "word", token_text))
    return raws


def tokenize_by_match(text: str, start: int, end: int, abbreviations: Abbreviations) -> list[Raw]:
    """:func:`tokenize` written with ``finditer`` and match objects: the plain reading, kept for the tests."""
    raws: list[Raw] = []
    for match in _TOKEN_RE.finditer(text, start, end):
        token_text = match.group()
        if token_text == "." and raws:
            s, e = match.span()
            ps, pe, pkind, ptext = raws[-1]
            if pe == s and pkind == "word" and _keeps_period(text, ptext, s, abbreviations):
                raws[-1] = (ps, e, "word", ptext + ".")
                continue
        raws.append((*match.span(), _KIND_OF_GROUP[match.lastgroup or "punct"], token_text))
    return raws


# --------------------------------------------------------------------------- quotes


@dataclass
class _QuoteScan:
    """Quote marks of one paragraph: which marks open/close, the finished quotes, an open quote left over."""

    openings: set[int]
    closings: set[int]
    quotes: list[tuple[int, int, int, int, bool]]  # open start, open end, close start, close end, continued
    left_open: tuple[int, int, bool] | None  # open start, open end, continued


def _scan_quotes(raws: list[Raw], carried: bool) -> _QuoteScan:
    """Pair quote marks within a paragraph: curly marks by shape, straight marks by alternation.

    A second opening mark before a close abandons the first (it was unbalanced); a stray closing mark is
    ignored. ``carried`` says the previous paragraph left a quote open, so a quote opened by this
    paragraph's first token continues it.
    """
    scan = _QuoteScan(set(), set(), [], None)
    current: tuple[int, int, bool] | None = None
    for position, (s, e, kind, t) in enumerate(raws):
        if kind != "punct":
            continue
        opens = t in _OPEN_QUOTES or (t == _STRAIGHT_QUOTE and current is None)
        if opens:
            current = (s, e, carried and position == 0)
            scan.openings.add(s)
        elif (t in _CLOSE_QUOTES or t == _STRAIGHT_QUOTE) and current is not None:
            scan.quotes.append((current[0], current[1], s, e, current[2]))
            scan.closings.add(s)
            current = None
    scan.left_open = current
    return scan


def _opens_with_quote(raws: list[Raw]) -> bool:
    return bool(raws) and raws[0][2] == "punct" and (raws[0][3] in _OPEN_QUOTES or raws[0][3] == _STRAIGHT_QUOTE)


# --------------------------------------------------------------------------- sentences


def _ending_strength(raw: Raw, abbreviations: Abbreviations) -> str | None:
    """'hard' after . ! ? …, 'soft' after an abbreviation that may end a sentence, else None."""
    _, _, kind, t = raw
    if kind == "punct":
        return "hard" if t in _TERMINALS or t.startswith("..") else None
    if kind == "word" and t.endswith(".") and len(t) > 1:
        stem = t[:-1]
        if "." in stem or stem in abbreviations.may_end:
            return "soft"
    return None


def _starts_sentence(raw: Raw, strength: str, openings: set[int], abbreviations: Abbreviations) -> bool:
    """Whether ``raw`` can open a new sentence after an ending of the given strength."""
    s, _, kind, t = raw
    if strength == "soft":
        return kind == "word" and t[:1].isupper() and t.lower() in abbreviations.starters
    if kind == "punct":
        return s in openings or t in _OPEN_BRACKETS
    return t[:1].isupper()


def _sentence_breaks(raws: list[Raw], scan: _QuoteScan, abbreviations: Abbreviations) -> list[int]:
    """Indices into ``raws`` where a new sentence begins (after the first)."""
    breaks: list[int] = []
    n = len(raws)
    i = 0
    while i < n:
        raw = raws[i]
        if raw[2] != "punct" and raw[3][-1] != ".":  # most tokens: a word or number without a period
            i += 1
            continue
        strength = _ending_strength(raw, abbreviations)
        if strength is None:
            i += 1
            continue
        j = i + 1
        while j < n and raws[j][2] == "punct" and (
            raws[j][3] in _TERMINALS or raws[j][3] in _CLOSERS or raws[j][0] in scan.closings
        ):
            j += 1
        if j < n and _starts_sentence(raws[j], strength, scan.openings, abbreviations):
            breaks.append(j)
        i = j
    return breaks


# --------------------------------------------------------------------------- dateline


def find_dateline(text: str, start: int, end: int) -> tuple[Dateline, int] | None:
    """Parse a dateline such as ``SEOUL, South Korea (AP) — `` at ``start``; return it and the body start."""
    match = _DATELINE_RE.match(text, start, end)
    agency = match.group("agency") if match is not None else None
    if match is None or (match.end() >= end and agency is None):  # a line of its own needs "(AP)"
        return None
    dateline = Dateline(
        span=Span(match.start(), match.end("dash")),
        place=match.group("place").strip(),
        agency=agency.strip() if agency else None,
    )
    return dateline, match.end()


# --------------------------------------------------------------------------- assembly


_new = object.__new__


def _make_tokens(raws: list[Raw]) -> tuple[Token, ...]:
    """Frozen Tokens (and their Spans) built without the generated ``__init__``.

    Why: token construction is a large share of segmentation time, and the frozen dataclasses' ``__init__``
    goes through ``object.__setattr__`` per field; filling ``__dict__`` directly gives an equal object
    (same fields, eq and hash) about twice as fast, written out in the loop to save a call per token.
    tests/test_segment.py compares the result with ``Token(...)``.
    """
    tokens: list[Token] = []
    append = tokens.append
    new, span_type, token_type = _new, Span, Token
    for start, end, kind, text in raws:
        span = new(span_type)
        fields = span.__dict__
        fields["start"] = start
        fields["end"] = end
        token = new(token_type)
        fields = token.__dict__
        fields["span"] = span
        fields["text"] = text
        fields["kind"] = kind
        fields["ref"] = None
        append(token)
    return tuple(tokens)


@dataclass
class _Builder:
    """Accumulates the stage output paragraph by paragraph (quotes may carry across paragraphs)."""

    text: str
    abbreviations: Abbreviations
    paragraphs: list[Paragraph]
    sentences: list[Sentence]
    quotes: list[Quote]
    pending: tuple[int, int, bool, int] | None = None  # a quote left open: open start/end, continued, para end
    dateline: Dateline | None = None
    body_start: int = 0

    def add_paragraph(self, raws: list[Raw]) -> None:
        index = len(self.paragraphs)
        self.paragraphs.append(Paragraph(index, Span(raws[0][0], raws[-1][1])))
        continues = self.pending is not None and _opens_with_quote(raws)
        if continues and self.pending is not None:
            s, e, continued, para_end = self.pending
            self._add_quote(s, e, para_end, para_end, continued)
        self.pending = None
        scan = _scan_quotes(raws, continues) if self._may_quote(raws) else _QuoteScan(set(), set(), [], None)
        for s, e, cs, ce, continued in scan.quotes:
            self._add_quote(s, e, cs, ce, continued)
        if scan.left_open is not None:
            self.pending = (*scan.left_open, raws[-1][1])
        self._add_sentences(raws, scan, index)

    def _may_quote(self, raws: list[Raw]) -> bool:
        """Whether the paragraph's text holds a quote mark at all: most paragraphs hold none, and one
        regex search (C speed) spares them the walk over their tokens in :func:`_scan_quotes`."""
        return _QUOTE_MARK_RE.search(self.text, raws[0][0], raws[-1][1]) is not None

    def _add_quote(self, s: int, e: int, close_start: int, close_end: int, continued: bool) -> None:
        self.quotes.append(Quote(len(self.quotes), Span(s, close_end), Span(e, close_start), continued))

    def _add_sentences(self, raws: list[Raw], scan: _QuoteScan, paragraph: int) -> None:
        # tokens ascend, so a paragraph starting at or after the body start is all body (all but one)
        body = raws if raws[0][0] >= self.body_start else [raw for raw in raws if raw[0] >= self.body_start]
        bounds = [0, *_sentence_breaks(body, scan, self.abbreviations), len(body)]
        for first, stop in pairwise(bounds):
            if first < stop:
                part = body[first:stop]
                span = Span(part[0][0], part[-1][1])
                self.sentences.append(Sentence(len(self.sentences), span, paragraph, _make_tokens(part)))


def _is_wrapped(previous: list[Raw], line: list[Raw]) -> bool:
    """A hard-wrapped line: the previous line stops mid-sentence and this one goes on in lower case."""
    last, first = previous[-1], line[0]
    ends = last[2] == "punct" and (last[3] in _TERMINALS or last[3] in _CLOSE_QUOTES or last[3] in ':"')
    return not ends and first[2] == "word" and first[3][:1].islower()


def _paragraph_tokens(text: str, abbreviations: Abbreviations) -> Iterable[list[Raw]]:
    """Tokens of each paragraph: one per non-empty line, except that hard-wrapped lines are joined."""
    current: list[Raw] = []
    for line in _LINE_RE.finditer(text):
        raws = tokenize(text, line.start(), line.end(), abbreviations)
        if not raws:
            continue
        if current and not _is_wrapped(current, raws):
            yield current
            current = []
        current.extend(raws)
    if current:
        yield current


def segment(text: str, abbreviations: Abbreviations | None = None) -> Segments:
    """Split ``text`` into paragraphs, sentences (with tokens), quotations and the dateline.

    Args:
        text: the article text; offsets in the result are code points into it.
        abbreviations: period-keeping abbreviations; defaults to rules/lexicon/abbreviations.yaml.
    Returns:
        Segments. Never raises on any string input.
    """
    abbreviations = abbreviations or default_abbreviations()
    builder = _Builder(text, abbreviations, [], [], [])
    for raws in _paragraph_tokens(text, abbreviations):
        if builder.dateline is None and len(builder.paragraphs) < _DATELINE_PARAGRAPHS:
            found = find_dateline(text, raws[0][0], raws[-1][1])
            if found is not None:
                builder.dateline, builder.body_start = found
        builder.add_paragraph(raws)
    return Segments(
        text=text,
        paragraphs=tuple(builder.paragraphs),
        sentences=tuple(builder.sentences),
        quotes=tuple(builder.quotes),
        dateline=builder.dateline,
        body_start=builder.body_start,
    )
