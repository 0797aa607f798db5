"""Command-line interface: one module per verb; each parses options, calls the library, prints."""
