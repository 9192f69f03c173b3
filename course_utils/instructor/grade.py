"""``course-grade``: grade a folder of learners' exercise notebooks against the solutions.

The grader is the pipeline in :mod:`course_utils.instructor.grading`, one module
per stage (docs/grading.md describes it and its threat model):

1. :mod:`~.grading.solutions` reads the solution notebooks;
2. :mod:`~.grading.submissions` reads the submissions without trusting them;
3. :mod:`~.grading.assemble` restores tests and locked cells from the solution;
4. :mod:`~.grading.runner` runs the learner's cells in a sandboxed kernel
   (:mod:`~.grading.sandbox`, :mod:`~.grading.learner_kernel`) and the tests
   outside it (:mod:`~.grading.trusted`, :mod:`~.grading.bridge`), in grading
   workers (:mod:`~.grading.workers`);
5. :mod:`~.grading.scoring` turns what ran into points;
6. :mod:`~.grading.state` keeps authenticated resume records;
7. :mod:`~.grading.reports` writes feedback and tables;
8. :mod:`~.grading.run` is the batch, :mod:`~.grading.cli` the command line.

This module keeps the names earlier versions had, for scripts and tests::

    course-grade SUBMISSIONS --solutions solutions --out grades
    python -m course_utils.grade SUBMISSIONS --jobs 2 --only ex04_lasso_from_scratch
"""

from __future__ import annotations

import sys

from course_utils.instructor.grading.assemble import (
    MARKER_KEY,
    MARKER_SOURCE,
    Assembled,
    assemble_notebook,
)
from course_utils.instructor.grading.assemble import is_marker as _is_marker
from course_utils.instructor.grading.cellformat import stub_source
from course_utils.instructor.grading.cli import main
from course_utils.instructor.grading.reports import (
    AVERAGE_LEARNER,
    FAILING_STATUSES,
    GRADES_COLUMNS,
    SUMMARY_COLUMNS,
    feedback_html,
    feedback_markdown,
    summary_rows,
    summary_table,
)
from course_utils.instructor.grading.reports import Progress as _Progress
from course_utils.instructor.grading.run import (
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    GRADER_VERSION,
    GradeRun,
    grade_submissions,
)
from course_utils.instructor.grading.run import item_key as _item_key
from course_utils.instructor.grading.runner import DEFAULT_MEMORY_LIMIT_MIB
from course_utils.instructor.grading.runner import folder_exceeds as _folder_exceeds
from course_utils.instructor.grading.scoring import score
from course_utils.instructor.grading.solutions import Exercise, SolutionCell, load_exercise
from course_utils.instructor.grading.submissions import (
    Item,
    Submission,
    read_submission,
)
from course_utils.instructor.grading.submissions import closest_exercise as _closest_exercise
from course_utils.instructor.grading.workers import thread_limits

__all__ = [
    "AVERAGE_LEARNER",
    "Assembled",
    "DEFAULT_MEMORY_LIMIT_MIB",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TOTAL_TIMEOUT",
    "Exercise",
    "FAILING_STATUSES",
    "GRADER_VERSION",
    "GRADES_COLUMNS",
    "GradeRun",
    "Item",
    "MARKER_KEY",
    "MARKER_SOURCE",
    "SUMMARY_COLUMNS",
    "SolutionCell",
    "Submission",
    "assemble_notebook",
    "feedback_html",
    "feedback_markdown",
    "grade_submissions",
    "load_exercise",
    "main",
    "read_submission",
    "score",
    "stub_source",
    "summary_rows",
    "summary_table",
    "thread_limits",
    "_Progress",
    "_closest_exercise",
    "_folder_exceeds",
    "_is_marker",
    "_item_key",
]

if __name__ == "__main__":
    sys.exit(main())
