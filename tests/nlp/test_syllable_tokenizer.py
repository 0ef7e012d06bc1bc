"""underthesea's syllable tokenizer, loaded without the rest of the package.

Each case runs in a fresh interpreter: the test process itself has usually imported
underthesea already, and the light import only happens when it has not.
"""

import subprocess
import sys
import textwrap

TEXT = "Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt!"


def run_fresh(script: str) -> str:
    """Run `script` in a new interpreter and return what it printed; fail on an error."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_syllable_tokenizer_warm_up_imports_no_underthesea_module() -> None:
    printed = run_fresh(
        f"""
        import sys
        from nlp.tokenize import segment, warm_up
        warm_up()
        print(segment({TEXT!r}))
        print(sorted(name for name in sys.modules if name.startswith("underthesea")))
        """
    )
    segmented, modules = printed.splitlines()
    assert "hàng_loạt" in segmented
    assert modules == "[]"


def test_syllable_tokenizer_segmentation_matches_word_tokenize_imported_afterwards() -> None:
    # The real package still imports whole after the light import, and agrees with it.
    printed = run_fresh(
        f"""
        from nlp.tokenize import segment
        ours = segment({TEXT!r})
        import underthesea
        theirs = underthesea.word_tokenize({TEXT!r}, format="text")
        print(ours == theirs, underthesea.pipeline.word_tokenize.tokenize is not None)
        """
    )
    assert printed == "True True"


def test_syllable_tokenizer_changed_package_layout_falls_back_to_the_ordinary_import() -> None:
    printed = run_fresh(
        f"""
        import sys
        from nlp import syllable_tokenizer
        syllable_tokenizer._NORMALIZER_MODULE = "underthesea.pipeline.no_such_module"
        tokenize = syllable_tokenizer.load_syllable_tokenizer()
        print(tokenize({TEXT!r})[:3], "underthesea.pipeline.ner" in sys.modules)
        """
    )
    assert printed == "['Đường', 'Láng', 'ngập'] True"


def test_syllable_tokenizer_is_reused_when_underthesea_is_already_imported() -> None:
    printed = run_fresh(
        """
        import underthesea
        from nlp.syllable_tokenizer import load_syllable_tokenizer
        tokenize = load_syllable_tokenizer()
        print(tokenize is underthesea.pipeline.word_tokenize.regex_tokenize.tokenize)
        """
    )
    assert printed == "True"
