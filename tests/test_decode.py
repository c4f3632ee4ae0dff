"""Bytes to text: each encoding is recognised, binary files are refused with a clear reason."""

from __future__ import annotations

import codecs
import gzip
import io
import random
import struct
import zipfile
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.decode import decode_bytes
from cleaner.errors import DocumentError

ENGLISH = "The minister said it was “a terrible mistake” — and he’s right… Prices rose 5% to €300.\n"
FRENCH = "Le président a déclaré que la situation était très grave à Paris. Où est-il ?\n"
GERMAN = "Die Größe der Straße überrascht die Anwohner. Äpfel und Öl wurden teurer.\n"
RUSSIAN = "Президент заявил, что ситуация остаётся сложной, но переговоры продолжатся на следующей неделе.\n"


@pytest.mark.parametrize(
    ("data", "text", "encoding"),
    [
        (ENGLISH.encode("utf-8"), ENGLISH, "utf-8"),
        (b"\xef\xbb\xbf" + ENGLISH.encode("utf-8"), ENGLISH, "utf-8-sig"),
        (b"\xff\xfe" + ENGLISH.encode("utf-16-le"), ENGLISH, "utf-16-le+bom"),
        (b"\xfe\xff" + ENGLISH.encode("utf-16-be"), ENGLISH, "utf-16-be+bom"),
        (b"\xff\xfe\x00\x00" + FRENCH.encode("utf-32-le"), FRENCH, "utf-32-le+bom"),
        (ENGLISH.encode("cp1252"), ENGLISH, "cp1252"),
        (FRENCH.encode("latin-1"), FRENCH, "latin-1"),
        (GERMAN.encode("latin-1"), GERMAN, "latin-1"),
        (FRENCH.encode("utf-16-le"), FRENCH, "utf-16-le"),
        (b"", "", "utf-8"),
    ],
    ids=["utf-8", "utf-8 bom", "utf-16-le bom", "utf-16-be bom", "utf-32 bom", "cp1252", "latin-1 fr", "latin-1 de",
         "utf-16 no bom", "empty"],
)  # fmt: skip
def test_decodes(data: bytes, text: str, encoding: str) -> None:
    assert decode_bytes(data) == (text, encoding)


JAPANESE = "東京都は新しい計画を発表した。人口は約1400万人で、来年から実施される。\n"
CHINESE = "北京是中国的首都，有三千多年的历史。\n今天的天气很好。\n"
KOREAN = "서울은 한국의 수도이며 인구는 약 천만 명이다.\n"


