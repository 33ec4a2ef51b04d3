"""The ``notebook`` facet: a notebook kernel, or a hosted notebook platform.

Result: ``{"id", "name"}`` with id ``colab``, ``kaggle``, ``databricks``,
``sagemaker``, ``jupyter`` or ``marimo``.  Hosted platforms come first (their
VMs and containers say so in every process); then a Jupyter kernel, from
``JPY_PARENT_PID``/``JPY_SESSION_NAME`` (jupyter_client, jupyter_server),
ipykernel's own ``MPLBACKEND`` default, this process's own command line
(``-m ipykernel_launcher``), or an ``ipykernel_launcher`` ancestor; then
marimo, which sets no variable: ``marimo run`` runs cells in threads of its
own process, ``marimo edit`` and ``marimo export`` in a spawned child of it.
VS Code, PyCharm and other editors' notebooks are ``jupyter`` here and their
editor in the ide facet.

Not notebooks: terminal IPython (no kernel), Spyder's console (a kernel, but
Spyder's: the ide facet says ``spyder``), SageMaker training jobs.
"""

from envdetect.detectors import _ancestry

TYPE_CHECKING = False
if TYPE_CHECKING:  # pragma: no cover
    from typing import Any

    from envdetect._context import Context

facet = "notebook"

NOTEBOOK_NAMES = {
    "jupyter": "Jupyter",
    "marimo": "marimo",
    "colab": "Google Colab",
    "kaggle": "Kaggle",
    "databricks": "Databricks",
    "sagemaker": "Amazon SageMaker",
}

#: Colab VMs export these to every process (``COLAB_GPU`` is empty on CPU
#: runtimes, so it is not listed: empty means unset here).
COLAB_VARIABLES = (
    "COLAB_RELEASE_TAG",
    "COLAB_BACKEND_VERSION",
    "COLAB_JUPYTER_IP",
    "COLAB_KERNEL_MANAGER_PROXY_HOST",
)

#: A Jupyter kernel, from the environment: jupyter_client's launcher sets
#: ``JPY_PARENT_PID``, jupyter_server ``JPY_SESSION_NAME``; ipykernel itself
#: sets ``MPLBACKEND`` to its inline backend when nothing else set one.
JUPYTER_VARIABLES = ("JPY_PARENT_PID", "JPY_SESSION_NAME")

INLINE_BACKENDS = (
    "module://matplotlib_inline.backend_inline",
    "module://ipykernel.pylab.backend_inline",
)

#: SageMaker Studio spaces and Studio Lab.
SAGEMAKER_VARIABLES = (
    "SAGEMAKER_APP_TYPE",
    "SM_APP_TYPE",
    "SAGEMAKER_SPACE_NAME",
    "SAGEMAKER_INTERNAL_IMAGE_URI",
    "SM_INTERNAL_IMAGE_URI",
)

#: App types that are notebooks by themselves (lowercased); a Code Editor
#: space counts only while a kernel runs.
SAGEMAKER_NOTEBOOK_APPS = frozenset({"jupyterlab", "jupyterserver", "kernelgateway"})

#: Metadata files, consulted only once a kernel is known.
SAGEMAKER_FILES = (
    "/opt/ml/metadata/resource-metadata.json",
    "/etc/opt/ml/sagemaker-notebook-instance-version.txt",
)

DATABRICKS_FILES = ("/databricks/DBR_VERSION",)

#: Variables the code below reads by name, outside the tables above: with
#: the tables, the registry's gate for this facet (scripts/generate.py).
ALSO_READ = (
    "DATABRICKS_RUNTIME_VERSION",
    "KAGGLE_DATA_PROXY_URL",
    "KAGGLE_KERNEL_RUN_TYPE",
    "KAGGLE_URL_BASE",
    "MPLBACKEND",
)

#: Every id this facet can report.
IDS = tuple(NOTEBOOK_NAMES)


def detect(ctx: "Context") -> "dict[str, Any] | None":
    ident = _platform(ctx)
    if ident is None:
        ident = _kernel(ctx)
    if ident is None:
        return None
    return {"id": ident, "name": NOTEBOOK_NAMES[ident]}


