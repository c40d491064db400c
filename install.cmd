@echo off
rem jixiao installer: double-click this file (no administrator rights needed).
rem It runs install.ps1 with Windows PowerShell, bypassing the execution policy for this one
rem script only (Windows client editions default to Restricted), waits for it, and keeps the
rem window open so the result, printed in Chinese by jixiao itself, can be read.
rem Arguments are passed on:  install.cmd -Uninstall   install.cmd -Offline D:\wheels
rem Keep this file ASCII with CRLF line ends: cmd.exe reads it in the OEM code page.
setlocal
set "JX_PS=%SystemRoot%\System32\WindowsPowerShell\v1.0\powershell.exe"
if not exist "%JX_PS%" set "JX_PS=powershell.exe"
if not exist "%~dp0install.ps1" (
    rem Started from inside the zip: Explorer copied only this file. "Unzip the whole folder first."
    "%JX_PS%" -NoProfile -Command "Write-Host ([regex]::Unescape('\u8bf7\u5148\u628a\u6574\u4e2a\u538b\u7f29\u5305\u89e3\u538b\u5230\u4e00\u4e2a\u6587\u4ef6\u5939\uff0c\u518d\u53cc\u51fb\u5176\u4e2d\u7684 install.cmd\u3002'))"
    pause
    exit /b 1
)
"%JX_PS%" -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
set "JX_EXIT=%ERRORLEVEL%"
echo.
pause
exit /b %JX_EXIT%
