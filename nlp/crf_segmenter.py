"""underthesea's word-segmentation model, scored with cached feature weights.

`underthesea.word_tokenize` splits text into syllable tokens, describes every token by
43 feature strings ("T[-1,0]=ùn tắc", "T[0].is_in_dict=True", ...) and tags it B-W
(starts a word) or I-W (continues one) with a linear-chain CRF. Building those strings
and handing them between Rust and Python is about two thirds of its time.

`CrfSegmenter` reads the same model files shipped in the underthesea package (the
CRFsuite weights, the feature templates and the word dictionary) and runs the same
model, but sums each template's weights once per distinct window of tokens and keeps
the sums: complaints reuse the same syllables and syllable pairs again and again. The
output is identical to `word_tokenize` (tested on every corpus text and on random text).
When the model files are missing or in another format, `load_segmenter` returns None and
callers keep using `word_tokenize`.
"""

from __future__ import annotations

import re
import struct
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import joblib

from nlp.syllable_tokenizer import package_folder

#: How many windows of one, two and three tokens the segmenter keeps per cache
#: generation: the syllables and common phrases of complaints stay, and a long-running
#: worker grows by some 30 MB at most.
WINDOW_CACHE_SIZE: Final = 10_000

#: Windows of three or more tokens kept per generation (0 keeps none).
TRIGRAM_CACHE_SIZE: Final = 10_000

_MODEL_FOLDER: Final = "ws_crf_vlsp2013_20230727"
_TEMPLATE_RE: Final = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(\w+))?")
_BEGIN: Final = "B-W"
_INSIDE: Final = "I-W"

Weights = tuple[float, float]


class SegmenterFormatError(ValueError):
    """The model files are not the CRFsuite model and templates this module reads."""


def _read_cqdb(blob: bytes, start: int) -> dict[int, str]:
    """The id -> string table of a CRFsuite constant-quark database at `start`."""
    chunk, _, _, _, count, backward = struct.unpack_from("<4sIIIII", blob, start)
    if chunk != b"CQDB":
        raise SegmenterFormatError("expected a CQDB string table")
    strings: dict[int, str] = {}
    for index in range(count):
        (offset,) = struct.unpack_from("<I", blob, start + backward + 4 * index)
        if offset:
            key_id, size = struct.unpack_from("<II", blob, start + offset)
            at = start + offset + 8
            strings[key_id] = blob[at : at + size - 1].decode("utf-8")
    return strings


def read_crfsuite_model(path: Path) -> tuple[list[str], dict[str, Weights], list[list[float]]]:
    """Labels, per-attribute state weights and label transitions of a CRFsuite model.

    Only two-label models (B-W and I-W) are accepted, which is what word segmentation is.

    Raises:
        SegmenterFormatError: the file is not such a model.
        OSError: the file cannot be read.
    """
    blob = path.read_bytes()
    try:
        magic, _, kind, _, _, n_labels, _, at_features, at_labels, at_attrs, _, _ = (
            struct.unpack_from("<4sI4sIIIIIIIII", blob, 0)
        )
        if magic != b"lCRF" or kind != b"FOMC" or n_labels != 2:
            raise SegmenterFormatError("not a two-label CRFsuite model")
        labels = _read_cqdb(blob, at_labels)
        attributes = _read_cqdb(blob, at_attrs)
        chunk, _, count = struct.unpack_from("<4sII", blob, at_features)
        if chunk != b"FEAT":
            raise SegmenterFormatError("expected the feature table")
        label_names = [labels[0], labels[1]]
        state: dict[str, list[float]] = {}
        transitions = [[0.0, 0.0], [0.0, 0.0]]
        for kind_id, source, target, weight in struct.iter_unpack(
            "<IIId", blob[at_features + 12 : at_features + 12 + 20 * count]
        ):
            if kind_id == 0:
                state.setdefault(attributes[source], [0.0, 0.0])[target] += weight
            elif kind_id == 1:
                transitions[source][target] = weight
    except (struct.error, KeyError, UnicodeDecodeError) as error:
        raise SegmenterFormatError(f"unreadable CRFsuite model: {error}") from error
    return label_names, {key: (b, i) for key, (b, i) in state.items()}, transitions


def _is_title(value: str) -> bool:
    """underthesea's "istitle": every space-separated part starts with a non-lowercase char."""
    return all(part[:1] == part[:1].upper() for part in value.split(" "))


