"""The house: the conversion core is pure, and README's layout names every room of the plugin."""

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import newsarchive
import newsarchive.convert

ROOT = Path(__file__).resolve().parents[1]
_LOADED = (
    "import importlib, sys\n"
    "for name in {modules!r}:\n"
    "    importlib.import_module(name)\n"
    "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'pelican')))\n"
)


def _pelican_modules_after_importing(modules: list[str]) -> list[str]:
    code = _LOADED.format(modules=modules)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return [m for m in done.stdout.strip().split(",") if m]


def test_importing_the_conversion_core_loads_no_pelican() -> None:
    modules = [
        f"newsarchive.convert.{m.name}" for m in pkgutil.iter_modules(newsarchive.convert.__path__)
    ]
    assert "newsarchive.convert.pipeline" in modules and len(modules) >= 13
    assert _pelican_modules_after_importing(modules) == []
    # the probe itself can fail: the Pelican glue does load Pelican
    assert "pelican" in _pelican_modules_after_importing(["newsarchive.reader"])


def test_readme_layout_names_every_module_and_package_of_the_plugin() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    layout = readme[readme.index("## Layout") :]
    block = layout[: layout.index("```", layout.index("```") + 3)]
    named = set(re.findall(r"([a-z_]+)(?:\.py|/)", block))
    present = {m.name for m in pkgutil.iter_modules(newsarchive.__path__)}
    assert {"convert", "contrib", "reader", "cli"} <= present
    assert present - named == set(), "README's Layout does not mention these"
