"""The notebook facet: hosted platforms, Jupyter kernels, and what is not a notebook."""

from __future__ import annotations

from typing import Any

import pytest

import envdetect
from envdetect._fixture import FixtureContext
from envdetect.detectors import notebook
from tests.conftest import CountingContext, fixture_paths, load


def world(
    environ: dict[str, str],
    processes: list[dict[str, Any]] | None = None,
    tty: bool = False,
    files: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "environ": environ,
        "processes": processes or [],
        "files": files or {},
        "platform": {"system": "Linux", "machine": "x86_64"},
        "tty": {"stdin": tty, "stdout": tty},
    }


def notebook_of(document: dict[str, Any]) -> str | None:
    result = envdetect.detect(FixtureContext(document), plugins=False).to_dict()["notebook"]
    return None if result is None else str(result["id"])


KERNEL = {
    "name": "python3",
    "exe": "/usr/bin/python3.12",
    "cmdline": [
        "/usr/bin/python3",
        "-m",
        "ipykernel_launcher",
        "-f",
        "/home/ana/.local/share/jupyter/runtime/kernel-5c1e.json",
    ],
}


def test_every_notebook_id_has_a_fixture() -> None:
    found = set()
    for path in fixture_paths():
        expected = load(path).get("expect", {}).get("notebook")
        if isinstance(expected, dict):
            found.add(expected["id"])
    assert found == set(notebook.NOTEBOOK_NAMES) == set(notebook.IDS)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"COLAB_RELEASE_TAG": "release-colab_20240703-060140_RC00"}, "colab"),
        ({"COLAB_GPU": "", "COLAB_BACKEND_VERSION": "next"}, "colab"),
        (
            {
                "KAGGLE_KERNEL_RUN_TYPE": "Interactive",
                "KAGGLE_DATA_PROXY_URL": "https://dp.kaggle.net",
            },
            "kaggle",
        ),
        (
            {"KAGGLE_KERNEL_RUN_TYPE": "Batch", "KAGGLE_URL_BASE": "https://www.kaggle.com"},
            "kaggle",
        ),
        ({"KAGGLE_KERNEL_RUN_TYPE": "Interactive"}, None),
        ({"KAGGLE_USERNAME": "dana", "KAGGLE_KEY": "0123abcd"}, None),
        ({"DATABRICKS_RUNTIME_VERSION": "13.3"}, "databricks"),
        ({"DATABRICKS_RUNTIME_VERSION": "15.4.x-scala2.12"}, "databricks"),
        ({"DATABRICKS_RUNTIME_VERSION": "client.1.13"}, "databricks"),
        ({"DATABRICKS_RUNTIME_VERSION": "1"}, None),
        ({"DATABRICKS_RUNTIME_VERSION": "client."}, None),
        ({"DATABRICKS_RUNTIME_VERSION": "\uff11\uff13.3"}, None),
        ({"DATABRICKS_HOST": "https://adb-1.7.azuredatabricks.net"}, None),
        ({"SAGEMAKER_APP_TYPE": "JupyterLab", "SAGEMAKER_SPACE_NAME": "s"}, "sagemaker"),
        ({"SM_APP_TYPE": "JupyterServer"}, "sagemaker"),
        (
            {"SAGEMAKER_INTERNAL_IMAGE_URI": "x.dkr.ecr.us-east-2.amazonaws.com/sagemaker:1"},
            "sagemaker",
        ),
        ({"SAGEMAKER_APP_TYPE": "CodeEditor", "SAGEMAKER_SPACE_NAME": "s"}, None),
        ({"SAGEMAKER_APP_TYPE": "CodeEditor", "JPY_PARENT_PID": "48"}, "sagemaker"),
        ({"SM_MODEL_DIR": "/opt/ml/model", "TRAINING_JOB_NAME": "job-1"}, None),
        ({"JPY_PARENT_PID": "4242"}, "jupyter"),
        ({"JPY_SESSION_NAME": "/home/ana/nb.ipynb"}, "jupyter"),
        ({"MPLBACKEND": "module://matplotlib_inline.backend_inline"}, "jupyter"),
        ({"MPLBACKEND": "module://ipykernel.pylab.backend_inline"}, "jupyter"),
        ({"MPLBACKEND": "Agg"}, None),
        ({"PAGER": "cat", "GIT_PAGER": "cat", "CLICOLOR": "1"}, None),
    ],
)
def test_environment(environ: dict[str, str], expected: str | None) -> None:
    assert notebook_of(world(environ)) == expected


