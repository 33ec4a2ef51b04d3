"""Built-in detectors, one module per facet.

Each module has a ``facet`` name and a ``detect(ctx)`` function returning the
facet's fields as a dict, or ``None`` when the facet does not apply.  Modules
whose names start with an underscore are helpers shared by detectors.
"""
