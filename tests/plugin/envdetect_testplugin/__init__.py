"""Detectors a third party could ship: one that works, one that always fails."""


class _Exploding:
    facet = "exploding"

    def detect(self, ctx):
        raise RuntimeError("this detector always fails")


exploding = _Exploding()
