"""IAM policy tooling: evaluate statements on example requests, and lint rendered plans."""
