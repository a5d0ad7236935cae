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

output "github_plan_role_arn" {
  description = "Role GitHub Actions assumes to plan (pull requests of the repository only)."
  value       = module.github.plan_role_arn
}

output "github_apply_role_arn" {
  description = "Role GitHub Actions assumes to apply (jobs in the GitHub environment named like this environment only)."
  value       = module.github.apply_role_arn
}

output "github_oidc_provider_arn" {
  description = "The account's GitHub OIDC provider."
  value       = module.github.oidc_provider_arn
}
