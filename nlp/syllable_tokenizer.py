"""underthesea's syllable tokenizer, imported without the rest of the package.

Word segmentation needs two things from underthesea: the regex tokenizer that splits text
into syllables, punctuation and numbers, and the segmentation model files. But
`import underthesea` runs the package's `__init__`, which imports its POS-tagging, chunking
and NER pipelines, and each of those reads the 74,000-word Viet74K dictionary into sets
at import time: about 50 MB in every process, and 0.2 s of start-up, for pipelines we
never call. A service worker is held to 300 MB, so that matters.

`load_syllable_tokenizer` imports only the tokenizer's own modules by standing in an
empty package object for `underthesea` while they load, then removes it and those
modules from `sys.modules`, so a later `import underthesea` (the `word_tokenize`
fallback, the benchmarks) loads the real package as if nothing had happened. If anything
about that fails (another underthesea layout), it imports the tokenizer the ordinary way.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from pathlib import Path

SyllableTokenizer = Callable[[str], list[str]]

_PACKAGE: str = "underthesea"
_TOKENIZER_MODULE: str = "underthesea.pipeline.word_tokenize.regex_tokenize"
#: Imported first, as the package's own `__init__` does: the tokenizer and the text
#: normaliser import each other, and only this order resolves.
_NORMALIZER_MODULE: str = "underthesea.pipeline.text_normalize"


def package_folder() -> Path | None:
    """The installed underthesea package folder, found without importing the package.

    Model files are read from here; None means underthesea is not installed.
    """
    spec = _package_spec()
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _package_spec() -> ModuleSpec | None:
    """underthesea's import spec, or None when it is not installed."""
    return importlib.util.find_spec(_PACKAGE)


def load_syllable_tokenizer() -> SyllableTokenizer:
    """underthesea's `regex_tokenize.tokenize`, loaded at the lowest memory cost possible.

    Not safe to call while another thread imports underthesea (the stand-in package is in
    `sys.modules` for the moment of the import), so callers load it once under a lock
    before serving, as `nlp.tokenize.warm_up` does.
    """
    if _PACKAGE in sys.modules:
        return _tokenize_function(importlib.import_module(_TOKENIZER_MODULE))
    spec = _package_spec()
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named {_PACKAGE!r}")
    stand_in = types.ModuleType(_PACKAGE)
    stand_in.__path__ = list(spec.submodule_search_locations)
    stand_in.__spec__ = spec  # so that find_spec still answers while it stands in
    tokenizer: SyllableTokenizer | None = None
    sys.modules[_PACKAGE] = stand_in
    try:
        importlib.import_module(_NORMALIZER_MODULE)
        tokenizer = _tokenize_function(importlib.import_module(_TOKENIZER_MODULE))
    except Exception:
        tokenizer = None  # another layout: import it the ordinary way below
    finally:
        _forget_underthesea_modules()
    if tokenizer is None:
        return _tokenize_function(importlib.import_module(_TOKENIZER_MODULE))
    return tokenizer


def _forget_underthesea_modules() -> None:
    """Drop the stand-in and every module loaded under it from `sys.modules`.

    The tokenizer keeps its own module alive through its globals; a later
    `import underthesea` then loads the real package from scratch, never a half of it.
    """
    for name in tuple(sys.modules):
        if name.split(".")[0] == _PACKAGE:
            sys.modules.pop(name, None)


def _tokenize_function(module: types.ModuleType) -> SyllableTokenizer:
    """The module's `tokenize`, checked to be callable so a changed layout fails here."""
    tokenize = module.tokenize
    if not callable(tokenize):
        raise TypeError(f"{module.__name__}.tokenize is not callable")
    tokenizer: SyllableTokenizer = tokenize
    return tokenizer
