"""Bytes to text: find out how a file is encoded instead of guessing, and refuse binary files.

The order of evidence, strongest first:

1. a byte order mark (UTF-8, UTF-16 or UTF-32);
2. signs of a binary file: a known file signature (PNG, gzip, PDF, ...), NUL bytes, or many
   control bytes; these raise :class:`~cleaner.errors.DocumentError` saying what the file
   looks like. NUL bytes on one side of the 16-bit units only are UTF-16 without a BOM, not
   binary (:func:`_utf16_without_bom`);
3. strict UTF-8, which almost never decodes text in another encoding by accident;
4. UTF-8 with a few stray Windows-1252 bytes (text pasted together from two sources), when
   most of its bytes beyond ASCII are UTF-8 or the others read as Western European text
   (:func:`_mixed_western`); a Japanese or Chinese legacy encoding is neither;
5. Windows-1252 or Latin-1, when the result reads as Western European text (see
   :func:`_reads_as_western`). The two agree everywhere except bytes 0x80-0x9F: C1 control
   characters in Latin-1, printable (``€ ‘ ’ “ ” – —``) in Windows-1252. Text never contains C1
   controls, so those bytes mean Windows-1252; without them the file is named Latin-1;
6. charset-normalizer for other single- and multi-byte encodings (Cyrillic, Greek, Japanese…),
   with its ties broken (:func:`_detect_other`); Turkish, whose cp1254 letters step 5 would read
   as Icelandic ones, is sent here too.
"""

from __future__ import annotations

import codecs
import re

from cleaner.errors import DocumentError

