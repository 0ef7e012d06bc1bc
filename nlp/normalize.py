"""Text normalisation: one canonical spelling for the many ways a complaint is typed.

Citizens write the same words with composed or decomposed Unicode, old or new tone-mark
placement, capitals, stretched letters, SMS abbreviations and pasted phone numbers. The
classifier should see one form for all of them, so that "Đường NGẬPPP quá, ko đi đc" and
"đường ngập quá, không đi được" give the same features.

Every function here is pure and total on `str`: it never raises on odd Unicode and
applying it twice gives the same result as applying it once.
"""

import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Final

from nlp.errors import InvalidInputError

URL_TOKEN: Final = "xxurl"
EMAIL_TOKEN: Final = "xxemail"
PHONE_TOKEN: Final = "xxphone"
PLATE_TOKEN: Final = "xxplate"

# The five Vietnamese tone marks, as combining characters (NFD).
_TONE_MARKS: Final = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS: Final = frozenset("aăâeêioôơuưy")
_MARKED_VOWELS: Final = frozenset("ăâêôơư")
_VIETNAMESE_LETTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyzăâđêôơư")

_EMAIL_RE: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL_RE: Final = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|vn|net|org|info|io)(?:/\S*)?(?!\w)"
)
# Vietnamese numbers: mobiles 0 + 9 digits, landlines 0 + 10 digits, +84 forms; digits
# may be grouped with spaces, dots or dashes ("0912 345 678", "024.3826.1234").
_PHONE_RE: Final = re.compile(r"(?<![\w.])(?:\+84|0084|0)(?:[\s.\-]?\d){8,10}(?![\w])")
# Licence plates: "30A-123.45", "29H 456.78", "29-B1 123.45", "51F12345".
_PLATE_RE: Final = re.compile(
    r"(?<![\w.])\d{2}\s?-?\s?[a-z]{1,2}\d?\s?[-.]?\s?\d{3}[.\s]?\d{1,2}(?![\w])"
)
# "8h", "8h30", "14h15p": clock times, written the SMS way.
_CLOCK_RE: Final = re.compile(r"(?<![\w])(\d{1,2})h(\d{1,2})?p?(?![\w])")
_WORD_RE: Final = re.compile(r"[^\W\d_]+")
_SPACE_RE: Final = re.compile(r"\s+")
_REPEATED_PUNCT_RE: Final = re.compile(r"([!?.,;:~*\-_=+])\1+")
_COMBINING_RE: Final = re.compile(r"[\u0300-\u036f]")
_WHITESPACE_CONTROLS: Final = {ord("\n"): " ", ord("\r"): " ", ord("\t"): " "}


def _build_strip_table() -> dict[int, str]:
    """Map every precomposed Latin letter to its bare letter, keeping length 1:1."""
    table: dict[int, str] = {ord("đ"): "d", ord("Đ"): "D"}
    for start, end in ((0x00C0, 0x0250), (0x1E00, 0x1F00)):
        for code in range(start, end):
            decomposed = unicodedata.normalize("NFD", chr(code))
            if len(decomposed) > 1 and decomposed[0].isascii():
                table[code] = decomposed[0]
    return table


_STRIP_TABLE: Final = _build_strip_table()


def clean_text(text: object) -> str:
    """Make any string safe to process: NFC, no lone surrogates, no control characters.

    Combining diacritics that NFC could not attach to a letter are dropped as well.

    Text that arrives through JSON or a badly decoded file can carry lone surrogates
    (which cannot be encoded), zero-width and direction marks, or control characters;
    each is dropped or turned into a space so later steps see ordinary text.

    Raises:
        InvalidInputError: `text` is not a string.

    Examples:
        >>> clean_text("Ho\\u0300a Ki\\u1ebfm\\u200b")
        'Hòa Kiếm'
    """
    if not isinstance(text, str):
        raise InvalidInputError(f"text must be a string, not {type(text).__name__}")
    text = text.translate(_WHITESPACE_CONTROLS)
    if text.isprintable():  # the common case: nothing invisible to drop
        return _COMBINING_RE.sub("", unicodedata.normalize("NFC", text))
    chars: list[str] = []
    for char in text:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            chars.append(" ")
        elif category in ("Cf", "Cs", "Co", "Cn"):
            continue
        else:
            chars.append(char)
    # Vietnamese letters compose fully under NFC; a diacritic left over (a second tone
    # mark, a mark on an emoji) is noise that would make later steps unstable.
    return _COMBINING_RE.sub("", unicodedata.normalize("NFC", "".join(chars)))


def strip_accents(text: str) -> str:
    """Remove every diacritic, so "Đường Láng ngập" and "duong lang ngap" become one form.

    A third of complaints are typed without diacritics; the accent-stripped form lets the
    classifier match them to the same features as fully marked text.

    Examples:
        >>> strip_accents("Đường Láng ngập sâu")
        'Duong Lang ngap sau'
    """
    stripped = unicodedata.normalize("NFC", text).translate(_STRIP_TABLE)
    return _COMBINING_RE.sub("", stripped)


