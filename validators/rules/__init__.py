"""Every rule module; importing this package registers all rules."""

from . import dates, discipline, duplicates, hours, identity, procedure, structure  # noqa: F401
