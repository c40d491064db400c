<#
.SYNOPSIS
  jixiao installer for Windows (no administrator rights needed).
.DESCRIPTION
  Clerks double-click install.cmd, which runs this script with
  "powershell -NoProfile -ExecutionPolicy Bypass -File install.ps1".

  Thin on purpose: find a 64-bit Python of a supported version (or run a Python installer
  placed beside this script), make a virtual environment under %LOCALAPPDATA%\jixiao\venv,
  pip install jixiao (online from this source folder, or offline from a folder of wheels), then
  let `jixiao excel install` do the real work and print, in Chinese, what it did and where the
  templates went.

  This file is pure ASCII: Windows PowerShell 5.1 reads a script without a byte-order mark in
  the ANSI code page (936 on Chinese Windows), which would garble any Chinese text here. The
  few Chinese lines printed before jixiao exists are written as \uXXXX escapes (see Say).
.PARAMETER Uninstall
  Remove the add-in, its config and unchanged templates (`jixiao excel uninstall`), then the venv.
  When jixiao's Python no longer runs (Python was uninstalled first), this script removes the
  files of the install record itself (Remove-Recorded).
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
$VenvPython = Join-Path $Venv 'Scripts\python.exe'
$Bundle = Join-Path $PSScriptRoot 'wheels'
# The Python versions jixiao supports on Windows, newest first: a copy of WINDOWS_PYTHONS in
# src/jixiao/excel/__init__.py, their one owner (this script runs before any Python is found,
# so it cannot ask); tests/test_install_script.py keeps the two equal.
$Supported = @('3.14', '3.13', '3.12', '3.11')
$StorePython = $false

function Say([string]$Escaped) {
    # Chinese text written as \uXXXX escapes, so that this file stays ASCII.
    Write-Host ([regex]::Unescape($Escaped))
}

