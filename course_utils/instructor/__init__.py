"""Instructor tooling: executing notebooks, benchmarking, making exercises, grading.

Nothing in the learner-facing modules imports this subpackage. All tools share
:mod:`course_utils.instructor.execute`, which runs a notebook in a fresh kernel.
"""
