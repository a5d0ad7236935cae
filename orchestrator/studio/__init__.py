"""Clean-up of what SageMaker Studio leaves outside Terraform (`cleanup-studio`, and the check before destroying the network)."""