def test_a_kernel_in_the_chain() -> None:
    assert notebook_of(world({}, [{"name": "sh"}, KERNEL])) == "jupyter"
    vscode_kernel = {
        "name": "python",
        "cmdline": [
            "/home/ana/.venv/bin/python",
            "-Xfrozen_modules=off",
            "-m",
            "ipykernel_launcher",
            "--f=/home/ana/.local/share/jupyter/runtime/kernel-v33885fbf.json",
        ],
    }
    assert notebook_of(world({}, [{"name": "sh"}, vscode_kernel])) == "jupyter"
    colab = {
        "name": "python3",
        "cmdline": [
            "/usr/bin/python3",
            "-m",
            "colab_kernel_launcher",
            "-f",
            "/root/.local/share/jupyter/runtime/k.json",
        ],
    }
    assert notebook_of(world({}, [colab])) == "jupyter"


def test_kernel_without_cmdline_is_not_found() -> None:
    assert notebook_of(world({}, [{"name": "python3"}])) is None


def test_terminal_ipython_is_not_a_notebook() -> None:
    ipython = {"name": "ipython", "cmdline": ["/usr/bin/python3", "/usr/bin/ipython"]}
    assert notebook_of(world({}, [{"name": "sh"}, ipython, {"name": "bash"}])) is None
    assert notebook_of(world({"TERM_PROGRAM": "iTerm.app"}, [{"name": "zsh"}], tty=True)) is None


def test_a_jupyter_server_terminal_is_not_a_notebook() -> None:
    server = {"name": "jupyter-lab", "cmdline": ["/usr/bin/python3", "/usr/bin/jupyter-lab"]}
    assert notebook_of(world({}, [{"name": "bash"}, server])) is None


