"""The project's promises about itself: dependencies agree, two commands, light imports."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # the server launcher shared with the benchmarks

from _voila import free_port, serve  # noqa: E402

# conda-forge names for the PyPI distributions that are packaged under another name.
CONDA_TO_PYPI = {"pytorch-cpu": "torch", "matplotlib-base": "matplotlib"}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _pyproject_requirements() -> dict[str, Requirement]:
    project = _pyproject()["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return {Requirement(r).name.lower(): Requirement(r) for r in reqs}


def _conda_packages() -> tuple[dict[str, str], list]:
    """environment.yml's conda packages under their conda names (name -> spec), and its pip list."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip_section = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section.extend(dep["pip"])
            continue
        name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep).groups()
        conda[name.lower()] = spec
    return conda, pip_section


def _conda_requirements() -> tuple[dict[str, str], list]:
    """The same, under the PyPI names of pyproject.toml."""
    conda, pip_section = _conda_packages()
    return {CONDA_TO_PYPI.get(name, name): spec for name, spec in conda.items()}, pip_section


def _constraints() -> dict[str, str]:
    """requirements/constraints.txt: normalised distribution name -> pinned version."""
    pinned = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.lower().replace("_", "-")] = version
    return pinned


def _conda_pin_admits(spec: str, version: str) -> bool:
    """Whether a conda pin ``=X.Y`` (X.Y.*) or ``==X.Y.Z`` (exactly) admits ``version``."""
    match = re.fullmatch(r"(==?)\s*(\d+(?:\.\d+)*)", spec)
    if match is None:
        return False
    operator, pin = match.groups()
    wanted, release = Version(pin).release, Version(version).release
    if operator == "=":
        return release[: len(wanted)] == wanted
    width = max(len(wanted), len(release))
    return wanted + (0,) * (width - len(wanted)) == release + (0,) * (width - len(release))


def test_environment_yml_and_pyproject_list_the_same_dependencies():
    conda, _ = _conda_requirements()
    conda_names = set(conda) - {"python", "pip"}
    pypi_names = set(_pyproject_requirements())
    assert conda_names == pypi_names, (
        f"only in environment.yml: {sorted(conda_names - pypi_names)}; "
        f"only in pyproject.toml: {sorted(pypi_names - conda_names)}"
    )


def test_environment_yml_versions_match_pyproject_lower_bounds():
    conda, _ = _conda_requirements()
    for name, req in _pyproject_requirements().items():
        if name == "torch":
            continue  # conda pins the CPU build the venv uses; checked below
        assert conda[name] == str(req.specifier), f"{name}: conda {conda[name]!r} vs pip {req}"


def test_conda_uses_the_cpu_torch_pinned_in_the_constraints():
    # requirements/constraints.txt is where torch's version is written; conda cannot read it, so
    # environment.yml repeats it, and this is what keeps the two from drifting apart.
    conda, _ = _conda_packages()
    assert "pytorch-cpu" in conda and "pytorch" not in conda, (
        "use conda-forge's pytorch-cpu, not pytorch (a multi-GB CUDA build)"
    )
    pinned = _constraints()["torch"]
    spec = conda["pytorch-cpu"]
    assert _conda_pin_admits(spec, pinned), (
        f"environment.yml pins pytorch-cpu{spec} but requirements/constraints.txt has "
        f"torch=={pinned}: write pytorch-cpu={'.'.join(map(str, Version(pinned).release[:2]))}"
    )


def test_environment_yml_installs_hinge_utils_itself():
    _, pip_section = _conda_requirements()
    assert any(line.strip() in {"-e .", "--editable ."} for line in pip_section), pip_section


def test_every_direct_dependency_is_pinned_in_the_constraints():
    pinned = _constraints()
    missing = [n for n in _pyproject_requirements() if n.replace("_", "-") not in pinned]
    assert not missing, f"not pinned in requirements/constraints.txt: {missing}: run make lock"


