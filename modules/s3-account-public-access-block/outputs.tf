output "managed_here" {
  description = "Whether this module manages the account's S3 Block Public Access (false: the organization does)."
  value       = length(aws_s3_account_public_access_block.this) == 1
}

output "settings" {
  description = "The four settings this module keeps on (null when the organization manages them)."
  value = length(aws_s3_account_public_access_block.this) == 0 ? null : {
    block_public_acls       = aws_s3_account_public_access_block.this[0].block_public_acls
    ignore_public_acls      = aws_s3_account_public_access_block.this[0].ignore_public_acls
    block_public_policy     = aws_s3_account_public_access_block.this[0].block_public_policy
    restrict_public_buckets = aws_s3_account_public_access_block.this[0].restrict_public_buckets
  }
}
