output "vpc_id" {
  description = "VPC of the environment."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ (the endpoints' subnets)."
  value       = module.network.private_subnet_ids
}

output "sagemaker_security_group_id" {
  description = "Security group of the endpoints."
  value       = module.network.sagemaker_security_group_id
}

output "key_arns" {
  description = "Customer-managed keys by purpose (logs, endpoint)."
  value       = merge(module.kms.key_arns, module.model_hosting.key_arns)
}

output "buckets" {
  description = "Bucket names by purpose."
  value = {
    data_capture = module.model_hosting.data_capture_bucket_name
    access_logs  = module.model_hosting.access_log_bucket_name
  }
}

output "model_execution_role_arn" {
  description = "The model execution role (<prefix>-<environment>-model-execution)."
  value       = module.model_hosting.model_execution_role_arn
}

output "deploy_role_arns" {
  description = "Project => its deploy role ARN."
  value       = module.model_hosting.deploy_role_arns
}

output "permission_boundary_arn" {
  description = "The hosting boundary every role of the stack's model hosting carries."
  value       = module.model_hosting.permission_boundary_arn
}

output "ssm_parameters" {
  description = "Names of the SSM contract parameters."
  value       = sort([for p in aws_ssm_parameter.contract : p.name])
}

output "alerts_topic_arn" {
  description = "The alerts topic (<prefix>-<environment>-model-alerts): endpoint alarms, endpoint state changes, deployment results."
  value       = module.model_hosting.alerts_topic_arn
}
