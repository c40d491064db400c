"""What jixiao writes for people and programs: the validation report (text/JSON), the summary
workbook and the rules catalogue."""