@lru_cache(maxsize=1 << 16)
def _place_tone(word: str) -> str:
    """Put the tone mark of one lower-case syllable on the vowel the old style uses.

    Old style ("hòa", "thủy", "khỏe") is what most keyboards type; "hoà", "thuỷ" and
    "khoẻ" are moved to it. Words that are not a plain Vietnamese syllable with exactly
    one tone mark are returned unchanged.
    """
    decomposed = unicodedata.normalize("NFD", word)
    tones = [char for char in decomposed if char in _TONE_MARKS]
    if len(tones) != 1:
        return word
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if not base or any(char not in _VIETNAMESE_LETTERS for char in base):
        return word
    vowel_positions = [i for i, char in enumerate(base) if char in _VOWELS]
    # "qu" and "gi" before another vowel are consonants: "quả", "già".
    if base[:2] in ("qu", "gi") and len(vowel_positions) > 1 and vowel_positions[0] == 1:
        vowel_positions = vowel_positions[1:]
    if not vowel_positions:
        return word
    first, last = vowel_positions[0], vowel_positions[-1]
    if last - first + 1 != len(vowel_positions):
        return word
    marked = [i for i in vowel_positions if base[i] in _MARKED_VOWELS]
    if marked:
        horn_o = [i for i in marked if base[i] == "ơ"]
        position = horn_o[0] if horn_o else marked[0]
    elif len(vowel_positions) == 1:
        position = first
    elif len(vowel_positions) >= 3:
        position = vowel_positions[1]
    else:
        has_final_consonant = last < len(base) - 1
        position = last if has_final_consonant else first
    toned = unicodedata.normalize("NFC", base[position] + tones[0])
    return base[:position] + toned + base[position + 1 :]


def normalize_tone_marks(text: str) -> str:
    """Give every syllable one tone-mark placement, so "hoà" and "hòa" are one word.

    Expects lower-case text, as `normalize_text` produces.

    Examples:
        >>> normalize_tone_marks("thuý hoà khoẻ")
        'thúy hòa khỏe'
    """
    return _WORD_RE.sub(lambda match: _place_tone(match.group(0)), text)


def squeeze_stretched(text: str) -> str:
    """Shorten letters stretched for emphasis ("quaaaá" -> "quá") and repeated punctuation.

    A run of three or more of the same letter (ignoring tone marks) is never Vietnamese
    spelling, so it becomes one letter; the toned letter of the run is kept.
    """
    text = _REPEATED_PUNCT_RE.sub(r"\1", text)
    bases = strip_accents(text)
    if len(bases) != len(text) or not re.search(r"([^\W\d_])\1\1", bases):
        return text
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and bases[j] == bases[i] and bases[i].isalpha():
            j += 1
        if j - i >= 3:
            run = text[i:j]
            toned = [char for char in run if char != bases[i]]
            out.append(toned[0] if toned else run[0])
            i = j
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def parse_abbreviations(table_text: str) -> dict[str, str]:
    """Read the abbreviation table: one `abbreviation<TAB>expansion` per line, # comments.

    Both sides are normalised the same way as complaint text, so an entry written with
    decomposed Unicode or the other tone-mark placement still matches.
    """
    table: dict[str, str] = {}
    for line in table_text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        short, _, expansion = line.partition("\t")
        short, expansion = short.strip(), expansion.strip()
        if short and expansion:
            key = normalize_tone_marks(clean_text(short).lower())
            table[key] = normalize_tone_marks(clean_text(expansion).lower())
    return table


@cache
def default_abbreviations() -> Mapping[str, str]:
    """The SMS abbreviations shipped with the library (`nlp/resources/abbreviations.tsv`)."""
    text = resources.files("nlp").joinpath("resources/abbreviations.tsv").read_text("utf-8")
    return parse_abbreviations(text)


@cache
def _abbreviation_pattern(keys: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])")


def expand_abbreviations(text: str, table: Mapping[str, str] | None = None) -> str:
    """Replace whole-word SMS abbreviations ("ko", "đc", "bks") by their full words.

    Examples:
        >>> expand_abbreviations("xe ko đi đc")
        'xe không đi được'
    """
    table = default_abbreviations() if table is None else table
    if not table:
        return text
    pattern = _abbreviation_pattern(frozenset(table))
    return pattern.sub(lambda match: table[match.group(0)], text)


def replace_entities(text: str) -> str:
    """Replace e-mails, URLs, phone numbers and licence plates by placeholder tokens.

    Their exact digits say nothing about the department but would become thousands of
    one-off features; the placeholder keeps the useful fact ("a plate was named").
    """
    text = _EMAIL_RE.sub(f" {EMAIL_TOKEN} ", text)
    text = _URL_RE.sub(f" {URL_TOKEN} ", text)
    text = _PLATE_RE.sub(f" {PLATE_TOKEN} ", text)
    text = _PHONE_RE.sub(f" {PHONE_TOKEN} ", text)
    return _CLOCK_RE.sub(lambda m: f"{m.group(1)} giờ {m.group(2) or ''}", text)


def normalize_text(text: object) -> str:
    """The canonical form of a complaint: the input of tokenisation and of every feature.

    Steps: clean (NFC, no surrogates or control characters), lower-case, placeholders for
    e-mails, URLs, phones and plates, one tone-mark placement, stretched letters squeezed,
    SMS abbreviations expanded, whitespace collapsed.

    Raises:
        InvalidInputError: `text` is not a string.

    Examples:
        >>> normalize_text("Đường Láng NGẬP quáaaa, ko đi đc!!! LH 0912 345 678")
        'đường láng ngập quá, không đi được! lh xxphone'
    """
    text = clean_text(text).lower()
    text = replace_entities(text)
    text = normalize_tone_marks(text)
    text = squeeze_stretched(text)
    text = expand_abbreviations(text)
    return _SPACE_RE.sub(" ", text).strip()
