"""The locks in requirements/ agree with pyproject.toml: every dependency it names is pinned
to a version it allows, with hashes, and the dev lock holds the run lock's versions."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text()
    found = {canonicalize_name(name): version for name, version in PIN.findall(text)}
    assert found, f"no pins in requirements/{lock}"
    return found


def declared(extra: str | None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(line) for line in names]


@pytest.mark.parametrize(
    ("lock", "groups"), [("run.txt", [None]), ("dev.txt", [None, "dev"])], ids=["run", "dev"]
)
def test_each_dependency_is_pinned_to_a_version_pyproject_allows(lock, groups):
    pinned = pins(lock)
    for group in groups:
        for requirement in declared(group):
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{name} is not in requirements/{lock}: run `make lock`"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (
                f"requirements/{lock} pins {name}=={pinned[name]}, pyproject.toml asks "
                f"{requirement.specifier}: run `make lock`"
            )


def test_the_dev_lock_holds_the_run_locks_versions():
    run, dev = pins("run.txt"), pins("dev.txt")
    assert {name: dev.get(name) for name in run} == run


@pytest.mark.parametrize("lock", ["run.txt", "dev.txt"])
def test_every_pin_has_a_hash(lock):
    text = (ROOT / "requirements" / lock).read_text()
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):  # one pin and its lines each
        if pin := PIN.search(entry):
            assert "--hash=sha256:" in entry, pin.group(0)
