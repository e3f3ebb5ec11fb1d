"""Work functions for the annotated-copy workers in tests: importable by name in a worker process."""

import os

from zhicheng.validators.outputs import copies


def crash_on_second(task):
    """Kill the worker (as the OOM killer would) for files named *second*; make the others."""
    if "second" in task.display:
        os._exit(3)
    return copies.make_copy(task)


def crash_staging_of(name):
    """A ``copies.stage`` that kills the validation worker (as a crash in a native library would) when its chunk holds
    the file ``name``, and stages the others' copies."""
    real = copies.stage

    def stage(items, *args, **kw):
        if any(d == name for _, d in items):
            os._exit(7)
        return real(items, *args, **kw)

    return stage
