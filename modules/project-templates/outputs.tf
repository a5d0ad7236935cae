output "portfolio_id" {
  description = "Id of the Service Catalog portfolio <name_prefix>-sagemaker-projects (for reviews); null with template_distribution = \"s3\"."
  value       = one(aws_servicecatalog_portfolio.this[*].id)
}

output "portfolio_arn" {
  description = "ARN of the portfolio; null with template_distribution = \"s3\"."
  value       = one(aws_servicecatalog_portfolio.this[*].arn)
}

output "product_ids" {
  description = "Product key => Service Catalog product id."
  value       = { for product, p in aws_servicecatalog_product.this : product => p.id }
}

output "provisioning_artifact_ids" {
  description = "Product key => version name => provisioning artifact id. The initial version's id is read back with the aws_servicecatalog_provisioning_artifacts data source (null until the product exists)."
  value = {
    for product, p in var.products : product => merge(
      { (p.versions[0].name) = try(local.initial_artifact[product].id, null) },
      { for k, a in aws_servicecatalog_provisioning_artifact.this : local.versions[k].name => a.provisioning_artifact_id if local.versions[k].product == product },
    )
  }
}

output "initial_versions_to_deprecate" {
  description = "Product key => { version, product_id, provisioning_artifact_id } of initial versions that newer versions replace but whose guidance is still DEFAULT. The product resource cannot set the guidance of its initial artifact: deprecate these once by hand (see the README); Terraform never resets it. Empty when nothing is to do."
  value = {
    for product, p in var.products : product => {
      version                  = p.versions[0].name
      product_id               = aws_servicecatalog_product.this[product].id
      provisioning_artifact_id = try(local.initial_artifact[product].id, null)
    } if !local.s3_distribution && length(p.versions) > 1 && try(local.initial_artifact[product].guidance, "DEFAULT") != "DEPRECATED"
  }
}

output "current_versions" {
  description = "Product key => name of the current (latest, DEFAULT guidance) version that new projects use."
  value       = { for product, p in var.products : product => p.versions[length(p.versions) - 1].name }
}

output "template_bucket_name" {
  description = "Name of the template bucket (<name_prefix>-sc-templates-<account id>)."
  value       = module.template_bucket.bucket_name
}

output "template_bucket_arn" {
  description = "ARN of the template bucket."
  value       = module.template_bucket.bucket_arn
}

output "template_urls" {
  description = "Product key => version name => HTTPS URL of the template object (<product>/<version>/<first 16 hex digits of the sha256>.yaml) that the version was published from."
  value = {
    for product, p in var.products : product => {
      for v in p.versions : v.name => local.template_urls["${product}/${v.name}"]
    }
  }
}

output "template_object_kms_key_ids" {
  description = "\"<product>/<version>\" => KMS key the template object is encrypted with (for tests and review)."
  value       = { for k, o in aws_s3_object.template : k => o.kms_key_id }
}

output "template_distribution" {
  description = "How Studio offers the templates: \"s3\" (objects under templates_location) or \"service_catalog\" (the portfolio)."
  value       = var.template_distribution
}

output "templates_location" {
  description = "s3://<template bucket>/templates/ with template_distribution = \"s3\" (the value of the Studio domain's sagemaker:projectS3TemplatesLocation tag), else null."
  value       = local.s3_distribution ? local.templates_location : null
}

output "current_template_urls" {
  description = "Product key => HTTPS URL of its current (latest) version's template: the TemplateURL of CreateProject's CfnTemplateProvider. Only these objects carry sagemaker:studio-visibility = true (S3 distribution)."
  value       = { for product, p in var.products : product => local.template_urls["${product}/${p.versions[length(p.versions) - 1].name}"] }
}

output "approval_event_bus_arn" {
  description = "ARN of the event bus <name_prefix>-model-approvals that the approval rules of template-launched projects deliver to (published in the SSM contract by the platform stack)."
  value       = aws_cloudwatch_event_bus.approvals.arn
}

output "approval_event_bus_name" {
  description = "Name of that event bus."
  value       = aws_cloudwatch_event_bus.approvals.name
}
