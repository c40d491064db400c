<#
.SYNOPSIS
  jixiao 一键安装（Windows，无需管理员权限）。
.DESCRIPTION
  Thin on purpose: find Python 3.11+, make a virtual environment under the user's profile,
  pip install jixiao (which pins the exact xlwings version its add-in runtime needs), then let
  `jixiao excel install` do the real work (add-in into XLSTART, config file, templates).
  Run from the unpacked jixiao folder:  powershell -ExecutionPolicy Bypass -File install.ps1
.PARAMETER Uninstall
  Remove the add-in, its config and templates (`jixiao excel uninstall`), then the venv.
#>
param(
    [switch]$Uninstall,
    [string]$Source = $PSScriptRoot
)
$ErrorActionPreference = 'Stop'
[Console]::OutputEncoding = [System.Text.Encoding]::UTF8
$Venv = Join-Path $env:LOCALAPPDATA 'jixiao\venv'
$Jixiao = Join-Path $Venv 'Scripts\jixiao.exe'

if ($Uninstall) {
    if (Test-Path $Jixiao) { & $Jixiao excel uninstall }
    if (Test-Path $Venv) { Remove-Item -Recurse -Force $Venv }
    Write-Host '已卸载 jixiao。'
    exit 0
}

function Find-Python {
    foreach ($candidate in @(@('py', '-3.13'), @('py', '-3.12'), @('py', '-3.11'), @('python'))) {
        try {
            $args = @($candidate | Select-Object -Skip 1) + @('-c', 'import sys; print(sys.version_info >= (3, 11))')
            $ok = & $candidate[0] @args 2>$null
            if ($ok -eq 'True') { return ,$candidate }
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
    & $python[0] @($python | Select-Object -Skip 1) -m venv $Venv
}
$py = Join-Path $Venv 'Scripts\python.exe'
Write-Host '安装 jixiao 及其依赖（首次约需几分钟）……'
& $py -m pip install --disable-pip-version-check --quiet --upgrade $Source
if ($LASTEXITCODE -ne 0) { Write-Host 'pip 安装失败，请检查网络或 pip 镜像设置。'; exit 1 }
& $Jixiao excel install
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Host ''
Write-Host '下一步：关闭并重新打开 Excel，功能区会出现“绩效目标”选项卡；模板在“文档\jixiao模板”。'
Write-Host "命令行：$Jixiao validate <文件或文件夹>"
