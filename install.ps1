<#
.SYNOPSIS
  jixiao installer for Windows (no administrator rights needed).
.DESCRIPTION
  Clerks double-click install.cmd, which runs this script with
  "powershell -NoProfile -ExecutionPolicy Bypass -File install.ps1".

  Thin on purpose: find Python 3.11+ (or run a Python installer placed beside this script),
  make a virtual environment under %LOCALAPPDATA%\jixiao\venv, pip install jixiao (online from
  this source folder, or offline from a folder of wheels), then let `jixiao excel install` do
  the real work and print, in Chinese, what it did and where the templates went.

  This file is pure ASCII: Windows PowerShell 5.1 reads a script without a byte-order mark in
  the ANSI code page (936 on Chinese Windows), which would garble any Chinese text here. The
  few Chinese lines printed before jixiao exists are written as \uXXXX escapes (see Say).
.PARAMETER Uninstall
  Remove the add-in, its config and unchanged templates (`jixiao excel uninstall`), then the venv.
.PARAMETER Offline
  A folder of wheels (made by `jixiao excel bundle`): install from it with no network.
  An offline bundle's install.ps1 finds its own "wheels" folder without this parameter.
.PARAMETER Source
  The jixiao source folder to install from when online (default: this script's folder).
#>
param(
    [switch]$Uninstall,
    [string]$Offline = '',
    [string]$Source = $PSScriptRoot
)
$ErrorActionPreference = 'Stop'
$Venv = Join-Path $env:LOCALAPPDATA 'jixiao\venv'
$Jixiao = Join-Path $Venv 'Scripts\jixiao.exe'
$Bundle = Join-Path $PSScriptRoot 'wheels'

function Say([string]$Escaped) {
    # Chinese text written as \uXXXX escapes, so that this file stays ASCII.
    Write-Host ([regex]::Unescape($Escaped))
}

function Get-Blockers {
    # Excel holds the installed add-in; a UDF server started by Excel runs from the venv.
    $found = @()
    foreach ($p in (Get-Process -ErrorAction SilentlyContinue)) {
        if ($p.ProcessName -ieq 'EXCEL') { $found += $p; continue }
        $path = $null
        try { $path = $p.Path } catch { }
        if ($path -and $path.StartsWith($Venv + '\', [StringComparison]::OrdinalIgnoreCase)) {
            $found += $p
        }
    }
    return ,$found
}

function Stop-IfBusy {
    $busy = Get-Blockers
    if ($busy.Count -gt 0) {
        # "Please close these programs first (they hold files jixiao replaces); nothing was changed:"
        Say '\u8bf7\u5148\u5173\u95ed\u4ee5\u4e0b\u7a0b\u5e8f\uff0c\u518d\u5b89\u88c5\u3001\u5347\u7ea7\u6216\u5378\u8f7d jixiao\uff08\u5b83\u4eec\u5360\u7528\u7740\u8981\u66ff\u6362\u7684\u6587\u4ef6\uff09\uff1a'
        foreach ($p in $busy) { Write-Host ('  - {0}.exe  (PID {1})' -f $p.ProcessName, $p.Id) }
        # "Save your work, close every Excel window, then run this again. Nothing was changed."
        Say '\u4fdd\u5b58\u5de5\u4f5c\u540e\u5173\u95ed\u6240\u6709 Excel \u7a97\u53e3\uff0c\u7136\u540e\u91cd\u65b0\u8fd0\u884c\u3002\u4ec0\u4e48\u90fd\u8fd8\u6ca1\u6709\u6539\u52a8\u3002'
        exit 3
    }
}

if ($Uninstall) {
    Stop-IfBusy
    if (Test-Path $Jixiao) {
        & $Jixiao excel uninstall
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    }
    if (Test-Path $Venv) {
        try { Remove-Item -Recurse -Force $Venv }
        catch {
            # "The add-in is removed; the Python environment could not be deleted (in use?):"
            Say '\u52a0\u8f7d\u9879\u5df2\u5378\u8f7d\uff1bPython \u73af\u5883\u672a\u80fd\u5220\u9664\uff08\u53ef\u80fd\u4ecd\u88ab\u4f7f\u7528\uff09\uff1a'
            Write-Host $Venv
            exit 2
        }
    }
    # "jixiao is uninstalled."
    Say '\u5df2\u5378\u8f7d jixiao\u3002'
    exit 0
}

# Offline: -Offline DIR, or the "wheels" folder of an offline bundle beside this script.
if (-not $Offline -and (Test-Path (Join-Path $Bundle 'jixiao-*.whl'))) { $Offline = $Bundle }
$Wanted = ''
if ($Offline) {
    if (-not (Test-Path -LiteralPath $Offline -PathType Container)) {
        # "The offline folder was not found:"
        Say '\u627e\u4e0d\u5230\u79bb\u7ebf\u5b89\u88c5\u5305\u7684\u6587\u4ef6\u5939\uff1a'
        Write-Host $Offline
        exit 1
    }
    $Offline = (Resolve-Path -LiteralPath $Offline).Path
    $Manifest = Join-Path $Offline 'bundle.json'
    if (Test-Path $Manifest) { $Wanted = (Get-Content -Raw $Manifest | ConvertFrom-Json).python }
}

# The minor version an offline bundle was made for (3.11 -> 11), 0 when any 3.11+ will do.
$WantedMinor = 0
if ($Wanted) { $WantedMinor = [int]($Wanted.Split('.')[1]) }

function Test-Python([string[]]$Command) {
    # True when the command runs a 64-bit Python 3.11+ (of the bundle's version, offline).
    # No quotes inside the code: Windows PowerShell 5.1 passes them to programs mangled.
    $check = 'import struct, sys; v = sys.version_info; print(v[:2] >= (3, 11) and ' +
             "struct.calcsize(chr(80)) == 8 and $WantedMinor in (0, v[1]))"
    $rest = @($Command | Select-Object -Skip 1)
    try {
        $ok = & $Command[0] @rest -c $check 2>$null
        return ($ok -eq 'True')
    } catch { return $false }
}

function Find-Python {
    $candidates = @()
    if ($Wanted) { $candidates += ,@('py', "-$Wanted") }
    $candidates += ,@('py', '-3.13')
    $candidates += ,@('py', '-3.12')
    $candidates += ,@('py', '-3.11')
    $candidates += ,@('python')
    foreach ($v in @('313', '312', '311')) {
        $candidates += ,@((Join-Path $env:LOCALAPPDATA "Programs\Python\Python$v\python.exe"))
    }
    foreach ($candidate in $candidates) {
        if (Test-Python $candidate) { return ,$candidate }
    }
    return $null
}

Stop-IfBusy
$python = Find-Python
if (-not $python) {
    # A python.org installer placed beside this script (offline PCs): install for this user only.
    $setup = Get-ChildItem -Path $PSScriptRoot -Filter 'python-3*-amd64.exe' -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if ($setup) {
        # "Installing Python for this user (about a minute)..."
        Say '\u6b63\u5728\u4e3a\u5f53\u524d\u7528\u6237\u5b89\u88c5 Python\uff08\u7ea6\u4e00\u5206\u949f\uff09\u2026\u2026'
        Start-Process -Wait -FilePath $setup.FullName -ArgumentList @(
            '/quiet', 'InstallAllUsers=0', 'Include_launcher=1', 'InstallLauncherAllUsers=0',
            'PrependPath=1', 'Include_test=0', 'Shortcuts=0')
        $python = Find-Python
    }
}
if (-not $python) {
    # "Python 3.11 or newer (64-bit) was not found. Install it from python.org (tick "Add
    #  python.exe to PATH") or put its installer python-3.x.y-amd64.exe in this folder, then run
    #  this again." (+ the version an offline bundle needs)
    Say '\u672a\u627e\u5230 Python 3.11 \u6216\u66f4\u9ad8\u7248\u672c\uff0864 \u4f4d\uff09\u3002\u8bf7\u4ece python.org \u5b89\u88c5\uff08\u52fe\u9009\u201cAdd python.exe to PATH\u201d\uff09\uff0c\u6216\u628a\u5b89\u88c5\u7a0b\u5e8f python-3.x.y-amd64.exe \u653e\u5728\u672c\u6587\u4ef6\u5939\u4e2d\uff0c\u7136\u540e\u91cd\u65b0\u8fd0\u884c\u3002'
    if ($Wanted) {
        # "This offline bundle needs Python <version>."
        Say ('\u672c\u79bb\u7ebf\u5305\u9700\u8981 Python ' + $Wanted + '\u3002')
    }
    exit 1
}

$py = Join-Path $Venv 'Scripts\python.exe'
if ((Test-Path $py) -and -not (Test-Python @($py))) {
    # a venv of another Python than this bundle's: make it anew (nothing runs from it: checked)
    Remove-Item -Recurse -Force $Venv
}
if (-not (Test-Path $py)) {
    $rest = @($python | Select-Object -Skip 1)
    & $python[0] @rest -m venv $Venv
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
# "Installing jixiao and what it needs (a few minutes the first time)..."
Say '\u6b63\u5728\u5b89\u88c5 jixiao \u53ca\u5176\u4f9d\u8d56\uff08\u9996\u6b21\u7ea6\u9700\u51e0\u5206\u949f\uff09\u2026\u2026'
if ($Offline) {
    & $py -m pip install --disable-pip-version-check --quiet --no-index --find-links $Offline --upgrade jixiao
    if ($LASTEXITCODE -eq 0) {
        # the same version rebuilt: replace jixiao itself, nothing else
        & $py -m pip install --disable-pip-version-check --quiet --no-index --find-links $Offline --force-reinstall --no-deps jixiao
    }
} else {
    & $py -m pip install --disable-pip-version-check --quiet --upgrade $Source
}
if ($LASTEXITCODE -ne 0) {
    if ($Offline) {
        # "Installing from the offline bundle failed: it does not match this PC's Python, or files are missing."
        Say '\u4ece\u79bb\u7ebf\u5305\u5b89\u88c5\u5931\u8d25\uff1a\u79bb\u7ebf\u5305\u4e0e\u672c\u673a\u7684 Python \u7248\u672c\u4e0d\u7b26\uff0c\u6216\u6587\u4ef6\u4e0d\u5b8c\u6574\u3002'
    } else {
        # "pip could not install jixiao: check the network or the pip mirror; offline PCs use the offline bundle."
        Say '\u5b89\u88c5 jixiao \u5931\u8d25\uff1a\u8bf7\u68c0\u67e5\u7f51\u7edc\u6216 pip \u955c\u50cf\u8bbe\u7f6e\uff1b\u65e0\u7f51\u7edc\u7684\u7535\u8111\u8bf7\u4f7f\u7528\u79bb\u7ebf\u5b89\u88c5\u5305\u3002'
    }
    exit 1
}
# Everything from here on is said by jixiao itself, in Chinese.
& $Jixiao excel install
exit $LASTEXITCODE
