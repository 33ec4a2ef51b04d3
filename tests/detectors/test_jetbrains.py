"""JetBrains IDEs from a JVM's command line and config directory names
(envdetect.detectors._jetbrains, reached through the ancestry classifier)."""

from __future__ import annotations

import pytest

from envdetect._context import Process
from envdetect.detectors import _ancestry, _jetbrains


@pytest.mark.parametrize(
    ("selector", "product"),
    [
        ("PyCharm2024.3", "pycharm"),
        ("PyCharmCE2024.3", "pycharm"),
        ("IntelliJIdea2024.3", "idea"),
        ("IdeaIC2023.2", "idea"),
        ("GoLand2024.3", "goland"),
        ("WebStorm2021.2", "webstorm"),
        ("RustRover2024.2", "rustrover"),
        ("AndroidStudio2024.1", "android_studio"),
        ("DataSpell2024.3", "dataspell"),
        ("PyCharm", None),
        ("pycharm-demo-history1", None),
        ("2024.3", None),
        ("Unknown2024.3", None),
    ],
)
def test_jetbrains_selectors(selector: str, product: str | None) -> None:
    assert _jetbrains.product_from_selector(selector) == product


@pytest.mark.parametrize(
    ("prefix", "product"),
    [
        ("Python", "pycharm"),
        ("PyCharmCore", "pycharm"),
        ("idea", "idea"),
        ("Idea", "idea"),
        ("Ruby", "rubymine"),
        ("GoLand", "goland"),
        ("CLion", "clion"),
        ("Rider", "rider"),
        ("DataGrip", "datagrip"),
        ("AndroidStudio", "android_studio"),
        ("JetBrainsClient", None),
    ],
)
def test_jetbrains_jvm_command_line(prefix: str, product: str | None) -> None:
    process = Process(
        "java",
        "/opt/ide/jbr/bin/java",
        (
            "/opt/ide/jbr/bin/java",
            "-Xmx2g",
            f"-Didea.platform.prefix={prefix}",
            "com.intellij.idea.Main",
        ),
    )
    assert _ancestry.classify(process) == (
        "ide",
        "jetbrains",
        product,
        "process java (intellij platform)",
    )


def test_a_plain_jvm_is_not_an_ide() -> None:
    assert _ancestry.classify(Process("java", None, ("java", "-jar", "app.jar"))) is None
    assert _ancestry.classify(Process("java")) is None
