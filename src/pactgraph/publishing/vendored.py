"""Browser files from npm packages that published sites carry under vendor/.

They are pinned in package.json and package-lock.json and shipped inside the Python
package (pactgraph/publishing/vendor/<package>/), so any install of pactgraph publishes
a site whose scripts run: `pip install pactgraph && pactgraph publish` needs no npm.
After changing a pin, `make vendor` copies the new files from node_modules; the tests
check that the shipped files are the pinned package's bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class NpmFiles:
    """Files of one pinned npm package that a browser needs."""

    name: str
    version: str
    files: tuple[str, ...]

    @property
    def site_folder(self) -> str:
        """Where a site holds them ('vendor/oxigraph/')."""
        return f"vendor/{self.name}/"


#: Oxigraph's WebAssembly build: the query page's SPARQL engine.
OXIGRAPH = NpmFiles("oxigraph", "0.5.11", ("web.js", "web_bg.wasm", "package.json"))
#: MiniSearch (its browser build, a classic script that defines `MiniSearch`): the search page's index.
MINISEARCH = NpmFiles("minisearch", "7.2.0", ("dist/umd/index.js", "LICENSE.txt", "package.json"))

PACKAGES = (OXIGRAPH, MINISEARCH)


def shipped(package: NpmFiles, name: str) -> bytes:
    """One shipped file of `package` (OSError when the install lacks it)."""
    found = resources.files("pactgraph.publishing").joinpath("vendor").joinpath(package.name)
    for part in name.split("/"):
        found = found.joinpath(part)
    return found.read_bytes()


def refresh(node_modules: Path, package_folder: Path) -> None:
    """Copy every package's files from an npm install into the package's vendor/ folder
    (`make vendor`, after a pin changes)."""
    for package in PACKAGES:
        for name in package.files:
            target = package_folder / "vendor" / package.name / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes((node_modules / package.name / name).read_bytes())


def site_files(package: NpmFiles) -> dict[str, bytes] | None:
    """The package's files as site path -> bytes, or None when this install lacks one."""
    try:
        return {package.site_folder + name: shipped(package, name) for name in package.files}
    except OSError:
        return None