@pytest.mark.parametrize("text", [JAPANESE, CHINESE, KOREAN, RUSSIAN], ids=["ja", "zh", "ko", "ru"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_beyond_latin_is_told_by_the_nuls_of_its_ascii(text: str, codec: str) -> None:
    # Only the line breaks, spaces, digits and ASCII punctuation hold a NUL byte here.
    data = (text * 20).encode(codec)
    assert decode_bytes(data) == (text * 20, codec)


def test_utf8_text_with_nuls_on_one_side_is_not_taken_for_utf16() -> None:
    # Four NULs, all at even offsets: big-endian UTF-16 by their side, and read that way the
    # pairs of letters are Chinese characters ("周攠捡琠"). But the bytes are plain UTF-8.
    data = b"The cat \x00at and ran far but not \x00oo far the dog \x00id not run and \x00he pig did see."
    assert len(data) % 2 == 0 and all(i % 2 == 0 for i, b in enumerate(data) if b == 0)
    with pytest.raises(DocumentError, match="NUL bytes"):
        decode_bytes(data)


def test_cp1252_not_latin1_when_bytes_0x80_to_0x9f_are_present() -> None:
    data = "It’s “quoted”".encode("cp1252")
    assert any(0x80 <= b <= 0x9F for b in data)
    text, encoding = decode_bytes(data)
    assert (text, encoding) == ("It’s “quoted”", "cp1252")
    assert not any(0x80 <= ord(ch) <= 0x9F for ch in text)  # no C1 controls, as Latin-1 would give


def test_utf8_with_stray_cp1252_bytes() -> None:
    data = "Café au lait — ".encode() + "naïve “quote”".encode("cp1252")
    assert decode_bytes(data) == ("Café au lait — naïve “quote”", "utf-8+cp1252")
    assert decode_bytes(codecs.BOM_UTF8 + data) == ("Café au lait — naïve “quote”", "utf-8-sig+cp1252")


JAPANESE = "東京都は月曜日、新しい防災計画を発表した。計画では、大地震に備えて避難所を増やす。"
CHINESE = "国务院总理周一在北京主持召开会议，研究部署进一步扩大内需的政策措施。"


@pytest.mark.parametrize(("text", "encoding"), [(JAPANESE, "shift_jis"), (JAPANESE, "euc-jp"), (CHINESE, "gbk")])
def test_east_asian_legacy_encodings_are_not_taken_for_utf8_with_stray_bytes(text: str, encoding: str) -> None:
    """A third of their byte pairs are well-formed UTF-8 by chance: they were decoded as UTF-8
    with cp1252 bytes (``“Œ‹ž“s‚Í``), and the encoding stage then "repaired" that mojibake."""
    assert decode_bytes(text.encode(encoding))[0] == text


@pytest.mark.parametrize(
    ("text", "encoding"),
    [("Élève née à Genève", "cp1252"), ("Ça a été élu à l'été.", "latin-1"), ("déjà vu", "cp1252"),
     ("Ñandú", "latin-1"), ("À côté, l'été épuisé était déjà là.", "cp1252"), ("Öl", "cp1252")],
)  # fmt: skip
def test_short_western_text_with_many_accents(text: str, encoding: str) -> None:
    # Mostly accented letters, yet every word has an ASCII letter: Western, not a guess by
    # charset-normalizer (which read these as cp1250, mac_latin2 or UTF-16).
    assert decode_bytes(text.encode(encoding)) == (text, "latin-1")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [(RUSSIAN, "cp1251"), ("Καλημέρα κόσμε, η κυβέρνηση ανακοίνωσε", "cp1253"),
     ("مرحبا بالعالم أعلنت الحكومة", "cp1256")],
)  # fmt: skip
def test_other_single_byte_scripts_are_not_read_as_western(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == (text, encoding)


def test_cyrillic_single_byte_goes_to_charset_normalizer() -> None:
    text, encoding = decode_bytes(RUSSIAN.encode("cp1251"))
    assert text == RUSSIAN
    assert encoding == "cp1251"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (_png(), "PNG image"),
        (gzip.compress(ENGLISH.encode()), "gzip"),
        (_zip(), "ZIP archive"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF document"),
        (b"\x7fELF\x02\x01\x01" + bytes(9), "executable"),
        (random.Random(0).randbytes(4096), "binary file"),
        (b"Some text\x00with a NUL byte in it and more text after it.", "NUL bytes"),
        (b"text " + b"\x01\x02\x03\x04" * 10 + b" more", "control bytes"),
    ],
    ids=["png", "gzip", "zip", "pdf", "elf", "random", "nul", "controls"],
)
def test_binary_is_refused_with_what_it_looks_like(data: bytes, looks_like: str) -> None:
    with pytest.raises(DocumentError, match=looks_like) as info:
        decode_bytes(data)
    assert "not text" in str(info.value)


def test_text_that_merely_mentions_a_signature_is_text() -> None:
    data = b"BZh is how bzip2 files start; %PDF- starts a PDF.\n"
    assert decode_bytes(data) == (data.decode(), "utf-8")


def test_bad_data_after_a_bom_is_reported_at_its_offset_in_the_file() -> None:
    with pytest.raises(DocumentError, match=r"byte order mark but is not valid utf-8 at byte 6$"):
        decode_bytes(b"\xef\xbb\xbfcaf" + "é".encode("latin-1"))
    with pytest.raises(DocumentError, match=r"not valid utf-16-le at byte 4$"):
        decode_bytes(b"\xff\xfea\x00\x00\xd8b\x00")  # a lone high surrogate after "a"


TEXT = st.text(st.characters(blacklist_categories=["Cc", "Cs"]) | st.sampled_from("\n\t"), max_size=200)


@given(TEXT)
@settings(max_examples=300, deadline=None)
def test_any_text_round_trips_through_utf8(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


@given(TEXT)
@settings(max_examples=200, deadline=None)
def test_any_text_round_trips_through_utf16_with_bom(text: str) -> None:
    assert decode_bytes(b"\xff\xfe" + text.encode("utf-16-le")) == (text, "utf-16-le+bom")


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_bytes_decode_or_raise_document_error(data: bytes) -> None:
    try:
        text, encoding = decode_bytes(data)
    except DocumentError as exc:
        assert str(exc)
    else:
        assert isinstance(text, str)
        assert encoding


def test_a_short_text_with_a_stray_control_byte_is_text() -> None:
    """One backspace in a 53-byte headline made it "a binary file" (1 control byte is over 1%)."""
    data = b"A short headline with a stray\x08 backspace char in it\n"
    assert decode_bytes(data) == (data.decode(), "utf-8")
    with pytest.raises(DocumentError, match="control bytes"):
        decode_bytes(b"A short headline\x01\x02\x03 with three\n")


POLISH = (
    "Rząd ogłosił w środę nowy plan budżetu. Minister finansów powiedział, że wydatki na zdrowie wzrosną, "
    "a podatki dla małych firm zostaną obniżone od przyszłego roku.\n"
)


@pytest.mark.parametrize("encoding", ["cp1250", "iso8859_2"])
def test_central_european_code_pages_are_told_apart(encoding: str) -> None:
    """charset-normalizer finds several code pages equally good on a short text: cp1250 came out
    as cp1257 (``og³osi³``), ISO-8859-2 as the Nordic ISO-8859-10 (``ogģosiģ``)."""
    assert decode_bytes(POLISH.encode(encoding)) == (POLISH, encoding)


TURKISH = "İstanbul'da şiddetli yağış bekleniyor. Valilik, vatandaşların dışarı çıkmamasını istedi.\n"
ICELANDIC = "Það verður kalt á morgun og snjókoma á Norðurlandi, segir Veðurstofan í þessari frétt.\n"


def test_turkish_is_not_read_as_icelandic_latin1_and_icelandic_stays() -> None:
    """cp1254 puts ğ İ ı ş on the bytes of Latin-1's ð Ý ý þ: "Ýstanbul'da þiddetli yaðýþ" read as Western."""
    assert decode_bytes(TURKISH.encode("cp1254")) == (TURKISH, "cp1254")
    assert decode_bytes(ICELANDIC.encode("latin-1")) == (ICELANDIC, "latin-1")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Le café était plein — ".encode() + b"une infor\xadmation", "Le café était plein — une infor\u00admation"),
        ("Café au lait, naïve résumé. ".encode() + b"\x81 end", "Café au lait, naïve résumé. \x81 end"),
        ("“hi".encode() + b"\x80\x9d" + " — at the café.".encode(), "“hi€\x9d — at the café."),
    ],
    ids=["soft hyphen", "undefined cp1252 byte", "a quote that lost its first byte"],
)
def test_utf8_with_one_odd_byte_stays_utf8(data: bytes, text: str) -> None:
    """Requiring every byte outside UTF-8 to read as Western sent these to charset-normalizer,
    which read Arabic (cp864), Central European, or nothing at all into them."""
    assert decode_bytes(data) == (text, "utf-8+cp1252")


def test_western_text_with_icelandic_letters_and_symbols_is_not_refused() -> None:
    for text in ("Þór © 2020 ® Þór ™", "“Guðný” — «Guðný» ±5%"):
        assert decode_bytes(text.encode("cp1252")) == (text, "cp1252")
