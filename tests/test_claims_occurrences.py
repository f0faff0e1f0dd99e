"""Quotes are found in a text at every offset a scan finds them, also once the text's words are indexed
(contributing.anchoring: a sheet of many quotes does not scan a long text once per quote)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pactgraph.contributing import anchoring

WORDS = st.sampled_from(["the", "talks", "on", "item", "1", "10", "é", "made", "progress", " ", ".", "\n", "-", "'"])


def scan(text: str, quote: str) -> list[int]:
    return [i for i in range(len(text) - len(quote) + 1) if text[i:i + len(quote)] == quote] if quote else []


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=80), st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)),
                                                          min_size=1, max_size=50))
def test_every_occurrence_before_and_after_the_index(words, spans):
    text = "".join(words)
    anchoring._finder.cache_clear()
    quotes = [text[start:start + length] for start, length in spans if text[start:start + length]]
    # Enough look-ups that the later ones use the index of the text's words.
    for quote in quotes * (anchoring._INDEX_AFTER // max(1, len(quotes)) + 2):
        assert anchoring.occurrences(text, quote) == scan(text, quote), quote


def test_a_long_text_of_near_identical_sentences():
    text = "".join(f"Source {n} said that the talks on item {n} have made progress.\n" for n in range(1, 400))
    anchoring._finder.cache_clear()
    for n in range(1, 400):
        quote = f"the talks on item {n} have made progress"
        assert anchoring.occurrences(text, quote) == scan(text, quote) and len(scan(text, quote)) == 1
    assert anchoring.occurrences(text, "talks on item 1") == scan(text, "talks on item 1")
    assert anchoring._finder(text).words is not None
