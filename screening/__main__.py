"""`python -m screening` runs the CLI."""

from screening.cli.app import main

main()
