output "model_execution_role_arn" {
  description = "ARN of the model execution role <name_prefix>-model-execution (pass it as ExecutionRoleArn of CreateModel)."
  value       = aws_iam_role.model_execution.arn
}

output "model_execution_role_name" {
  description = "Name of the model execution role (<name_prefix>-model-execution, the name the source account grants)."
  value       = aws_iam_role.model_execution.name
}

output "deploy_role_arns" {
  description = "Project name => ARN of its deploy role <name_prefix>-<project>-deploy."
  value       = { for project, role in aws_iam_role.deploy : project => role.arn }
}

output "permission_boundary_arn" {
  description = "ARN of the hosting permission boundary <name_prefix>-hosting-boundary carried by every role of this module."
  value       = aws_iam_policy.boundary.arn
}

output "endpoint_key_arn" {
  description = "ARN of the endpoint key (endpoint configurations' KmsKeyId and data capture KmsKeyId; the deploy roles may create endpoint configurations with this key only)."
  value       = module.kms.key_arns.endpoint
}

output "key_arns" {
  description = "Purpose => KMS key ARN (endpoint)."
  value       = module.kms.key_arns
}

output "key_policies" {
  description = "Purpose => rendered key policy JSON (for review and tests)."
  value       = module.kms.key_policies
}

output "data_capture_bucket_name" {
  description = "Name of the data-capture bucket <name_prefix>-data-capture-<account> (DataCaptureConfig DestinationS3Uri s3://<name>/<endpoint>/)."
  value       = module.data_capture.bucket_name
}

output "access_log_bucket_name" {
  description = "Name of the bucket receiving the data-capture bucket's S3 server access logs."
  value       = module.access_logs.bucket_name
}

output "bucket_arns" {
  description = "ARNs of the data-capture, access-log and (with batch projects) batch buckets, built from names (known at plan time, no dependency on the buckets), e.g. for an S3 gateway endpoint policy."
  value       = concat([local.data_capture_bucket_arn, local.access_log_bucket_arn], length(local.batch_projects) > 0 ? [local.batch_bucket_arn] : [])
}

output "bucket_policies" {
  description = "Bucket => rendered bucket policy JSON (data_capture, access_logs; for review and tests)."
  value = {
    data_capture = module.data_capture.policy_json
    access_logs  = module.access_logs.policy_json
  }
}

output "policies" {
  description = "Rendered policy JSON for review and tests: boundary, model_execution (inline), deploy_common (managed, shared by the deploy roles), realtime_deploy (managed, shared by the realtime projects' deploy roles)."
  value = {
    boundary        = aws_iam_policy.boundary.policy
    model_execution = aws_iam_role_policy.model_execution.policy
    deploy_common   = aws_iam_policy.deploy_common.policy
    realtime_deploy = jsonencode(local.realtime_deploy_policy)
  }
}

output "deploy_role_policies" {
  description = "Project => rendered JSON of its deploy role's inline (project-scoped) policy."
  value       = { for project, p in aws_iam_role_policy.deploy : project => p.policy }
}

output "deploy_trust_policies" {
  description = "Project => rendered JSON of its deploy role's trust policy."
  value       = { for project, r in aws_iam_role.deploy : project => r.assume_role_policy }
}

output "alerts_topic_arn" {
  description = "ARN of the alerts topic <name_prefix>-model-alerts (KMS-encrypted with the notifications key): endpoint alarms, endpoint state changes and deployment results."
  value       = aws_sns_topic.alerts.arn
}

output "model_monitor_role_arn" {
  description = "ARN of the monitoring role <name_prefix>-model-monitor (RoleArn of the baseline processing jobs and data-quality job definitions)."
  value       = aws_iam_role.model_monitor.arn
}

output "monitor_policy" {
  description = "Rendered JSON of the monitoring role's inline policy (for review and tests)."
  value       = aws_iam_role_policy.model_monitor.policy
}

output "alerts_topic_policy" {
  description = "Rendered JSON of the alerts topic's policy (for review and tests)."
  value       = aws_sns_topic_policy.alerts.policy
}

output "batch_bucket_name" {
  description = "Name of the batch bucket <name_prefix>-batch-<account> (inputs under <project>/input/, predictions under <project>/output/; SSE-KMS with the endpoint key); null without batch projects."
  value       = length(local.batch_projects) > 0 ? module.batch_bucket[0].bucket_name : null
}

output "batch_pipeline_role_arns" {
  description = "Batch project => ARN of its pipeline role <name_prefix>-<project>-batch (the RoleArn of its pipeline <name_prefix>-<project>-batch)."
  value       = { for project, role in aws_iam_role.batch_pipeline : project => role.arn }
}

output "batch_schedule_arns" {
  description = "Batch project => ARN of its EventBridge Scheduler schedule <name_prefix>-<project>-batch (group <name_prefix>-batch)."
  value       = { for project, schedule in aws_scheduler_schedule.batch : project => schedule.arn }
}

output "batch_policies" {
  description = "Rendered JSON of the batch policies (for review and tests): batch_data (model execution role), guardrails (batch pipeline roles); empty without batch projects."
  value = length(local.batch_projects) > 0 ? {
    batch_data = aws_iam_policy.batch_data[0].policy
    guardrails = aws_iam_policy.batch_guardrails[0].policy
  } : {}
}
