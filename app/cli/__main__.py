"""``python -m app.cli``: the ``leverup`` command line (the browser tests run it this way)."""

from app.cli import main

main()
