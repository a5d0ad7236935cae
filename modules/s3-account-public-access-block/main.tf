# S3 Block Public Access for the whole account: every bucket of the account, present and future,
# whatever its own settings, refuses public ACLs and public bucket policies, and public ACLs and
# policies already in place grant nobody outside the account.

resource "aws_s3_account_public_access_block" "this" {
  count = var.managed_by == "account" ? 1 : 0

  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}
