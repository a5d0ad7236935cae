"""GitHub and GitHub Actions plumbing (`matrix`, `pr-comment`, `oidc-subject`, `--step-summary`, `--github-output`).

It depends on the orchestrator's core (configuration, run reports), never the reverse.
"""
