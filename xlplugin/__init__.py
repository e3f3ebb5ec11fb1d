"""Excel cell functions over the batch validator's rules (xlwings: classic UDFs, xlwings Lite, xlwings Server).

The functions live in :mod:`zhicheng.xlplugin.udfs`; :mod:`.templating` gives the template builder the check-column
formula and the ``xlwings.conf`` rows; :mod:`.server` runs xlwings Server with the functions.
"""

from .templating import CONF_SHEET, UDF_MODULE, udf_column_formula, xlwings_conf_rows

__all__ = ["CONF_SHEET", "UDF_MODULE", "udf_column_formula", "xlwings_conf_rows"]
