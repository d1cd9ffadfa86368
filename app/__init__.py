"""The composition root: the ``leverup`` CLI and the web application. Nothing imports it."""
