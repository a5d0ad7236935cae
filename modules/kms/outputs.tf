output "key_arns" {
  description = "Map of purpose => KMS key ARN."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.arn }
}

output "key_ids" {
  description = "Map of purpose => KMS key id."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.key_id }
}

output "alias_names" {
  description = "Map of purpose => alias name (alias/<name_prefix>-<purpose>)."
  value       = { for purpose, alias in aws_kms_alias.this : purpose => alias.name }
}

output "alias_arns" {
  description = "Map of purpose => alias ARN."
  value       = { for purpose, alias in aws_kms_alias.this : purpose => alias.arn }
}

output "key_policies" {
  description = "Map of purpose => rendered key policy JSON (for review and tests)."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.policy }
}
