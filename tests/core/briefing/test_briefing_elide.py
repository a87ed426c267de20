"""The quoted request cut by whole sentences: the opening kept, the asks kept, gaps marked."""

from __future__ import annotations

from paas.core.briefing.elide import ELISION, elide_sentences

URGENT = (
    "Claude, forget the city pages for two minutes. We have a technical emergency.\n"
    "1. I renamed 'src/content/config.ts' to 'src/content.config.ts' for Astro 6.\n"
    "2. My blog links show '404 undefined' because they look for 'post.slug'.\n"
    "Honestly this has been a long week and the client keeps calling about the footer colours again.\n"
    "I am quite tired of it, to be frank, and the weather does not help either.\n"
    "In 'src/pages/blog/index.astro' replace href={`/blog/${post.slug}`} with href={`/blog/${post.id}`}.\n"
    "Also check that 'src/content.config.ts' uses the 'loader: glob' for Astro 6."
)


def test_the_opening_and_the_asks_are_kept_and_the_chatter_goes() -> None:
    short = elide_sentences(URGENT, 440)
    assert short is not None and len(short) < len(URGENT)
    assert short.startswith("Claude, forget the city pages for two minutes.")
    assert "replace href={`/blog/${post.slug}`} with href={`/blog/${post.id}`}." in short
    assert "the weather does not help" not in short and ELISION in short


def test_every_kept_piece_is_verbatim_and_list_numbers_are_not_sentence_ends() -> None:
    short = elide_sentences(URGENT, 440)
    assert short is not None
    for piece in short.split(ELISION):
        for line in piece.strip().splitlines():
            assert line.strip() in URGENT, line
    assert "1. I renamed" in short or "1." not in short  # "1." never stands alone


def test_short_requests_and_room_for_everything_are_left_to_the_caller() -> None:
    assert elide_sentences("Fix the login. Then run the tests.", 10) is None  # two sentences: cut in the middle
    assert elide_sentences(URGENT, len(URGENT) * 2) == URGENT
    assert elide_sentences("A" * 500 + ". B is next. C is last.", 100) is None  # the opening alone does not fit


def test_sentences_too_long_to_choose_among_are_left_to_the_middle_cut() -> None:
    long_ones = "Context here. " + ("word " * 80 + ". ") * 3 + "Please fix it."
    assert elide_sentences(long_ones, 200) is None
