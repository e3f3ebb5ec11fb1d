"""zhicheng: templates, cell functions and a batch validator for 职称 paperwork."""

__version__ = "0.1.0"