@dataclass(frozen=True)
class _Span:
    """The templates that read the same tokens, T[low..high], and their attributes."""

    low: int
    high: int
    templates: tuple[tuple[str, Callable[[str], str]], ...]


class _WindowCache:
    """A bounded memo of window weights that keeps what is used often.

    Two generations: new entries go to the current one; when it is full it becomes the
    previous one (the older one is dropped), and a hit in the previous generation moves
    back to the current one. Common windows survive, memory stays under two generations,
    and no lock is needed: each step is one dict operation, atomic under the GIL.
    """

    def __init__(self, size: int) -> None:
        """Keep at most `size` entries per generation (none when `size` is 0)."""
        self._size = size
        self._current: dict[str, array[float]] = {}
        self._previous: dict[str, array[float]] = {}

    def get(self, window: str) -> array[float] | None:
        """The remembered weights of `window`, or None."""
        found = self._current.get(window)
        if found is None:
            found = self._previous.get(window)
            if found is not None:
                self.put(window, found)
        return found

    def clear(self) -> None:
        """Forget everything (benchmarks measure the cold case this way)."""
        self._current = {}
        self._previous = {}

    def put(self, window: str, weights: array[float]) -> None:
        """Remember `weights` for `window`, turning over generations when full."""
        if self._size <= 0:
            return
        if len(self._current) >= self._size:
            self._previous = self._current
            self._current = {}
        self._current[window] = weights