def test_spyder_console_is_not_a_notebook() -> None:
    environ = {
        "SPY_UMR_ENABLED": "True",
        "JPY_PARENT_PID": "6021",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    env = envdetect.detect(FixtureContext(world(environ)), plugins=False)
    assert env.ide.id == "spyder"
    assert env.notebook is None


def test_a_kernel_in_a_hosted_platform_found_by_its_files() -> None:
    kernel = {"JPY_PARENT_PID": "7611"}
    assert (
        notebook_of(
            world(
                kernel,
                files={"/etc/opt/ml/sagemaker-notebook-instance-version.txt": "notebook-al2-v2\n"},
            )
        )
        == "sagemaker"
    )
    assert (
        notebook_of(world(kernel, files={"/opt/ml/metadata/resource-metadata.json": "{}"}))
        == "sagemaker"
    )
    assert notebook_of(world(kernel, files={"/databricks/DBR_VERSION": "14.3\n"})) == "databricks"


def test_platform_files_are_consulted_only_once_a_kernel_is_known() -> None:
    ctx = CountingContext(world({}, files={"/opt/ml/metadata/resource-metadata.json": "{}"}))
    assert notebook.detect(ctx) is None
    assert ctx.paths_checked == []


def test_environment_decides_without_the_chain() -> None:
    ctx = CountingContext(world({"JPY_PARENT_PID": "86"}, [KERNEL]))
    assert notebook.detect(ctx) == {"id": "jupyter", "name": "Jupyter"}
    assert ctx.ancestry_reads == 0


def test_an_interactive_terminal_is_never_a_kernel() -> None:
    ctx = CountingContext(world({}, [{"name": "sh"}, KERNEL], tty=True))
    assert notebook.detect(ctx) is None
    assert ctx.ancestry_reads == 0


@pytest.mark.parametrize("facet", ["ci", "agent"])
def test_ci_or_agent_found_skips_the_chain(facet: str) -> None:
    ctx = CountingContext(world({}, [{"name": "sh"}, KERNEL]))
    ctx.found[facet] = {"id": "x"}
    assert notebook.detect(ctx) is None
    assert ctx.ancestry_reads == 0


def test_notebook_wins_runtime_kind_over_the_ide() -> None:
    environ = {
        "VSCODE_PID": "21455",
        "VSCODE_ESM_ENTRYPOINT": "vs/workbench/api/node/extensionHostProcess",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    }
    env = envdetect.detect(FixtureContext(world(environ)), plugins=False)
    assert (env.runtime.kind, env.ide.id, env.notebook.id) == ("notebook", "vscode", "jupyter")


def test_secrets_in_platform_variables_never_come_out() -> None:
    secret = "eyJSntl0c4f1e2d3b"
    environ = {
        "KAGGLE_KERNEL_RUN_TYPE": "Interactive",
        "KAGGLE_DATA_PROXY_URL": "https://dp",
        "KAGGLE_DATA_PROXY_TOKEN": secret,
        "KAGGLE_USER_SECRETS_TOKEN": secret,
        "JPY_SESSION_NAME": f"/home/{secret}/nb.ipynb",
    }
    env = envdetect.detect(FixtureContext(world(environ)), plugins=False)
    assert env.notebook.id == "kaggle"
    assert secret not in env.to_json() + repr(env.explanation)


# -- the kernel's own command line, and marimo (issue 15) ---------------------------------
KERNEL_COMMAND = [
    "/opt/lab/bin/python",
    "-m",
    "ipykernel_launcher",
    "-f",
    "/home/ana/.local/share/jupyter/runtime/kernel-7a1f.json",
]


def test_the_kernels_own_command_line_is_a_kernel() -> None:
    # No JPY_* variable, MPLBACKEND already set to something else: only the
    # process's own command line says it is the kernel.
    document = {
        **world({"MPLBACKEND": "Agg"}, [{"name": "launcher"}]),
        "command_line": KERNEL_COMMAND,
    }
    env = envdetect.detect(FixtureContext(document), plugins=False)
    assert env.notebook is not None
    assert env.notebook.id == "jupyter"
    assert env.explanation["notebook"]["because"] == ["command line (ipykernel)"]
    assert notebook_of(world({"MPLBACKEND": "Agg"}, [{"name": "launcher"}])) is None


def test_the_own_command_line_opens_the_gate_without_variables() -> None:
    document = {**world({}, tty=True), "command_line": KERNEL_COMMAND}
    assert notebook_of(document) == "jupyter"


def test_python_3_9_argv_names_the_launcher_file() -> None:
    # Before 3.10 there is no sys.orig_argv: argv[0] is the module's file.
    command = [
        "/usr/bin/python3.9",
        "/opt/lab/lib/python3.9/site-packages/ipykernel_launcher.py",
        "-f",
        "/tmp/kernel.json",
    ]
    assert notebook_of({**world({"MPLBACKEND": "Agg"}), "command_line": command}) == "jupyter"


@pytest.mark.parametrize(
    "command",
    [
        ["python", "-m", "ipykernel", "install", "--user"],
        ["python", "-m", "ipykernel_launcher", "install"],
        ["python", "-m", "pip", "install", "ipykernel"],
        ["python", "notebook_to_ipykernel.py"],
    ],
)
def test_commands_that_only_mention_ipykernel_are_not_kernels(command: list[str]) -> None:
    assert notebook_of({**world({"MPLBACKEND": "Agg"}), "command_line": command}) is None


MARIMO_EDIT = {
    "name": "marimo",
    "exe": "/home/ana/nb/bin/python3.12",
    "cmdline": ["/home/ana/nb/bin/python", "/home/ana/nb/bin/marimo", "edit", "a.py"],
}
SPAWNED = [
    "/home/ana/nb/bin/python",
    "-B",
    "-c",
    "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=11, pipe_handle=20)",
    "--multiprocessing-fork",
]


@pytest.mark.parametrize(
    "command",
    [
        ["/home/ana/nb/bin/python", "/home/ana/nb/bin/marimo", "run", "app.py"],
        ["python", "-m", "marimo", "run", "--headless", "app.py"],
        ["C:\\nb\\Scripts\\marimo.exe", "run", "app.py"],
    ],
)
def test_marimo_run_is_a_notebook_even_at_a_terminal(command: list[str]) -> None:
    assert notebook_of({**world({}, tty=True), "command_line": command}) == "marimo"


def test_marimo_edit_kernel_is_its_spawned_child() -> None:
    kernel = {**world({}, [MARIMO_EDIT]), "command_line": SPAWNED}
    assert notebook_of(kernel) == "marimo"
    cell_child = world(
        {},
        [
            {"name": "python3.12", "exe": "/home/ana/nb/bin/python3.12", "cmdline": SPAWNED},
            MARIMO_EDIT,
        ],
    )
    assert notebook_of(cell_child) == "marimo"


def test_marimo_terminal_and_tools_are_not_notebooks() -> None:
    # marimo edit's built-in terminal, its language server: no spawned kernel between.
    terminal = world({}, [{"name": "bash", "cmdline": ["/bin/bash"]}, MARIMO_EDIT])
    assert notebook_of({**terminal, "command_line": ["python", "x.py"]}) is None
    for command in (
        ["marimo", "convert", "a.ipynb"],
        ["python", "-m", "marimo", "check", "a.py"],
        ["marimo", "--version"],
    ):
        assert notebook_of({**world({}), "command_line": command}) is None


def test_marimo_ancestry_is_not_read_at_a_terminal() -> None:
    ctx = CountingContext({**world({}, [MARIMO_EDIT], tty=True), "command_line": SPAWNED})
    assert notebook.detect(ctx) is None
    assert ctx.ancestry_reads == 0