__all__ = ["decode_bytes"]

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File signatures ("magic numbers") of formats people drop into a text folder by mistake.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"BZh", "a bzip2-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub, which are ZIP files)"),
    (b"%PDF-", "a PDF document"),
    (b"\x7fELF", "an executable program (ELF)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document (.doc/.xls)"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_SIGNATURE_EXEMPT = (b"BZh", b"%PDF-")  # printable signatures: only trusted with a version after
_PRINTABLE_SIGNATURE = re.compile(rb"(?:BZh[1-9]|%PDF-\d\.\d)")

# Control bytes that plain text does not contain (tab, line feed, form feed, carriage
# return and escape are allowed; escape starts terminal colour codes ftfy removes).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\x0b\x0c\r\x1b") + b"\x7f"
_MAX_CONTROL_SHARE = 0.01  # real text has none; binary formats have about one byte in ten
_MAX_CONTROLS_SHORT = 2  # a short text may hold a stray one or two (a backspace typed into a headline)
_SAMPLE = 1 << 16  # how much of a file the binary checks look at

_WINDOWS_ONLY = re.compile(rb"[\x80-\x9f]")
# The Icelandic letters of Latin-1 whose bytes are Turkish ones in cp1254 (Ğ ğ İ ı Ş ş): where
# they appear, charset-normalizer, which weighs the letters of each language, decides.
_TURKISH_IN_LATIN1 = re.compile("[ÐðÝýÞþ]")
# Non-letters a Western text plausibly contains, beyond ASCII (as decoded by cp1252).
_WESTERN_SYMBOLS = frozenset("\u00a0\u00ad¡¢£¥§©«®°±·»¿×÷€‚„…†‡‰‹›‘’“”•–—˜™¶¼½¾¹²³´¨ºª¬µ¦¤¯¸")
# Words of two or more letters with no ASCII letter in them, as a share of such words. In
# Western European text they are rare ("été" and "Öl" have ASCII letters; "à" and "ô" are one
# letter); Cyrillic, Greek, Hebrew or Arabic read as cp1252 is almost nothing else.
_MAX_FOREIGN_WORDS = 0.3
# Non-letters that Western text puts between two letters: apostrophes, dashes, the middle dot
# (Catalan "l·l"), the ellipsis and the soft hyphen.
_INSIDE_WORD = "’‘·–—…\u00ad"
_WORD = re.compile(r"[^\W\d_]{2,}")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes; return the text and the name of the encoding found.

    The name tells a file that starts with a byte order mark (``utf-8-sig``, ``utf-16-le+bom``):
    the mark is not part of the text.

    >>> decode_bytes("It’s €5".encode("utf-8"))
    ('It’s €5', 'utf-8')
    >>> decode_bytes("It’s €5".encode("cp1252"))
    ('It’s €5', 'cp1252')
    >>> decode_bytes("Café".encode("latin-1"))
    ('Café', 'latin-1')
    >>> decode_bytes(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
    Traceback (most recent call last):
    ...
    cleaner.errors.DocumentError: this looks like a PNG image, not text; convert it to text or leave it out of the input
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec = name.removesuffix("-sig")
            try:
                return _decode_strict(data, len(bom), codec), name if codec == "utf-8" else f"{codec}+bom"
            except DocumentError:
                if name == "utf-8-sig" and _mixed_western(data[len(bom) :]):
                    return _decode_mixed(data[len(bom) :]), "utf-8-sig+cp1252"
                raise
    _reject_binary(data[:_SAMPLE])
    wide = _utf16_without_bom(data)
    if wide is not None:
        return wide
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mixed_western(data):
        return _decode_mixed(data), "utf-8+cp1252"
    western = _decode_cp1252(data)
    if _reads_as_western(western):
        turkish = _detect_other(data) if _TURKISH_IN_LATIN1.search(western) else None
        if turkish is not None and turkish[1] in ("cp1254", "iso8859_9"):
            return turkish
        has_windows_bytes = _WINDOWS_ONLY.search(data) is not None
        return western, "cp1252" if has_windows_bytes else "latin-1"
    other = _detect_other(data)
    if other is None and _UTF8_SEQUENCE.search(data):  # better UTF-8 with a few odd bytes than nothing
        return _decode_mixed(data), "utf-8+cp1252"
    if other is None:
        msg = "cannot tell how this file is encoded (not UTF-8, not Western European); convert it to UTF-8"
        raise DocumentError(msg)
    return other


def _decode_strict(data: bytes, skip: int, encoding: str) -> str:
    """``data`` after its first ``skip`` bytes (the byte order mark) in ``encoding``; an error
    names the offending byte's offset in the whole file."""
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        msg = f"the file starts with a {encoding} byte order mark but is not valid {encoding} at byte {offset}"
        raise DocumentError(msg) from None


def _reject_binary(sample: bytes) -> None:
    """Raise :class:`DocumentError` if ``sample`` (a file's start) looks like a binary file."""
    for signature, what in _SIGNATURES:
        if sample.startswith(signature):
            if signature in _SIGNATURE_EXEMPT and not _PRINTABLE_SIGNATURE.match(sample):
                continue
            msg = f"this looks like {what}, not text; convert it to text or leave it out of the input"
            raise DocumentError(msg)
    if b"\x00" in sample and _utf16_without_bom(sample) is None:
        msg = "this looks like a binary file (it contains NUL bytes), not text; leave it out of the input"
        raise DocumentError(msg)
    controls = sum(sample.count(byte) for byte in _CONTROL_BYTES)
    if b"\x00" not in sample and controls > max(_MAX_CONTROL_SHARE * len(sample), _MAX_CONTROLS_SHORT):
        msg = (
            f"this looks like a binary file ({controls} control bytes in the first {len(sample)}), "
            "not text; leave it out of the input"
        )
        raise DocumentError(msg)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Decode UTF-16 without a BOM, told by where its NUL bytes fall.

    Latin-script text has a NUL in (nearly) every other byte, on one side only. Chinese,
    Japanese or Korean text has NULs only where it uses ASCII (line breaks, spaces, digits):
    fewer, but still on one side; the decoded text must then read as text
    (:func:`_reads_as_text`), which binary data cut into 16-bit units does not.

    >>> _utf16_without_bom("東京は晴れ。\\n明日も晴れ。\\n".encode("utf-16-be"))
    ('東京は晴れ。\\n明日も晴れ。\\n', 'utf-16-be')
    """
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:_SAMPLE]
    half = len(sample) // 2
    high_le, high_be = sample[1::2].count(0), sample[0::2].count(0)
    for name, zeros, other_side in (("utf-16-le", high_le, high_be), ("utf-16-be", high_be, high_le)):
        latin = zeros >= 0.9 * half
        wide = (
            zeros >= max(_MIN_WIDE_NULS, _MIN_WIDE_NUL_SHARE * half)
            and other_side * 4 <= zeros
            and not _plain_utf8(sample)  # ASCII or UTF-8 text with stray NULs, read as 16-bit units, is CJK-like
        )
        if not (latin or wide):
            continue
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            return None
        start = text[:half]
        controls = sum(1 for ch in start if ord(ch) < 0x20 and ch not in "\t\n\r\x0c")
        if controls <= _MAX_CONTROL_SHARE * half and (latin or _reads_as_text(start)):
            return text, name
    return None


def _plain_utf8(sample: bytes) -> bool:
    """Whether ``sample`` (a file's start, maybe cut inside a character) is valid UTF-8 without
    control bytes other than NUL: text with stray NULs. UTF-16 in a script whose letters are
    all below U+0800 (Cyrillic, Greek) is valid UTF-8 too, but full of control bytes."""
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if not (exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3):
            return False
    controls = sum(sample.count(byte) for byte in _CONTROL_BYTES) - sample.count(0)
    return controls <= _MAX_CONTROL_SHARE * len(sample)


# UTF-16 text in a script beyond Latin-1 has a NUL byte only in its ASCII characters: at least
# a line break now and then (one character in a hundred), and at least two.
_MIN_WIDE_NUL_SHARE = 0.01
_MIN_WIDE_NULS = 2
# Unicode categories text is made of: letters, marks, numbers, punctuation, symbols, spaces.
_TEXT_CATEGORIES = frozenset("LMNPSZ")
_MIN_TEXT_SHARE = 0.98


def _reads_as_text(text: str) -> bool:
    """Whether nearly all of ``text`` is letters, marks, digits, punctuation, symbols, spaces
    and line breaks: no private-use, unassigned or control characters, as 16-bit units of
    binary data give.

    >>> _reads_as_text("서울은 한국의 수도입니다.\\n"), _reads_as_text("\\ue000\\U000f0000\\u0378\\x01")
    (True, False)
    """
    import unicodedata

    good = sum(1 for ch in text if ch in "\t\n\r" or unicodedata.category(ch)[0] in _TEXT_CATEGORIES)
    return good >= _MIN_TEXT_SHARE * len(text)


_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _mixed_western(data: bytes) -> bool:
    """Whether ``data``, which is not valid UTF-8 (the caller has tried), is UTF-8 with stray
    Windows-1252 bytes.

    It must hold well-formed multi-byte UTF-8 (rare by chance in cp1252 text), and either
    twice as many bytes of it as bytes outside it, or the rest of its bytes must read as
    Western European text in cp1252 (:func:`_reads_as_western`). In a Japanese or Chinese
    legacy encoding (Shift-JIS, EUC-JP, GBK) a third or more of the byte pairs are well-formed
    UTF-8 by chance, but fewer than the bytes outside it, and those read as ``“Œ‹ž“s‚Í``.

    >>> _mixed_western("café, “quoted”".encode("utf-8")[:6] + "“quoted”".encode("cp1252"))
    True
    >>> _mixed_western("東京都は新しい計画を発表した。".encode("euc-jp"))
    False
    """
    if _UTF8_SEQUENCE.search(data) is None:
        return False
    inside = sum(len(found) for found in _UTF8_SEQUENCE.findall(data))
    outside = sum(byte >= 0x80 for byte in data) - inside
    return inside >= 2 * outside or _reads_as_western(_decode_cp1252(_UTF8_SEQUENCE.sub(b" ", data)))


def _decode_mixed(data: bytes) -> str:
    """UTF-8, each byte that is not part of a well-formed sequence read as Windows-1252."""
    return data.decode("utf-8", errors=_CP1252_FALLBACK)


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return _decode_cp1252(bad), error.end


_CP1252_FALLBACK = "cleaner-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_fallback)


def _latin1_fallback(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


_LATIN1_FALLBACK = "cleaner-latin1-fallback"
codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)


def _decode_cp1252(data: bytes) -> str:
    """Windows-1252, with its five undefined bytes taken as Latin-1 (as browsers do)."""
    return data.decode("cp1252", errors=_LATIN1_FALLBACK)


def _reads_as_western(text: str) -> bool:
    """Whether cp1252-decoded text reads as a Western European language.

    Text in another single-byte encoding decoded this way turns whole words into accented
    Latin letters (Cyrillic, Greek) or puts symbols inside words (``ma³y`` for Polish
    ``mały``). A short Western text may be mostly accented letters ("Élève née à Genève"),
    but its words still hold ASCII letters.

    >>> _reads_as_western("Die Größe der Straße"), _reads_as_western("Élève née à Genève")
    (True, True)
    >>> _reads_as_western("Ïðåçèäåíò çàÿâèë")
    False
    """
    words = _WORD.findall(text)
    foreign = [word for word in words if not any(ch.isascii() for ch in word)]
    if words and len(foreign) > _MAX_FOREIGN_WORDS * len(words):
        return False
    for i, ch in enumerate(text):
        if ch.isascii() or ch.isalpha():
            continue
        if ch not in _WESTERN_SYMBOLS:
            return False
        inside_word = 0 < i < len(text) - 1 and text[i - 1].isalpha() and text[i + 1].isalpha()
        if inside_word and ch not in _INSIDE_WORD:
            return False
    return True


def _detect_other(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's reading of ``data``, corrected where it cannot tell.

    It ranks candidate encodings by how chaotic and how coherent their text is, and on a short
    text several read equally well: a Polish cp1250 file came out as cp1257 (``og³osi³``, a
    symbol inside a word) and an ISO-8859-2 one as the Nordic ISO-8859-10 (``ogģosiģ``). So
    candidates with a symbol inside a word go, and among those that read as well as the best
    (as little chaotic and as coherent) the encoding more common on the web wins
    (:data:`_COMMON_ENCODINGS`). ``None`` when it finds no reading at all.
    """
    from charset_normalizer import from_bytes  # lazy: only needed for non-Western files

    found = list(from_bytes(data))
    matches = [m for m in found if not _symbol_inside_word(str(m))] or found
    if not matches:
        return None
    first = matches[0]
    tied = [m for m in matches if m.chaos <= first.chaos + _TIE and m.coherence >= first.coherence - _TIE]
    best = min(tied, key=lambda m: (_commonness(m.encoding), tied.index(m)))
    return str(best), best.encoding


# Chaos and coherence scores (charset-normalizer's, 0..1) this close read as well as each other.
_TIE = 0.01
# Legacy encodings by how common they are on the web, most common first (after W3Techs' survey);
# charset-normalizer's names.
_COMMON_ENCODINGS = """cp1252 latin_1 cp1251 cp932 shift_jis gb18030 gbk gb2312 euc_kr euc_jp euc_jis_2004 cp1250
    iso8859_2 big5 cp1254 iso8859_9 cp1256 cp1253 iso8859_7 koi8_r koi8_u cp874 tis_620 iso8859_15 cp1257 iso8859_13
    cp1255 iso8859_8 windows_1258 iso8859_5""".split()  # noqa: SIM905 - a word list reads best as text


def _commonness(encoding: str) -> int:
    """The rank of ``encoding`` in :data:`_COMMON_ENCODINGS` (after all of them if it is not there).

    >>> _commonness("cp1250") < _commonness("iso8859_10")
    True
    """
    return _COMMON_ENCODINGS.index(encoding) if encoding in _COMMON_ENCODINGS else len(_COMMON_ENCODINGS)


def _symbol_inside_word(text: str) -> bool:
    """Whether a non-ASCII symbol stands between two letters, as a wrong code page puts one:
    ``og³osi³`` for ``ogłosił`` (apostrophes, dashes and the middle dot can).

    >>> _symbol_inside_word("Rz¹d og³osi³"), _symbol_inside_word("Rząd ogłosił, it’s l·l")
    (True, False)
    """
    return any(
        text[i - 1].isalpha() and text[i + 1].isalpha() and not (ch.isascii() or ch.isalpha() or ch in _INSIDE_WORD)
        for i, ch in enumerate(text[1:-1], start=1)
    )