def _platform(ctx: "Context") -> "str | None":
    for name in COLAB_VARIABLES:
        if ctx.has(name):
            ctx.because(f"env {name}")
            return "colab"
    # kagglehub: the run type plus its data proxy (older images: URL base).
    if ctx.has("KAGGLE_KERNEL_RUN_TYPE"):
        for name in ("KAGGLE_DATA_PROXY_URL", "KAGGLE_URL_BASE"):
            if ctx.has(name):
                ctx.because("env KAGGLE_KERNEL_RUN_TYPE", f"env {name}")
                return "kaggle"
    version = ctx.env("DATABRICKS_RUNTIME_VERSION")
    if version is not None and _runtime_version(version):
        ctx.because("env DATABRICKS_RUNTIME_VERSION")
        return "databricks"
    studio = next((name for name in SAGEMAKER_VARIABLES if ctx.has(name)), None)
    if studio is not None:
        app = ctx.env("SAGEMAKER_APP_TYPE") or ctx.env("SM_APP_TYPE")
        if app is None or app.strip().lower() in SAGEMAKER_NOTEBOOK_APPS:
            ctx.because(f"env {studio}")
            return "sagemaker"
        # A Code Editor space: a notebook only while a kernel runs.
        if _kernel(ctx) is not None:
            ctx.because(f"env {studio}")
            return "sagemaker"
    return None


def _runtime_version(value: str) -> bool:
    """``13.3``, ``15.4.x-scala2.12``, serverless ``client.1.13``; not the
    ``DATABRICKS_RUNTIME_VERSION=1`` people set to trick installers."""
    value = value.strip()
    if value.startswith("client."):
        value = value[len("client.") :]
        return value[:1].isdigit() and value[:1].isascii()
    head, dot, tail = value.partition(".")
    return (
        bool(dot)
        and head.isascii()
        and head.isdigit()
        and tail[:1].isascii()
        and tail[:1].isdigit()
    )


def _kernel(ctx: "Context") -> "str | None":
    """A Jupyter or marimo kernel (or a process it started); hosted platforms'
    kernels are recognised by their metadata files, read only once a kernel
    is known."""
    ide = ctx.found.get("ide")
    if isinstance(ide, dict) and ide.get("id") == "spyder":
        return None
    if not _kernel_signal(ctx):
        if _ancestry.explained_elsewhere(ctx):
            return None
        # marimo sets no variable; its kernel never has a terminal, but the
        # app runner's threads share the server's, which a person may have.
        marimo = _ancestry.marimo_kernel(ctx, ancestors=not ctx.interactive())
        if marimo is None:
            return None
        ctx.because(marimo[3])
        return "marimo"
    for path in SAGEMAKER_FILES:
        if ctx.exists(path):
            ctx.because(f"file {path}")
            return "sagemaker"
    for path in DATABRICKS_FILES:
        if ctx.exists(path):
            ctx.because(f"file {path}")
            return "databricks"
    return "jupyter"


def _kernel_signal(ctx: "Context") -> bool:
    for name in JUPYTER_VARIABLES:
        if ctx.has(name):
            ctx.because(f"env {name}")
            return True
    backend = ctx.env("MPLBACKEND")
    if backend is not None and backend.strip() in INLINE_BACKENDS:
        ctx.because("env MPLBACKEND")
        return True
    # This process is the kernel (``python -m ipykernel_launcher -f …``) and
    # its launcher set no JPY_* variable, while MPLBACKEND was already set so
    # ipykernel kept it: the kernel's own command line says so.
    own = _ancestry.own_kernel(ctx)
    if own is not None:
        ctx.because(own[3])
        return True
    # A kernel never has a terminal; CI, agents and managed cloud platforms
    # already say who runs us.
    if _ancestry.explained_elsewhere(ctx):
        return False
    if ctx.interactive():
        return False
    hit = _ancestry.nearest_kernel(ctx)
    if hit is not None:
        ctx.because(hit[3])
        return True
    return False
