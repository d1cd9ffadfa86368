"""The shared kernel: settings, errors, dates and the JSON-LD layer.

Nothing here imports another package of this project.
"""
