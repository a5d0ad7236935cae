output "enabled" {
  description = "Whether the environment has the detective controls."
  value       = var.detective_controls.enabled
}

output "trail_arn" {
  description = "The CloudTrail trail (null when disabled)."
  value       = one(module.detective_controls[*].trail_arn)
}

output "audit_bucket_name" {
  description = "The audit bucket of the trail and AWS Config (null when disabled)."
  value       = one(module.detective_controls[*].audit_bucket_name)
}

output "findings_topic_arn" {
  description = "The encrypted SNS topic of the security findings (null when disabled)."
  value       = one(module.detective_controls[*].findings_topic_arn)
}

output "guardduty_detector_id" {
  description = "The GuardDuty detector (null when disabled)."
  value       = one(module.detective_controls[*].guardduty_detector_id)
}

output "config_rule_names" {
  description = "Managed rule identifier => AWS Config rule name (empty when disabled)."
  value       = try(module.detective_controls[0].config_rule_names, {})
}
