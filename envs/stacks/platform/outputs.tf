output "studio_domain_id" {
  description = "SageMaker Studio domain id."
  value       = module.studio.domain_id
}

output "studio_domain_url" {
  description = "Studio URL (open it through CreatePresignedDomainUrl with a persona role)."
  value       = module.studio.domain_url
}

output "studio_home_efs_file_system_id" {
  description = "The domain's home EFS: with Retain it (and its mount targets and NFS security groups) outlives the domain; `python -m orchestrator cleanup-studio` removes them."
  value       = module.studio.home_efs_file_system_id
}

output "studio_user_profiles" {
  description = "User profile ARNs by user name."
  value       = module.studio.user_profile_arns
}

output "portfolio_id" {
  description = "Service Catalog portfolio of the SageMaker project templates (null with the S3 distribution)."
  value       = module.project_templates.portfolio_id
}

output "product_ids" {
  description = "Product ids by template."
  value       = module.project_templates.product_ids
}

output "project_templates_location" {
  description = "s3://<template bucket>/templates/: the Studio domain's sagemaker:projectS3TemplatesLocation."
  value       = module.project_templates.templates_location
}

output "project_template_urls" {
  description = "Product => TemplateURL of its current version (CreateProject CfnTemplateProvider)."
  value       = module.project_templates.current_template_urls
}
