"""SMS length: GSM-7 or UCS-2, extension characters count twice, 160/153 and 70/67."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.channels.sms.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    SmsLength,
    is_gsm7,
    segment_count,
)

BASIC = st.sampled_from(sorted(GSM7_BASIC))
EXTENSION = st.sampled_from(sorted(GSM7_EXTENSION))


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Bonjour, votre facture F-001 de 120,00 EUR est échue.", "GSM-7"),
        ("A régler avant le 12/03 : 45 € [réf. 7]", "GSM-7"),  # €, [ ]: extension
        ("À régler", "UCS-2"),  # à is GSM-7, À is not
        ("Merci de régler : reçu à 12 h", "UCS-2"),  # ç is not in GSM-7 (only Ç is)
        ("Échéance dépassée, êtes-vous là ?", "UCS-2"),  # ê
        ("L’échéance", "UCS-2"),  # typographic apostrophe
        ("Merci 🙏", "UCS-2"),
    ],
)
def test_encoding(text, encoding):
    assert segment_count(text).encoding == encoding
    assert is_gsm7(text) == (encoding == "GSM-7")


@pytest.mark.parametrize(
    ("length", "segments", "per_segment"),
    [(1, 1, 160), (160, 1, 160), (161, 2, 153), (306, 2, 153), (307, 3, 153), (459, 3, 153),
     (460, 4, 153)],
)  # fmt: skip
def test_gsm7_boundaries(length, segments, per_segment):
    assert segment_count("a" * length) == SmsLength("GSM-7", length, segments, per_segment)


@pytest.mark.parametrize(
    ("length", "segments", "per_segment"),
    [(70, 1, 70), (71, 2, 67), (134, 2, 67), (135, 3, 67), (201, 3, 67), (202, 4, 67)],
)
def test_ucs2_boundaries(length, segments, per_segment):
    text = "ç" * length
    assert segment_count(text) == SmsLength("UCS-2", length, segments, per_segment)


def test_extension_characters_count_twice():
    assert segment_count("€" * 80) == SmsLength("GSM-7", 160, 1, 160)
    assert segment_count("€" * 80 + "a") == SmsLength("GSM-7", 161, 2, 153)
    assert segment_count("a" * 159 + "{").segments == 2  # 161 septets


def test_an_escape_pair_is_never_split_between_parts():
    # 152 + 2 + 152 = 306 septets would fit 2 parts of 153 if the € could be cut in two.
    length = segment_count("a" * 152 + "€" + "a" * 152)
    assert (length.characters, length.segments) == (306, 3)


def test_an_emoji_is_two_units_and_never_split():
    assert segment_count("🙏" * 35) == SmsLength("UCS-2", 70, 1, 70)
    assert segment_count("a" * 66 + "🙏" + "a" * 66).segments == 3  # 134 units, pair not cut


def test_empty_text():
    assert segment_count("") == SmsLength("GSM-7", 0, 0, 160)


@given(st.text(alphabet=BASIC, max_size=800))
def test_basic_gsm7_text_is_one_septet_per_character(text):
    length = segment_count(text)
    assert (length.encoding, length.characters) == ("GSM-7", len(text))
    expected = 0 if not text else 1 if len(text) <= 160 else math.ceil(len(text) / 153)
    assert length.segments == expected


@given(st.text(alphabet=st.one_of(BASIC, EXTENSION), max_size=600))
def test_gsm7_septets_and_segment_bounds(text):
    length = segment_count(text)
    extension = sum(char in GSM7_EXTENSION for char in text)
    assert length.characters == len(text) + extension
    if length.characters > 160:
        # never fewer parts than the septets need, at most one more per escape pair
        assert math.ceil(length.characters / 153) <= length.segments
        assert length.segments <= math.ceil(length.characters / 152)


@given(st.text(min_size=1, max_size=300))
def test_any_text_fits_its_segments(text):
    length = segment_count(text)
    single = 160 if length.encoding == "GSM-7" else 70
    assert length.segments >= 1
    assert (length.segments == 1) == (length.characters <= single)
    assert length.characters <= length.segments * length.per_segment


@given(st.text(max_size=300), st.text(min_size=1, max_size=50))
def test_appending_never_makes_a_text_cheaper(text, more):
    before, after = segment_count(text), segment_count(text + more)
    if before.encoding == after.encoding:
        assert after.segments >= before.segments
