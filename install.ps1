<#
.SYNOPSIS
  jixiao 一键安装（Windows，无需管理员权限）。
.DESCRIPTION
  Thin on purpose: find Python 3.11+, make a virtual environment under the user's profile,
  pip install jixiao (with the exact xlwings version its add-in needs), and check it runs.
  All real work is done by the `jixiao` command itself; the Excel add-in step
  (`jixiao excel install`) is added here when it lands (issue #4).
.PARAMETER Uninstall
  Remove the virtual environment again.
#>
param(
    [switch]$Uninstall,
    [string]$Source = $PSScriptRoot
)
$ErrorActionPreference = 'Stop'
$Venv = Join-Path $env:LOCALAPPDATA 'jixiao\venv'

if ($Uninstall) {
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    Write-Host '已卸载 jixiao。'
    exit 0
}

function Find-Python {
    foreach ($candidate in @('py -3.12', 'py -3.11', 'python')) {
        $parts = $candidate.Split(' ')
        try {
            $ok = & $parts[0] $parts[1..9] -c 'import sys; print(sys.version_info >= (3, 11))' 2>$null
            if ($ok -eq 'True') { return $parts }
        } catch { }
    }
    return $null
}

$python = Find-Python
if (-not $python) {
    Write-Host '未找到 Python 3.11 或更高版本。请从 python.org 安装（勾选 "Add python.exe to PATH"），然后重新运行本脚本。'
    exit 1
}
if (-not (Test-Path (Join-Path $Venv 'Scripts\python.exe'))) {
    Write-Host "创建虚拟环境：$Venv"
    & $python[0] $python[1..9] -m venv $Venv
}
$py = Join-Path $Venv 'Scripts\python.exe'
Write-Host '安装 jixiao 及其依赖……'
& $py -m pip install --disable-pip-version-check --quiet --upgrade $Source
& (Join-Path $Venv 'Scripts\jixiao.exe') --version
Write-Host "完成。命令行用法：$Venv\Scripts\jixiao.exe validate <文件或文件夹>"
