"""Data loading, training, evaluation and the `triage` command line. Imports `nlp`."""
