"""Work functions for the annotated-copy workers in tests: importable by name in a worker process."""

import os

from zhicheng.validators.outputs import copies


def crash_on_second(task):
    """Kill the worker (as the OOM killer would) for files named *second*; make the others."""
    if "second" in task.display:
        os._exit(3)
    return copies.make_copy(task)
