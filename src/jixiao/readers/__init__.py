"""Everything that turns a file into a submission: template workbooks (with the package guard),
interchange JSON and published documents.  Which reader takes which file is decided by
:mod:`jixiao.filekinds`."""
