Attribute VB_Name = "JixiaoRibbon"
' Ribbon callbacks of the jixiao add-in: one per button of customUI14.xml.
' Each one only hands over to Python (module jixiao.excel.ribbon) through RunPython,
' the xlwings runtime in this add-in's "xlwings" module. Keep this module ASCII.
Option Explicit

Public Sub OnValidate(control As IRibbonControl)
    RunPython "import jixiao.excel.ribbon as ribbon; ribbon.on_validate()"
End Sub

Public Sub OnNewProject(control As IRibbonControl)
    RunPython "import jixiao.excel.ribbon as ribbon; ribbon.on_new_project()"
End Sub

Public Sub OnClearMarks(control As IRibbonControl)
    RunPython "import jixiao.excel.ribbon as ribbon; ribbon.on_clear_marks()"
End Sub

Public Sub OnConsolidate(control As IRibbonControl)
    RunPython "import jixiao.excel.ribbon as ribbon; ribbon.on_consolidate()"
End Sub

Public Sub OnImport(control As IRibbonControl)
    RunPython "import jixiao.excel.ribbon as ribbon; ribbon.on_import()"
End Sub

Public Sub OnHelp(control As IRibbonControl)
    RunPython "import jixiao.excel.ribbon as ribbon; ribbon.on_help()"
End Sub
