"""Every rule module; importing this package registers all rules."""

from . import dates, duplicates, identity, structure  # noqa: F401
from . import certificate, eligibility, seniority, title_names  # noqa: F401  (issue3b)