class CrfSegmenter:
    """Word segmentation with underthesea's CRF model; see the module docstring."""

    def __init__(
        self,
        templates: Sequence[str],
        dictionary: frozenset[str],
        state: dict[str, Weights],
        transitions: list[list[float]],
        labels: list[str],
    ) -> None:
        """Group `templates` by the tokens they read and precompute edge weights.

        Raises:
            SegmenterFormatError: a template or the labels are not the expected kind.
        """
        if sorted(labels) != [_BEGIN, _INSIDE]:
            raise SegmenterFormatError(f"unexpected labels {labels}")
        attribute: dict[str | None, Callable[[str], str]] = {
            None: lambda value: value,
            "lower": str.lower,
            "isdigit": lambda value: str(value.isdigit()),
            "istitle": lambda value: str(_is_title(value)),
            "is_in_dict": lambda value: str(value.lower() in dictionary),
        }
        groups: dict[tuple[int, int], list[tuple[str, Callable[[str], str]]]] = {}
        for template in templates:
            match = _TEMPLATE_RE.fullmatch(template)
            if match is None or match.group(3) not in attribute:
                raise SegmenterFormatError(f"unknown feature template {template!r}")
            low = int(match.group(1))
            high = int(match.group(2)) if match.group(2) is not None else low
            groups.setdefault((low, high), []).append((template, attribute[match.group(3)]))
        spans = [_Span(low, high, tuple(group)) for (low, high), group in groups.items()]
        # One table per template, keyed by the attribute's value: no feature string is
        # built per token, and a value the model never saw costs one lookup.
        tables: dict[str, dict[str, Weights]] = {template: {} for template in templates}
        for key, weights in state.items():
            template, _, value = key.partition("=")
            if template in tables:
                tables[template][value] = weights
        self._tables: Final = tables
        self._begin: Final = labels.index(_BEGIN)
        self._transitions: Final = transitions
        self._spans: Final = tuple(spans)
        self._edges: Final = {
            edge: tuple(self._sum(span, edge) for span in spans) for edge in ("BOS", "EOS")
        }
        #: Spans by how many tokens they read: a window of that many tokens is scored
        #: for all of them at once, and the sums are kept per window.
        self._widths: Final = {
            width: tuple(span for span in spans if span.high - span.low + 1 == width)
            for width in sorted({span.high - span.low + 1 for span in spans})
        }
        self._caches: Final = {
            width: _WindowCache(WINDOW_CACHE_SIZE if width < 3 else TRIGRAM_CACHE_SIZE)
            for width in self._widths
        }

    def _sum(self, span: _Span, value: str) -> Weights:
        """The summed (label 0, label 1) weights of `span`'s templates if all read `value`.

        Used for the "BOS" and "EOS" values that templates reaching past an end read.
        """
        first = second = 0.0
        for template, _ in span.templates:
            weights = self._tables[template].get(value)
            if weights is not None:
                first += weights[0]
                second += weights[1]
        return first, second

    def _window(self, width: int, value: str) -> array[float]:
        """The weights of every `width`-token span on the tokens joined as `value`.

        Flat (label 0, label 1) pairs, one per span, in a compact array: every template of
        a span reads the joined tokens, so `value` alone decides them.
        """
        # The spans of one width read the same tokens: compute each attribute once.
        attributes: dict[Callable[[str], str], str] = {}
        sums = array("d")
        for span in self._widths[width]:
            first = second = 0.0
            for template, function in span.templates:
                attribute = attributes.get(function)
                if attribute is None:
                    attribute = attributes[function] = function(value)
                weights = self._tables[template].get(attribute)
                if weights is not None:
                    first += weights[0]
                    second += weights[1]
            sums.append(first)
            sums.append(second)
        return sums

    def _scores(self, tokens: Sequence[str]) -> tuple[list[float], list[float]]:
        """Each token's state score for label 0 and for label 1, in the model's order."""
        count = len(tokens)
        first = [0.0] * count
        second = [0.0] * count
        for width, spans in self._widths.items():
            lows = [span.low for span in spans]
            cache = self._caches[width]
            for start in range(count - width + 1):
                value = tokens[start] if width == 1 else " ".join(tokens[start : start + width])
                sums = cache.get(value)
                if sums is None:
                    sums = self._window(width, value)
                    cache.put(value, sums)
                for index, low in enumerate(lows):
                    position = start - low
                    if 0 <= position < count:
                        first[position] += sums[2 * index]
                        second[position] += sums[2 * index + 1]
        # Templates reaching past either end read "BOS" or "EOS" (the start wins).
        for index, span in enumerate(self._spans):
            bos = min(max(-span.low, 0), count)
            for position in range(bos):
                first[position] += self._edges["BOS"][index][0]
                second[position] += self._edges["BOS"][index][1]
            for position in range(max(count - span.high, bos), count):
                first[position] += self._edges["EOS"][index][0]
                second[position] += self._edges["EOS"][index][1]
        return first, second

    def clear_cache(self) -> None:
        """Forget every remembered window; results do not change, only speed."""
        for cache in self._caches.values():
            cache.clear()

    def tag(self, tokens: Sequence[str]) -> list[bool]:
        """For each token, whether it starts a word (Viterbi over the CRF's two labels)."""
        if not tokens:
            return []
        firsts, seconds = self._scores(tokens)
        trans = self._transitions
        best = [firsts[0], seconds[0]]
        back: list[tuple[int, int]] = []
        for first, second in zip(firsts[1:], seconds[1:], strict=True):
            from0 = best[0] + trans[0][0], best[1] + trans[1][0]
            from1 = best[0] + trans[0][1], best[1] + trans[1][1]
            came0 = 0 if from0[0] >= from0[1] else 1
            came1 = 0 if from1[0] >= from1[1] else 1
            back.append((came0, came1))
            best = [from0[came0] + first, from1[came1] + second]
        label = 0 if best[0] >= best[1] else 1
        path = [label]
        for step in reversed(back):
            label = step[label]
            path.append(label)
        path.reverse()
        return [label == self._begin for label in path]

    def segment(self, tokens: Sequence[str]) -> str:
        """Words joined by "_" and separated by spaces, as `word_tokenize(format="text")`."""
        words: list[str] = []
        for position, (token, begins) in enumerate(zip(tokens, self.tag(tokens), strict=True)):
            if begins or position == 0:
                words.append(token)
            else:
                words[-1] = f"{words[-1]} {token}"
        return " ".join(word.replace(" ", "_") for word in words)


def load_segmenter(folder: Path | None = None) -> CrfSegmenter | None:
    """The segmenter over underthesea's shipped model, or None if it cannot be read.

    None is not an error for callers: it means "use `underthesea.word_tokenize`", which
    is slower but reads whatever model format the installed underthesea uses.
    """
    if folder is None:
        package = package_folder()
        if package is None:
            return None
        folder = package / "pipeline" / "word_tokenize" / "models" / _MODEL_FOLDER
    try:
        templates = list(joblib.load(folder / "features.bin"))
        dictionary = frozenset(joblib.load(folder / "dictionary.bin"))
        labels, state, transitions = read_crfsuite_model(folder / "models.bin")
        return CrfSegmenter(templates, dictionary, state, transitions, labels)
    except Exception:  # unpickling a damaged file can raise almost anything
        return None
