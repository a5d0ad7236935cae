"""A stage's target accounts: resolved from AWS Organizations at plan time, rolled out in waves."""
