output "vpc_id" {
  description = "VPC of the environment."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "Private subnets, one per AZ."
  value       = module.network.private_subnet_ids
}

output "sagemaker_security_group_id" {
  description = "Security group for Studio, jobs and endpoints."
  value       = module.network.sagemaker_security_group_id
}

output "key_arns" {
  description = "Customer-managed keys by purpose (data, ebs, studio, logs)."
  value       = module.kms.key_arns
}

output "buckets" {
  description = "Bucket names by purpose."
  value = {
    data        = module.storage.data_bucket_name
    models      = module.storage.models_bucket_name
    access_logs = module.storage.access_log_bucket_name
  }
}

output "ssm_parameters" {
  description = "Names of the SSM contract parameters."
  value       = sort([for p in aws_ssm_parameter.contract : p.name])
}
