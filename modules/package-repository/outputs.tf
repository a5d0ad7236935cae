output "domain_name" {
  description = "Name of the CodeArtifact domain (<name_prefix>-packages)."
  value       = aws_codeartifact_domain.this.domain
}

output "domain_owner" {
  description = "Account that owns the domain (GetAuthorizationToken's and GetRepositoryEndpoint's domainOwner)."
  value       = local.account_id
}

output "domain_arn" {
  description = "ARN of the domain (codeartifact:GetAuthorizationToken's resource)."
  value       = aws_codeartifact_domain.this.arn
}

output "repository_name" {
  description = "Name of the repository pip reads from (the curated one; with public_upstream it also serves the public index through its upstream)."
  value       = aws_codeartifact_repository.curated.repository
}

output "repository_arn" {
  description = "ARN of the repository pip reads from (codeartifact:GetRepositoryEndpoint's and ReadFromRepository's resource)."
  value       = aws_codeartifact_repository.curated.arn
}

output "repository_arns" {
  description = "ARNs of every repository of the domain (the curated one first)."
  value       = concat([aws_codeartifact_repository.curated.arn], aws_codeartifact_repository.public[*].arn)
}

output "package_arn_pattern" {
  description = "ARN pattern of the packages of the curated repository (codeartifact:PublishPackageVersion's resource)."
  value       = "${local.arn_prefix}:package/${local.domain_name}/${local.curated_name}/*"
}

output "policy_documents" {
  description = "JSON of the domain's and each repository's permissions policy, by \"domain\", \"curated\" and (with public_upstream) \"public\"."
  value = merge(
    { domain = jsonencode(local.domain_policy), curated = jsonencode(local.curated_policy) },
    var.public_upstream ? { public = jsonencode(local.public_policy) } : {},
  )
}
