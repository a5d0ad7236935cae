output "bucket_name" {
  description = "Bucket name (equal to the bucket's id; known at plan time). References wait until the bucket's protective configuration (ownership, public access block, versioning, encryption, policy) is in place."
  value       = aws_s3_bucket.this.bucket

  depends_on = [
    aws_s3_bucket_ownership_controls.this,
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_policy.this,
  ]
}

output "bucket_arn" {
  description = "Bucket ARN (built from the partition and name, so known at plan time). References wait until the bucket's protective configuration is in place."
  value       = local.bucket_arn

  depends_on = [
    aws_s3_bucket_ownership_controls.this,
    aws_s3_bucket_public_access_block.this,
    aws_s3_bucket_versioning.this,
    aws_s3_bucket_server_side_encryption_configuration.this,
    aws_s3_bucket_policy.this,
  ]
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket (<bucket>.s3.<region>.amazonaws.com)."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "policy_json" {
  description = "The rendered bucket policy JSON (known at plan time; for tests and review)."
  value       = local.policy_json
}

output "sse_algorithm" {
  description = "Default encryption algorithm of the bucket: \"aws:kms\" or \"AES256\" (access-log target buckets)."
  value       = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm
}

output "logging_target" {
  description = "Where this bucket's server access logs go ({ target_bucket, target_prefix }) or null when logging is disabled."
  value       = var.logging == null ? null : { target_bucket = aws_s3_bucket_logging.this[0].target_bucket, target_prefix = aws_s3_bucket_logging.this[0].target_prefix }
}

output "lifecycle_rules" {
  description = "Effective lifecycle settings (lifecycle_rules with defaults applied) rendered into the bucket's lifecycle rule."
  value       = var.lifecycle_rules
}
