"""Entry point for ``python -m cgowarn``."""

from cgowarn.cli import main

if __name__ == "__main__":
    main()
