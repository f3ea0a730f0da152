"""``python -m paritykit`` runs the command-line interface."""

from paritykit.cli import main

if __name__ == "__main__":  # pragma: no cover
    main()
