output "domain_id" {
  description = "Id of the Studio domain (d-xxxxxxxxxxxx), e.g. for modules/identity's studio_domain_id."
  value       = aws_sagemaker_domain.this.id
}

output "domain_arn" {
  description = "ARN of the Studio domain."
  value       = aws_sagemaker_domain.this.arn
}

output "domain_name" {
  description = "Name of the Studio domain, <name_prefix>-studio."
  value       = aws_sagemaker_domain.this.domain_name
}

output "domain_url" {
  description = "URL of the domain. Users open Studio through a presigned URL (CreatePresignedDomainUrl), which their persona role may request for their own profile only."
  value       = aws_sagemaker_domain.this.url
}

output "home_efs_file_system_id" {
  description = "Id of the EFS file system SageMaker created for the users' home directories. With home_efs_retention = \"Retain\" it outlives the domain."
  value       = aws_sagemaker_domain.this.home_efs_file_system_id
}

output "lifecycle_config_arn" {
  description = "ARN of the JupyterLab lifecycle configuration that writes the SageMaker Python SDK defaults (attached to the domain and its shared spaces as default)."
  value       = local.jupyterlab_lifecycle_config_arn
}

output "lifecycle_config_arns" {
  description = "ARN of each lifecycle configuration by Studio app type: JupyterLab and CodeEditor (same script)."
  value       = { for k, app_type in local.lifecycle_app_types : app_type => aws_sagemaker_studio_lifecycle_config.sdk_defaults[k].arn }
}

output "sdk_config_yaml" {
  description = "The SageMaker Python SDK defaults file (config.yaml) the lifecycle configuration writes, for review and for tools that run the SDK outside Studio (SAGEMAKER_USER_CONFIG_OVERRIDE)."
  value       = local.sdk_config_yaml
}

output "user_profile_arns" {
  description = "ARN of each user profile, by user profile name."
  value       = { for name, profile in aws_sagemaker_user_profile.this : name => profile.arn }
}

output "user_profile_execution_role_arns" {
  description = "Execution role ARN of each user profile (its team's or its own role when given, else its persona's), by user profile name."
  value       = { for name, profile in var.user_profiles : name => aws_sagemaker_user_profile.this[name].user_settings[0].execution_role }
}

output "security_group_ids" {
  description = "Security groups of the domain, its users' apps and (through the SDK defaults) their jobs. SageMaker additionally creates security-group-for-inbound-nfs-<domain id> and security-group-for-outbound-nfs-<domain id> for the home EFS."
  value       = var.security_group_ids
}

output "subnet_ids" {
  description = "Subnets of the domain's apps and (through the SDK defaults) their jobs."
  value       = var.subnet_ids
}

output "projects_enabled" {
  description = "True if this module enables SageMaker projects in the account and region (enable_projects)."
  value       = length(aws_sagemaker_servicecatalog_portfolio_status.this) == 1
}

output "ssm_parameter_names" {
  description = "Full SSM parameter name of each contract entry, by entry (e.g. \"studio/domain-id\" => \"/mlops/dev/studio/domain-id\"). studio/user-profiles is absent when there are no user profiles."
  value       = { for k, p in aws_ssm_parameter.contract : k => p.name }
}
