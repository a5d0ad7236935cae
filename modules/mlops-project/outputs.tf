output "model_package_group_name" {
  description = "Name of the project's model package group, <name_prefix>-<project_name>."
  value       = local.model_package_group
}

output "model_package_group_arn" {
  description = "ARN of the project's model package group."
  value       = local.model_package_group_arn
}

output "artifact_bucket_name" {
  description = "Name of the project's artifact bucket, <name_prefix>-<project_name>-artifacts-<account> (available once its encryption, versioning, policy and public-access block are in place)."
  value       = module.artifact_bucket.bucket_name
}

output "artifact_bucket_arn" {
  description = "ARN of the project's artifact bucket."
  value       = module.artifact_bucket.bucket_arn
}

output "ci_role_arn" {
  description = "ARN of the CI role the project repository's build workflow assumes (role-to-assume of aws-actions/configure-aws-credentials)."
  value       = aws_iam_role.ci.arn
}

output "ci_role_name" {
  description = "Name of the CI role, <name_prefix>-<project_name>-ci."
  value       = aws_iam_role.ci.name
}

output "ci_oidc_subject" {
  description = "The one OIDC sub claim the CI role trusts: repo:<owner>/<repo>:environment:<github_environment_build>."
  value       = local.ci_subject
}

output "pipeline_name" {
  description = "Name of the SageMaker pipeline the CI role may create, update and start, <name_prefix>-<project_name>-build."
  value       = local.pipeline_name
}

output "approval_rule_arn" {
  description = "ARN of the EventBridge rule that matches Approved/Rejected decisions on the project's model packages."
  value       = aws_cloudwatch_event_rule.approval.arn
}

output "api_destination_arn" {
  description = "ARN of the API destination (POST https://api.github.com/repos/<owner>/<repo>/dispatches)."
  value       = aws_cloudwatch_event_api_destination.dispatch.arn
}

output "connection_name" {
  description = "Name of the EventBridge connection whose API key the operator sets out of band (README, \"Setting the GitHub token\")."
  value       = aws_cloudwatch_event_connection.github.name
}

output "connection_arn" {
  description = "ARN of the EventBridge connection to GitHub."
  value       = aws_cloudwatch_event_connection.github.arn
}

output "connection_secret_arn" {
  description = "ARN of the Secrets Manager secret EventBridge keeps the connection's authorization in (encrypted with the project's events key). Terraform never reads its value."
  value       = aws_cloudwatch_event_connection.github.secret_arn
}

output "events_key_arn" {
  description = "ARN of the project's KMS key for the dead-letter queue and the connection secret (tagged EventBridgeApiDestinations = true); pass it as --kms-key-identifier when setting the token."
  value       = aws_kms_key.events.arn
}

output "events_role_arn" {
  description = "ARN of the role EventBridge assumes to invoke the API destination."
  value       = aws_iam_role.events.arn
}

output "dead_letter_queue_url" {
  description = "URL of the SQS queue that receives approval events EventBridge could not deliver to GitHub."
  value       = aws_sqs_queue.dead_letters.id
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue."
  value       = aws_sqs_queue.dead_letters.arn
}

output "dispatch_event_type" {
  description = "The repository_dispatch event_type sent for every decision: the project's deploy workflow listens for `repository_dispatch: types: [<this>]`."
  value       = local.dispatch_event_type
}

output "ssm_parameter_names" {
  description = "Map entry => SSM parameter name of the project's entries under <ssm_prefix>/projects/<project_name>/ (model-package-group, artifact-bucket, ci-role-arn, pipeline-name, pipeline-execution-role-arn, job-role-arn)."
  value       = { for key, parameter in aws_ssm_parameter.project : key => parameter.name }
}

output "policy_documents" {
  description = "Every policy document the module applies, as JSON (for review and tests): group, ci_trust, ci, events_trust, events, dead_letter_queue, events_key, job_roles_trust (pipeline and job roles), pipeline, job, pipeline_events (the pipeline-events topic), pipeline_events_key (its key)."
  value = {
    group               = jsonencode(local.group_policy)
    ci_trust            = jsonencode(local.ci_trust_policy)
    ci                  = jsonencode(local.ci_policy)
    events_trust        = jsonencode(local.events_trust_policy)
    events              = jsonencode(local.events_policy)
    dead_letter_queue   = jsonencode(local.dead_letter_queue_policy)
    events_key          = jsonencode(local.events_key_policy)
    job_roles_trust     = jsonencode(local.job_roles_trust_policy)
    pipeline            = jsonencode(local.pipeline_role_policy)
    job                 = jsonencode(local.job_role_policy)
    pipeline_events     = jsonencode(local.pipeline_events_topic_policy)
    pipeline_events_key = jsonencode(local.pipeline_events_key_policy)
  }
}

output "pipeline_role_arn" {
  description = "ARN of the project's pipeline execution role, <name_prefix>-<project_name>-pipeline: the only role the CI role may pass (to SageMaker); SSM entry pipeline-execution-role-arn."
  value       = aws_iam_role.pipeline.arn
}

output "job_role_arn" {
  description = "ARN of the project's job role, <name_prefix>-<project_name>-pipeline-jobs: the only role the pipeline role may pass (to SageMaker); SSM entry job-role-arn."
  value       = aws_iam_role.job.arn
}

output "pipeline_events_topic_arn" {
  description = "ARN of the project's pipeline-events topic <name_prefix>-<project_name>-pipeline-events (encrypted with its own key, alias/<name_prefix>-<project_name>-pipeline-events): a message for every execution of the project's pipeline that ends Failed or Stopped. Only the pipeline-events rule may publish; the projects stack subscribes env.yaml's notify emails."
  value       = aws_sns_topic.pipeline_events.arn
}

output "pipeline_events_rule_arn" {
  description = "ARN of the EventBridge rule that matches the Failed and Stopped executions of the project's pipeline and publishes them to the pipeline-events topic."
  value       = aws_cloudwatch_event_rule.pipeline_events.arn
}
