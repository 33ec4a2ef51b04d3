"""A company's own build farm, marked by a variable of its own."""

facet = "build_farm"


def detect(ctx):
    if not ctx.has("ACME_BUILD_FARM"):
        return None
    ctx.because("env ACME_BUILD_FARM")
    return {"id": "acme", "pool": "linux-large" if ctx.has("ACME_LARGE_POOL") else "default"}
