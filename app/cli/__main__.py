"""``python -m app.cli``: the ``leverup`` command line without its console script."""

from app.cli import main

main()
