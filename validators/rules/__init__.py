"""Every rule module; importing this package registers all rules."""

from . import dates, duplicates, identity, structure  # noqa: F401
