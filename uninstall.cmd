@echo off
rem Remove jixiao: double-click this file. Removes the Excel add-in, its config, the templates
rem nobody changed, and jixiao's Python environment (install.cmd -Uninstall).
rem Keep this file ASCII with CRLF line ends: cmd.exe reads it in the OEM code page.
call "%~dp0install.cmd" -Uninstall
exit /b %ERRORLEVEL%