function Get-Blockers {
    # Excel holds the installed add-in; a UDF server started by Excel runs from the venv.
    # Only this Windows session's processes count: on a shared PC (Remote Desktop, another user
    # switched to) another user's Excel holds nothing of this user's (as winpaths.blockers).
    $session = (Get-Process -Id $PID).SessionId
    $found = @()
    foreach ($p in (Get-Process -ErrorAction SilentlyContinue)) {
        if ($p.SessionId -ne $session) { continue }
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

function Test-Runs([string]$Program, [string]$Code) {
    # True when the program runs the Python code and exits 0. A warning on stderr is no failure:
    # this function's own preference (with 'Stop', Windows PowerShell 5.1 turns a redirected
    # stderr line into an exception).
    if (-not (Get-Command $Program -CommandType Application -ErrorAction SilentlyContinue)) {
        return $false
    }
    $ErrorActionPreference = 'Continue'
    try {
        $null = & $Program -c $Code 2>$null
        return ($LASTEXITCODE -eq 0)
    } catch { return $false }
}

function Remove-Recorded {
    # What `jixiao excel uninstall` does, for when jixiao's Python no longer runs (Python was
    # uninstalled first: the venv's launcher only says "No Python at ..."): remove the files of
    # the install record, each only while unchanged (its SHA-256 as recorded; the add-in, its
    # config and the record itself always), then the folders left empty. The record is the one
    # src/jixiao/excel/install.py writes, %USERPROFILE%\.jixiao\install.json: UTF-8 JSON with
    # "files" and "sha256" (read as UTF-8: Windows PowerShell 5.1 reads a file without a
    # byte-order mark in the ANSI code page). No readable record: the two files every install
    # writes, as install.py's own uninstall falls back to. Says why it does this only when there
    # is something to remove. True when nothing was left in use.
    #  - An entry is removed only where install.py writes files: directly in XLSTART, in
    #    .jixiao or in the templates folder, written as its full path ([IO.Path]::GetFullPath
    #    gives it back unchanged: no "..", ".", "/", relative path or trailing dot). Anything
    #    else in a (hand-edited) record is left alone and named.
    #  - All or nothing, as install.py: every file is opened for writing first, and when one is
    #    in use (a template open in WPS, which Stop-IfBusy does not look for) nothing is
    #    deleted. The record goes last, and only when everything else went: should a deletion
    #    still fail, the record keeps listing what is left for the next run.
    $folder = Join-Path $env:USERPROFILE '.jixiao'
    $record = Join-Path $folder 'install.json'
    $config = Join-Path $folder 'jixiao.conf'
    $addin = Join-Path $env:APPDATA 'Microsoft\Excel\XLSTART\jixiao.xlam'
    $xlstart = Split-Path -Parent $addin
    # The templates folder: install_paths.py's TEMPLATE_FOLDER (jixiao + two Chinese
    # characters) in the real Documents folder (the known folder jixiao asks for, wherever it
    # was moved; Combine, not Join-Path: a Documents folder on a disconnected drive is no error
    # here).
    $documents = [Environment]::GetFolderPath('MyDocuments')
    if (-not $documents) { $documents = Join-Path $env:USERPROFILE 'Documents' }
    $templates = [IO.Path]::Combine($documents, [regex]::Unescape('jixiao\u6a21\u677f'))
    $places = @($xlstart, $folder, $templates)
    $ours = @($addin, $config, $record)
    $files = @()
    $hashes = @{}
    if (Test-Path -LiteralPath $record -PathType Leaf) {
        try {
            $data = [IO.File]::ReadAllText($record, [Text.Encoding]::UTF8) | ConvertFrom-Json
            $files = @($data.files | Where-Object { $_ } | ForEach-Object { [string]$_ })
            if ($data.sha256) {
                foreach ($entry in $data.sha256.PSObject.Properties) {
                    $hashes[$entry.Name] = [string]$entry.Value
                }
            }
        } catch { $files = @() }
    }
    if ($files.Count -eq 0) { $files = @($addin, $config) }
    $refused = @()
    $present = @()
    foreach ($file in $files) {
        if ($file -eq $record -or $present -contains $file) { continue }  # the record: last
        $full = $null
        try { $full = [IO.Path]::GetFullPath($file) } catch { }
        if ($full -ne $file -or $places -notcontains [IO.Path]::GetDirectoryName($full)) {
            $refused += $file
            continue
        }
        if (Test-Path -LiteralPath $file -PathType Leaf) { $present += $file }
    }
    $recorded = Test-Path -LiteralPath $record -PathType Leaf
    if ($present.Count -eq 0 -and -not $recorded) { return $true }
    # "jixiao's Python environment no longer runs (Python was probably uninstalled first);
    #  removing the files of the install record directly:"
    Say 'jixiao \u7684 Python \u73af\u5883\u5df2\u65e0\u6cd5\u8fd0\u884c\uff08\u591a\u534a\u662f Python \u5148\u88ab\u5378\u8f7d\u4e86\uff09\uff0c\u6539\u4e3a\u76f4\u63a5\u5220\u9664\u5b89\u88c5\u8bb0\u5f55\u4e2d\u7684\u6587\u4ef6\uff1a'
    foreach ($file in $refused) {
        # "Not removed (not a place jixiao installs to):"
        Say '\u672a\u5220\u9664\uff08\u4e0d\u662f jixiao \u5b89\u88c5\u7684\u4f4d\u7f6e\uff09\uff1a'
        Write-Host ('  ' + $file)
    }
    $doomed = @()
    $locked = @()
    foreach ($file in $present) {
        $want = $hashes[$file]
        $changed = $false
        if ($ours -notcontains $file -and $want) {
            try { $changed = (Get-FileHash -LiteralPath $file -Algorithm SHA256).Hash -ne $want }
            catch { $locked += $file; continue }  # not even readable
        }
        if ($changed) {
            # "Kept (changed since it was installed):"
            Say '\u4fdd\u7559\uff08\u5b89\u88c5\u540e\u88ab\u4fee\u6539\u8fc7\uff09\uff1a'
            Write-Host ('  ' + $file)
            continue
        }
        $doomed += $file
    }
    if ($recorded) { $doomed += $record }
    foreach ($file in $doomed) {
        try {
            $stream = [IO.File]::Open($file, [IO.FileMode]::Open, [IO.FileAccess]::ReadWrite,
                [IO.FileShare]::None)
            $stream.Dispose()
        } catch { $locked += $file }
    }
    if ($locked.Count -gt 0) {
        foreach ($file in $locked) {
            # "Could not remove (in use?):"
            Say '\u672a\u80fd\u5220\u9664\uff08\u53ef\u80fd\u6b63\u88ab\u4f7f\u7528\uff09\uff1a'
            Write-Host ('  ' + $file)
        }
        # "Nothing was removed: close the program that has these files open (WPS, for
        #  example), then run this again."
        Say '\u4ec0\u4e48\u90fd\u6ca1\u6709\u5220\u9664\uff1a\u8bf7\u5173\u95ed\u6253\u5f00\u7740\u8fd9\u4e9b\u6587\u4ef6\u7684\u7a0b\u5e8f\uff08\u5982 WPS\uff09\uff0c\u7136\u540e\u91cd\u65b0\u8fd0\u884c\u3002'
        return $false
    }
    $done = $true
    foreach ($file in $doomed) {
        if ($file -eq $record -and -not $done) { continue }  # it lists what is left
        try {
            Remove-Item -LiteralPath $file -Force
            # "Removed:"
            Say '\u5df2\u5220\u9664\uff1a'
            Write-Host ('  ' + $file)
        } catch {
            # "Could not remove (in use?):"
            Say '\u672a\u80fd\u5220\u9664\uff08\u53ef\u80fd\u6b63\u88ab\u4f7f\u7528\uff09\uff1a'
            Write-Host ('  ' + $file)
            $done = $false
        }
    }
    foreach ($dir in @($templates, $folder)) {  # Excel's own XLSTART stays
        if ((Test-Path -LiteralPath $dir -PathType Container) -and
                @(Get-ChildItem -LiteralPath $dir -Force).Count -eq 0) {
            try { Remove-Item -LiteralPath $dir -Force } catch { }
        }
    }
    return $done
}

if ($Uninstall) {
    Stop-IfBusy
    if ((Test-Path $Jixiao) -and (Test-Runs $VenvPython 'import jixiao.excel.install')) {
        & $Jixiao excel uninstall
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    } else {
        # jixiao cannot run (a refusal of a jixiao that runs, above, is respected: its exit code)
        if (-not (Remove-Recorded)) { exit 2 }
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

function Test-Python([string[]]$Command) {
    # What the command runs: 'ok' for a 64-bit CPython of a supported version (of the bundle's
    # version, offline) that is not the Microsoft Store's; 'store' for the Store's (what it
    # writes under %LOCALAPPDATA% goes into its own package folder: the venv would exist for it
    # alone); '' for anything else, or for nothing that runs.
    # No quotes inside the code: Windows PowerShell 5.1 passes them to programs mangled.
    $check = 'import struct, sys; v = sys.version_info; ' +
             'print(v[0], v[1], struct.calcsize(chr(80)) * 8, ascii(sys.base_prefix))'
    if (-not (Get-Command $Command[0] -CommandType Application -ErrorAction SilentlyContinue)) {
        return ''
    }
    $rest = @($Command | Select-Object -Skip 1)
    $ErrorActionPreference = 'Continue'  # a warning on stderr is no failure (see Test-Runs)
    try {
        $out = @(& $Command[0] @rest -c $check 2>$null)
    } catch { return '' }
    if ($LASTEXITCODE -ne 0 -or $out.Count -eq 0) { return '' }
    # "3 14 64 'C:\\Users\\...\\Python314'": major, minor, pointer bits, base prefix (spaces
    # allowed) as ascii() writes it: a pipe is written in the ANSI code page, which raises on
    # what it cannot spell (a Chinese user name under cp1252, Hangul or a rare CJK character
    # under cp936) and would make every per-user Python look broken.
    $fields = @(([string]$out[-1]) -split ' ', 4)
    if ($fields.Count -lt 4 -or $fields[2] -ne '64') { return '' }
    $version = $fields[0] + '.' + $fields[1]
    if ($Wanted -and $version -ne $Wanted) { return '' }
    if (-not $Wanted -and $Supported -notcontains $version) { return '' }
    if ($fields[3] -match 'WindowsApps') { return 'store' }
    return 'ok'
}

function Get-PythonFolders([string]$Parent, [string]$Pattern) {
    # python.exe of each folder of $Parent whose name matches $Pattern (its first group: the
    # minor version), newest first: Python39 must not come before Python314.
    $found = @()
    if (-not $Parent -or -not (Test-Path -LiteralPath $Parent -PathType Container)) {
        return $found
    }
    foreach ($folder in (Get-ChildItem -LiteralPath $Parent -Directory -ErrorAction SilentlyContinue)) {
        $exe = Join-Path $folder.FullName 'python.exe'
        if ($folder.Name -match $Pattern -and (Test-Path -LiteralPath $exe -PathType Leaf)) {
            $found += [pscustomobject]@{ Minor = [int]$Matches[1]; Path = $exe }
        }
    }
    return @($found | Sort-Object -Property Minor -Descending | ForEach-Object { $_.Path })
}

function Find-Python {
    # Every place a Python may be; the first that Test-Python accepts wins. python.org's
    # installer leaves Python off PATH by default, and one this script has just installed is
    # not on this process's PATH either: the launcher and the folders are tried by full path.
    #  1. the py launcher (on PATH, or the per-user one): `py -3` runs the newest installed;
    #     only when that one does not fit, each supported version by name, newest first;
    #  2. python on PATH;
    #  3. python.org's folders, per user and for all users, then the runtimes of the Python
    #     install manager (3.14 and later), each newest first.
    $launchers = @()
    foreach ($name in @('py', (Join-Path $env:LOCALAPPDATA 'Programs\Python\Launcher\py.exe'))) {
        $command = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue |
            Select-Object -First 1
        if ($command -and $launchers -notcontains $command.Path) { $launchers += $command.Path }
    }
    $candidates = @()
    foreach ($py in $launchers) {
        if ($Wanted) { $candidates += ,@($py, "-$Wanted") }
        $candidates += ,@($py, '-3')
        foreach ($v in $Supported) { $candidates += ,@($py, "-$v") }
    }
    $candidates += ,@('python')
    $folders = @(Get-PythonFolders (Join-Path $env:LOCALAPPDATA 'Programs\Python') '^Python3(\d+)') +
        @(Get-PythonFolders $env:ProgramFiles '^Python3(\d+)') +
        @(Get-PythonFolders (Join-Path $env:LOCALAPPDATA 'Python') '^pythoncore-3\.(\d+)')
    foreach ($exe in $folders) { $candidates += ,@($exe) }
    foreach ($candidate in $candidates) {
        $verdict = Test-Python $candidate
        if ($verdict -eq 'ok') { return ,$candidate }
        if ($verdict -eq 'store') { $script:StorePython = $true }
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
        $run = Start-Process -Wait -PassThru -FilePath $setup.FullName -ArgumentList @(
            '/quiet', 'InstallAllUsers=0', 'Include_launcher=1', 'InstallLauncherAllUsers=0',
            'PrependPath=1', 'Include_test=0', 'Shortcuts=0')
        # 0: installed; 3010: installed, a restart wanted some time. Anything else failed.
        if ($run.ExitCode -ne 0 -and $run.ExitCode -ne 3010) {
            # "The Python installer did not finish (exit code N). 1602: cancelled; 1618: another
            #  installation is running, run this again later; otherwise double-click the
            #  installer itself to see its reason:" + the installer
            Say ('Python \u5b89\u88c5\u7a0b\u5e8f\u6ca1\u6709\u5b8c\u6210\uff08\u9000\u51fa\u7801 ' + $run.ExitCode + '\uff09\u30021602 \u8868\u793a\u5b89\u88c5\u88ab\u53d6\u6d88\uff0c1618 \u8868\u793a\u53e6\u4e00\u4e2a\u7a0b\u5e8f\u6b63\u5728\u5b89\u88c5\uff1a\u8bf7\u7a0d\u540e\u91cd\u65b0\u8fd0\u884c\uff1b\u5176\u4ed6\u60c5\u51b5\u8bf7\u76f4\u63a5\u53cc\u51fb\u8be5\u5b89\u88c5\u7a0b\u5e8f\u624b\u52a8\u5b89\u88c5\uff0c\u770b\u5b83\u7ed9\u51fa\u7684\u539f\u56e0\uff1a')
            Write-Host $setup.FullName
            exit 1
        }
        # The installer put Python on the user's PATH; this process still has the old one.
        $env:Path = $env:Path + ';' + [Environment]::GetEnvironmentVariable('Path', 'User')
        $python = Find-Python
    }
}
if (-not $python) {
    if ($StorePython) {
        # "The Python found comes from the Microsoft Store; jixiao cannot use it (what it makes
        #  under %LOCALAPPDATA% only it can see): install Python with python.org's 64-bit
        #  installer, then run this again."
        Say '\u627e\u5230\u7684 Python \u6765\u81ea Microsoft Store\uff0cjixiao \u4e0d\u80fd\u4f7f\u7528\u5b83\uff08\u5b83\u5728 %LOCALAPPDATA% \u4e2d\u5efa\u7acb\u7684\u6587\u4ef6\u53ea\u6709\u5b83\u81ea\u5df1\u770b\u5f97\u89c1\uff09\uff1a\u8bf7\u7528 python.org \u7684 64 \u4f4d\u5b89\u88c5\u7a0b\u5e8f\u5b89\u88c5 Python\uff0c\u7136\u540e\u91cd\u65b0\u8fd0\u884c\u3002'
    }
    # "No usable 64-bit Python was found (jixiao supports Python 3.11 to 3.14). Install one with
    #  python.org's 64-bit installer (its default options do), or put the installer
    #  python-3.x.y-amd64.exe in this folder, then run this again." (+ the version a bundle needs)
    Say ('\u672a\u627e\u5230\u53ef\u7528\u7684 64 \u4f4d Python\uff08jixiao \u652f\u6301 Python ' + $Supported[-1] + ' \u81f3 ' + $Supported[0] + '\uff09\u3002\u8bf7\u7528 python.org \u7684 64 \u4f4d\u5b89\u88c5\u7a0b\u5e8f\u5b89\u88c5\uff08\u4fdd\u6301\u9ed8\u8ba4\u9009\u9879\u5373\u53ef\uff09\uff0c\u6216\u628a\u5b89\u88c5\u7a0b\u5e8f python-3.x.y-amd64.exe \u653e\u5728\u672c\u6587\u4ef6\u5939\u4e2d\uff0c\u7136\u540e\u91cd\u65b0\u8fd0\u884c\u3002')
    if ($Wanted) {
        # "This offline bundle needs Python <version>."
        Say ('\u672c\u79bb\u7ebf\u5305\u9700\u8981 Python ' + $Wanted + '\u3002')
    }
    exit 1
}

$py = $VenvPython
if ((Test-Path $py) -and (Test-Python @($py)) -ne 'ok') {
    # a venv of another Python than this bundle's, or of one removed since: make it anew
    # (nothing runs from it: checked)
    Remove-Item -Recurse -Force $Venv
}
if (-not (Test-Path $py)) {
    $rest = @($python | Select-Object -Skip 1)
    & $python[0] @rest -m venv $Venv
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    if (-not (Test-Path $py)) {
        # Made, yet not where this process (and Excel) can see it: what a Microsoft Store
        # Python does under %LOCALAPPDATA%, should one ever pass Test-Python.
        # "The Python environment cannot be found after it was made (usually a Microsoft Store
        #  Python: ...). Install Python with python.org's 64-bit installer, then run this again.
        #  The file that should be there:"
        Say 'Python \u73af\u5883\u5efa\u7acb\u540e\u5374\u627e\u4e0d\u5230\uff08\u8fd9\u901a\u5e38\u662f Microsoft Store \u7248\u7684 Python\uff1a\u5b83\u5728 %LOCALAPPDATA% \u4e2d\u5efa\u7acb\u7684\u6587\u4ef6\u53ea\u6709\u5b83\u81ea\u5df1\u770b\u5f97\u89c1\uff09\u3002\u8bf7\u7528 python.org \u7684 64 \u4f4d\u5b89\u88c5\u7a0b\u5e8f\u5b89\u88c5 Python\uff0c\u7136\u540e\u91cd\u65b0\u8fd0\u884c\u3002\u5e94\u5f53\u51fa\u73b0\u7684\u6587\u4ef6\uff1a'
        Write-Host $py
        exit 1
    }
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
