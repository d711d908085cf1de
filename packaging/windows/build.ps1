# Build and smoke-test the Windows bundle natively: build\pyi-dist\hrher2-aid\
#
# The installer (dist/hrher2-aid-<version>-x64.msi) is built on Debian by
# packaging/windows/build-msi.sh (PyInstaller under Wine, same spec). This script is for
# building and debugging the same bundle on a real Windows machine.
#
# Run on Windows 10/11 x64 from the repository root, in PowerShell:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs: Python 3.11+ x64 (python.org installer, "py" launcher).
# Python packages come from pip into build\venv; the global Python is not touched.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

$version = (py -3.11 -c "import core; print(core.__version__)").Trim()  # the one version source
Write-Host "hrher2-aid $version"

if (-not (Test-Path build\venv\Scripts\python.exe)) { py -3.11 -m venv build\venv }
build\venv\Scripts\python.exe -m pip install --disable-pip-version-check -q ".[package]"
if ($LASTEXITCODE) { throw "pip install failed" }

# The .ico (several sizes, PNG entries) rendered from resources\icons\hrher2-aid.svg.
build\venv\Scripts\python.exe packaging\make_icons.py --ico build\icons\hrher2-aid.ico
if ($LASTEXITCODE) { throw "make_icons failed" }

# The same spec as Linux: hrher2-aid.exe (windowed) and hrher2-aid-cli.exe (console:
# command line and --self-test output) share build\pyi-dist\hrher2-aid\_internal.
$env:PYTHONDONTWRITEBYTECODE = "1"
build\venv\Scripts\pyinstaller.exe --noconfirm --clean --distpath build\pyi-dist `
    --workpath build\pyi-work packaging\hrher2-aid.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }

# Smoke test of the bundle before packing it.
$cli = "build\pyi-dist\hrher2-aid\hrher2-aid-cli.exe"
$env:QT_QPA_PLATFORM = "offscreen"
& $cli --self-test;              if ($LASTEXITCODE) { throw "--self-test failed" }
& $cli evidence verify;          if ($LASTEXITCODE) { throw "evidence verify failed" }
& $cli recommend packaging\sample-case.json | Out-Null
if ($LASTEXITCODE) { throw "recommend failed" }
Remove-Item Env:QT_QPA_PLATFORM

Write-Host "build\pyi-dist\hrher2-aid (bundle $version); the MSI: packaging/windows/build-msi.sh on Debian"
