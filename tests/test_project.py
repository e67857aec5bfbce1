"""The project's promises about itself: dependencies agree, two commands, light imports."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
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


def _conda_requirements() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip_section = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip_section.extend(dep["pip"])
            continue
        name, spec = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", dep).groups()
        conda[CONDA_TO_PYPI.get(name, name).lower()] = spec
    return conda, pip_section


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
    conda, _ = _conda_requirements()
    assert "torch" in conda
    env_text = (ROOT / "environment.yml").read_text()
    cpu_torch = re.search(r"^\s*- pytorch-cpu=2\.13\s*$", env_text, re.M)
    assert cpu_torch, "use conda-forge's pytorch-cpu"
    constraints = (ROOT / "requirements" / "constraints.txt").read_text()
    assert re.search(r"^torch==2\.13\.0$", constraints, re.M)


def test_environment_yml_installs_hinge_utils_itself():
    _, pip_section = _conda_requirements()
    assert any(line.strip() in {"-e .", "--editable ."} for line in pip_section), pip_section


def test_every_direct_dependency_is_pinned_in_the_constraints():
    pinned = {}
    for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pinned[name.lower().replace("_", "-")] = version
    missing = [n for n in _pyproject_requirements() if n.replace("_", "-") not in pinned]
    assert not missing, f"not pinned in requirements/constraints.txt: {missing}: run make lock"


def test_import_is_light():
    code = (
        "import sys, hinge_utils; "
        "heavy = {'matplotlib', 'ipywidgets', 'sklearn', 'scipy'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_readme_leads_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^\s*make lab\s*$", readme, re.M)
    assert re.search(r"^\s*make test\s*$", readme, re.M)


def test_lab_listens_on_loopback_with_token_auth():
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile.split("\nlab:")[1].split("\n\n")[0]
    assert "--ServerApp.ip=127.0.0.1" in lab
    assert "token=''" not in lab and 'token=""' not in lab and "disable_check_xsrf" not in lab
    assert "--allow-root" not in lab.replace("$(ROOT_FLAG)", ""), "--allow-root only for root"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


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
    assert runtime == {"torch", "numpy", "matplotlib", "ipywidgets", "scikit-learn"}
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
