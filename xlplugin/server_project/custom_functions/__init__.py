"""xlwings Server imports this package as ``custom_functions``: it serves the zhicheng cell functions."""

from zhicheng.xlplugin.udfs import *  # noqa: F401,F403
