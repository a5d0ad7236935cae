output "state_bucket" {
  description = "Name of the state bucket."
  value       = module.state_bucket.bucket_name
}

output "state_log_bucket" {
  description = "Name of the bucket receiving the state bucket's access logs."
  value       = module.state_logs.bucket_name
}

output "lock_table" {
  description = "Name of the DynamoDB lock table."
  value       = aws_dynamodb_table.lock.name
}

output "state_key_arn" {
  description = "ARN of the KMS key encrypting state objects and the lock table."
  value       = module.kms.key_arns["tfstate"]
}
