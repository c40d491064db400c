"""The service layer the faces call (``cli.py``, the ribbon handlers): find files, read and
validate them, consolidate, import documents into workbooks, the demo.  The faces only call
these and print."""
