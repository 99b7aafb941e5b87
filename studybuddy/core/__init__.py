"""Pure domain: no textual, rich, file or database I/O."""
