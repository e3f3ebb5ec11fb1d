"""xlwings Server needs a ``custom_scripts`` package; zhicheng has no scripts (only cell functions)."""
