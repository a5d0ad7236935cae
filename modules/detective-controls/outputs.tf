output "trail_arn" {
  description = "ARN of the multi-region CloudTrail trail."
  value       = aws_cloudtrail.this.arn
}

output "audit_bucket_name" {
  description = "Bucket of the trail's log files (AWSLogs/<account>/...) and Config's deliveries (config/AWSLogs/<account>/Config/...)."
  value       = module.bucket.bucket_name
}

output "audit_bucket_policy_json" {
  description = "The audit bucket's policy (known at plan time; for tests and review)."
  value       = module.bucket.policy_json
}

output "key_arns" {
  description = "Customer-managed keys by purpose: audit (trail log files, Config deliveries), findings (the SNS topic)."
  value       = module.kms.key_arns
}

output "key_policies" {
  description = "The keys' policies by purpose (for tests and review)."
  value       = module.kms.key_policies
}

output "config_recorder_name" {
  description = "Name of the AWS Config configuration recorder."
  value       = aws_config_configuration_recorder.this.name
}

output "config_rule_names" {
  description = "Managed rule identifier => name of the AWS Config rule checking it."
  value       = { for key, rule in aws_config_config_rule.this : rule.source[0].source_identifier => rule.name }
}

output "securityhub_standards_arns" {
  description = "ARNs of the Security Hub standards the account is subscribed to."
  value       = [aws_securityhub_standards_subscription.fsbp.standards_arn]
}

output "guardduty_detector_id" {
  description = "Id of the GuardDuty detector."
  value       = aws_guardduty_detector.this.id
}

output "findings_topic_arn" {
  description = "ARN of the KMS-encrypted SNS topic the findings are sent to."
  value       = aws_sns_topic.findings.arn
}

output "findings_topic_policy_json" {
  description = "The findings topic's policy (for tests and review)."
  value       = aws_sns_topic_policy.findings.policy
}

output "event_rule_names" {
  description = "Source (securityhub, guardduty, config) => name of the EventBridge rule sending its findings to the topic."
  value       = { for key, rule in aws_cloudwatch_event_rule.this : key => rule.name }
}