def test_import_is_light():
    code = (
        "import sys, hinge_utils; "
        "heavy = {'matplotlib', 'ipywidgets', 'sklearn', 'scipy'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def _make_commands(text: str) -> set[str]:
    """The targets of every ``make <target>`` a document shows (in code spans or blocks)."""
    return set(re.findall(r"(?:^ {4}|`)make ([a-z][\w-]*)", text, re.M))


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not on PATH")
@pytest.mark.parametrize("document", ["README.md", "CONTRIBUTING.md"])
def test_every_make_command_the_docs_show_is_a_target(document):
    path = ROOT / document
    if not path.exists():
        pytest.skip(f"no {document}")
    targets = _make_commands(path.read_text())
    assert targets, f"{document} shows no make command"
    for target in sorted(targets):  # -n: print the recipe, run nothing
        done = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, f"{document} shows `make {target}`: {done.stderr.strip()}"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on ``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's /proc/net/tcp")
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not on PATH")
def test_make_lab_listens_on_loopback_only_and_asks_for_a_token(tmp_path):
    # The command `make lab` runs (make -n prints it), started here on a free port.
    dry_run = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout
    (line,) = [line for line in dry_run.splitlines() if re.search(r"jupyter\S* lab\b", line)]
    program, *arguments = shlex.split(line)
    assert Path(program).name == "jupyter", line
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (the lab extra)")
    port = free_port()  # the Makefile's arguments, run by this Python's jupyter
    command = [sys.executable, "-m", "jupyter", *arguments, "--no-browser",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    log = tmp_path / "lab.log"
    with serve("jupyter lab", command, port, log, start_seconds=60) as base:
        listening = _listening_addresses(port)
        assert listening and listening <= LOOPBACK, f"listens on {listening} (hex), not loopback"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/api/status", timeout=10)
        assert refused.value.code == 403
        deadline = time.monotonic() + 10
        while not (token := re.search(r"[?&]token=([0-9a-f]+)", log.read_text())):
            assert time.monotonic() < deadline, f"no token in the printed URL:\n{log.read_text()}"
            time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/api/status?token={token[1]}", timeout=10) as ok:
            assert ok.status == 200


def test_ci_runs_the_readme_test_commands():
    # Command lines of .ci/run, comments dropped: `make test` then `make test-numerics`.
    commands = [shlex.split(line, comments=True) for line in
                (ROOT / ".ci" / "run").read_text().splitlines()]
    makes = [words for words in commands if words[:1] == ["make"]]
    assert makes == [["make", "test"], ["make", "test-numerics"]], makes


def test_the_built_wheel_holds_every_subpackage(tmp_path):
    # `pip install .` (or a git URL) installs the wheel, not the source tree: build it, install
    # it (not editable) into a clean venv, and import every subpackage from there. The venv sees
    # the project's dependencies through a path file, not through its editable install.
    import sysconfig

    wheels = tmp_path / "wheels"
    build = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
             "--quiet", "-w", str(wheels)]
    subprocess.run(build, check=True, cwd=tmp_path)
    (wheel,) = wheels.glob("hinge_utils-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
               str(wheel)]
    subprocess.run(install, check=True, cwd=tmp_path)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    (Path(site) / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    code = (
        "import importlib, pathlib, hinge_utils\n"
        "assert 'site-packages' in hinge_utils.__file__, hinge_utils.__file__\n"
        "for name in ('plotting', 'widgets', 'exercises', 'training', 'margins', 'zoo'):\n"
        "    importlib.import_module('hinge_utils.' + name)\n"
        "print(pathlib.Path(hinge_utils.__file__).parent.name)\n"
    )
    out = subprocess.run([str(python), "-c", code], check=True, capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.stdout.strip() == "hinge_utils"


def test_the_library_itself_needs_no_lab_or_test_package():
    # What `pip install hinge_utils` brings must be enough to import every subpackage.
    project = _pyproject()["project"]
    runtime = {Requirement(r).name.lower() for r in project["dependencies"]}
    extras = {Requirement(r).name.lower()
              for reqs in project["optional-dependencies"].values() for r in reqs}
    assert not runtime & extras, f"lab or test packages among the runtime ones: {runtime & extras}"
    import ast

    imported = set()
    for path in (ROOT / "hinge_utils").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    # import name -> the declared distribution that brings it (itself, or as its dependency)
    distributions = {"sklearn": "scikit-learn", "IPython": "ipywidgets",
                     "traitlets": "ipywidgets", "cycler": "matplotlib"}
    third_party = {distributions.get(m, m) for m in imported} - set(sys.stdlib_module_names)
    assert third_party - {"hinge_utils", "__future__"} <= runtime, sorted(third_party)
