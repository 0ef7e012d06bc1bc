"""One router per concern: classification, metadata, health."""
