"""A thin Terraform runner of our own: CLI config, per-stack working roots, streamed progress, signals."""
