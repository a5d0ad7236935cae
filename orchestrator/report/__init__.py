"""Run reports for review: the report of a run, its Markdown for a pull-request comment, several jobs' reports merged (`report`)."""
