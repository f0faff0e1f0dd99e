"""Apache Jena's SHACL validator (Debian's libapache-jena-java), run as a second engine for the tests.

One JVM validates every data set (ShaclRunner.java, run by Java's source launcher),
since a JVM start costs about a second. Debian's jena-core 4.5.0 moved Xerces'
classes to the package `xerces` but left their message bundles under
`org/apache/jena/ext/xerces`; without them Jena fails at start-up
(ExceptionInInitializerError in SchemaDVFactory), so the bundles are copied to
where the classes look for them, in a temporary folder put on the class path.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
INSTALL = "install Apache Jena: make system (as root; or apt-get install -y libapache-jena-java default-jre-headless)"
#: The jars `shacl validate` needs, by the unversioned names Debian links.
JARS = [
    "jena-arq", "jena-base", "jena-core", "jena-iri", "jena-shacl", "jena-dboe-base", "commons-cli", "commons-codec",
    "commons-compress", "commons-csv", "commons-io", "commons-lang3", "dexx.collection", "gson", "guava",
    "httpclient", "httpcore", "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
    "titanium-json-ld", "jakarta.json-api", "protobuf", "thrift", "slf4j-api", "slf4j-nop",
]
RUNNER = Path(__file__).with_name("ShaclRunner.java")
_MOVED = "org/apache/jena/ext/xerces/"


def missing() -> str:
    """Why Jena cannot run here ('' when it can)."""
    if shutil.which("java") is None:
        return f"no java on PATH; {INSTALL}"
    absent = [name for name in JARS if not (JAVA_DIR / f"{name}.jar").is_file()]
    return f"missing {', '.join(absent)} in {JAVA_DIR}; {INSTALL}" if absent else ""


def class_path(work: Path) -> str:
    """The jars plus a folder with the Xerces message bundles where Debian's jena-core classes look for them."""
    bundles = work / "xerces-bundles"
    with zipfile.ZipFile(JAVA_DIR / "jena-core.jar") as jar:
        for name in jar.namelist():
            if name.startswith(_MOVED) and name.endswith(".properties"):
                target = bundles / "xerces" / name[len(_MOVED) :]
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    return ":".join([str(JAVA_DIR / f"{name}.jar") for name in JARS] + [str(bundles)])


def validate_all(
    shapes: Sequence[Path], data_sets: Mapping[str, Sequence[Path]], work: Path, timeout: float = 300
) -> dict[str, Path]:
    """Validate each data set (the union of its Turtle files) against `shapes` in one JVM.

    Returns name -> an N-Triples file holding the data graph Jena validated and its
    sh:ValidationReport, so that blank nodes of the report can be found in the data.
    """
    out = work / "jena-reports"
    out.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(["shapes", *map(str, shapes)])]
    lines += ["\t".join([name, *map(str, files)]) for name, files in data_sets.items()]
    manifest = work / "manifest.tsv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = ["java", "-cp", class_path(work), str(RUNNER), str(manifest), str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"Jena failed (exit {done.returncode}): {done.stderr.strip()[-2000:]}")
    return {name: out / f"{name}.nt" for name in data_sets}
