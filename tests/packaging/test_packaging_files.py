"""Fast checks of the packaging files (no build): version resource, spec, installer script."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from app import APP_ID, APP_NAME, ORG_NAME, __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "branchpay.spec"
ISS = PACKAGING / "branchpay.iss"

sys.path.insert(0, str(PACKAGING))
import make_version_info  # noqa: E402


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1.0", (0, 1, 0, 0)),
        ("1.2", (1, 2, 0, 0)),
        ("1.2.3.4", (1, 2, 3, 4)),
        ("1.2.3rc1", (1, 2, 3, 0)),
        ("2.0.dev4", (2, 0, 0, 0)),
        ("10.20.30.40.50", (10, 20, 30, 40)),
    ],
)
def test_version_tuple(text: str, expected: tuple[int, int, int, int]) -> None:
    assert make_version_info.version_tuple(text) == expected


@pytest.mark.parametrize("bad", ["", "v1", "1.70000"])
def test_version_tuple_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        make_version_info.version_tuple(bad)


def _evaluate(text: str) -> dict[str, Any]:
    """Evaluate a version file the way PyInstaller does, with recording stand-ins for its classes."""

    def record(kind: str):  # type: ignore[no-untyped-def]
        return lambda *args, **kwargs: {"kind": kind, "args": args, "kwargs": kwargs}

    names = [
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    ]
    result = eval(text, {name: record(name) for name in names})  # noqa: S307 - our own generated file
    assert isinstance(result, dict)
    return result


def test_version_resource_comes_from_the_package(tmp_path: Path) -> None:
    path = make_version_info.write_version_info(tmp_path / "vi.txt", exe_name=f"{APP_ID}.exe")
    text = path.read_text(encoding="utf-8")
    info = _evaluate(text)
    ffi = info["kwargs"]["ffi"]["kwargs"]
    assert ffi["filevers"] == ffi["prodvers"] == make_version_info.version_tuple(__version__)
    table = info["kwargs"]["kids"][0]["args"][0][0]
    strings = {s["args"][0]: s["args"][1] for s in table["args"][1]}
    assert strings["ProductVersion"] == strings["FileVersion"] == __version__
    assert strings["ProductName"] == APP_NAME
    assert strings["CompanyName"] == ORG_NAME
    assert strings["OriginalFilename"] == f"{APP_ID}.exe"


def test_version_resource_loads_in_pyinstaller(tmp_path: Path) -> None:
    versioninfo = pytest.importorskip("PyInstaller.utils.win32.versioninfo", exc_type=ImportError)
    path = make_version_info.write_version_info(tmp_path / "vi.txt")
    info = versioninfo.load_version_info_from_text_file(str(path))
    assert info.ffi.fileVersionMS >> 16 == make_version_info.version_tuple(__version__)[0]


def test_spec_takes_names_from_the_package_and_names_do_not_collide() -> None:
    source = SPEC.read_text(encoding="utf-8")
    ast.parse(source)
    assert "from app import APP_ID, APP_NAME, ORG_NAME, __version__" in source
    cli = re.search(r'^CLI_NAME = "([^"]+)"', source, re.M)
    assert cli is not None
    # Windows file names ignore case: BranchPay.exe and branchpay.exe would be one file.
    assert cli.group(1).lower() != APP_ID.lower()
    assert "console=False" in source and "console=True" in source


def _spec_function(name: str) -> Any:
    """A function defined in the spec, run here as it is (the spec itself needs PyInstaller)."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    defs: list[ast.stmt] = [
        n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in {name, "_is_module"}
    ]
    namespace: dict[str, Any] = {"ast": ast, "importlib": importlib, "Path": Path}
    exec(compile(ast.Module(body=defs, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace[name]


def test_the_spec_names_every_module_the_migrations_import_and_all_exist() -> None:
    """Alembic loads env.py and the revisions by path, so the spec lists their imports as hidden imports."""
    names = _spec_function("imports_of")(ROOT / "db" / "migrations")
    expected = {"alembic", "alembic.context", "alembic.op", "sqlalchemy", "db.models", "db.types", "db.errors"}
    assert expected <= names, sorted(expected - names)
    missing = [name for name in sorted(names) if importlib.util.find_spec(name) is None]
    assert missing == []
    assert "hiddenimports = sorted(\n    imports_of(MIGRATIONS)" in SPEC.read_text(encoding="utf-8")


def test_runtime_files_the_spec_bundles_exist() -> None:
    for name in ("default_plan.toml", "scorecards.toml"):
        assert (ROOT / "resources" / name).is_file()
    for name in ("env.py", "script.py.mako"):
        assert (ROOT / "db" / "migrations" / name).is_file()
    assert any(p.name != "__init__.py" for p in (ROOT / "db" / "migrations" / "versions").glob("*.py"))
    assert (PACKAGING / "icons" / "branchpay.ico").is_file()


def test_nothing_reads_the_shared_design_folder() -> None:
    for folder in ("app", "db", "ui", "resources", "packaging"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in {".py", ".spec", ".iss", ".sh", ".toml"}:
                assert "work/shared" not in path.read_text(encoding="utf-8", errors="replace"), path


# --- the installer script ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def iss() -> str:
    raw = ISS.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "keep the UTF-8 BOM (Chinese texts, Inno Setup < 6.3)"
    return raw.decode("utf-8-sig")


def _setup_value(iss: str, key: str) -> str:
    match = re.search(rf"^{key}=(.*)$", iss, re.M)
    assert match is not None, key
    return match.group(1).strip()


def test_installer_identity_is_a_fixed_guid(iss: str) -> None:
    assert re.fullmatch(
        r"\{\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", _setup_value(iss, "AppId")
    )


def test_installer_version_is_overridable(iss: str) -> None:
    assert "#ifndef MyAppVersion" in iss
    assert _setup_value(iss, "AppVersion") == "{#MyAppVersion}"
    assert _setup_value(iss, "OutputBaseFilename") == "BranchPay-Setup-{#MyAppVersion}"


def test_installer_is_per_machine(iss: str) -> None:
    assert _setup_value(iss, "PrivilegesRequired") == "admin"
    assert _setup_value(iss, "DefaultDirName") == r"{autopf}\BranchPay"


def test_installer_keeps_user_data(iss: str) -> None:
    assert not re.search(r"^\[UninstallDelete\]", iss, re.M | re.I)
    for line in iss.splitlines():
        if line.startswith("Type:"):  # [InstallDelete] may only clear the program folder
            assert "{app}" in line, line


def test_installer_installs_the_spec_output(iss: str) -> None:
    assert f'#define MyAppExeName "{APP_ID}.exe"' in iss
    assert r'"..\dist\BranchPay"' in iss
    assert 'Name: "desktopicon"' in iss and "Tasks: desktopicon" in iss
    assert (PACKAGING / _setup_value(iss, "SetupIconFile").replace("\\", "/")).is_file()


def test_installer_messages_exist_in_both_languages(iss: str) -> None:
    english = set(re.findall(r"^english\.(\w+)=", iss, re.M))
    chinese = set(re.findall(r"^chinesesimplified\.(\w+)=", iss, re.M))
    assert english and english == chinese


def test_the_spec_keeps_qtcharts_and_the_opengl_libraries_it_links() -> None:
    """The 趋势 page and the 试算 histogram draw with QtCharts; libQt6Charts links Qt6OpenGL(Widgets)."""
    text = SPEC.read_text(encoding="utf-8")
    excludes = text.split("\nexcludes = [", 1)[1].split("\n]\n", 1)[0]
    assert '"PySide6.QtOpenGL"' in excludes and '"PySide6.QtCharts"' not in excludes
    drop = text.split("QT_DROP += (", 1)[1].split("\n    )\n", 1)[0]
    assert '"qt6quick"' in drop and '"qt6opengl' not in drop
    assert importlib.util.find_spec("PySide6.QtCharts") is not None
