"""``python -m course_utils.grade``: the same command as ``course-grade``.

A shortcut to :mod:`course_utils.instructor.grade` (see docs/grading.md). It
only runs when executed as a script; importing it loads nothing.
"""

if __name__ == "__main__":
    import runpy

    # runpy instead of an import statement: learner-facing modules never import
    # the instructor side, and this entry point only hands over to it.
    runpy.run_module("course_utils.instructor.grade", run_name="__main__", alter_sys=True)
