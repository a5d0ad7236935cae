# The environment's internet-free package index (env.yaml packages): a CodeArtifact domain encrypted
# with the data key, its curated repository (and the public upstream where allowed), reached through
# the codeartifact.api and codeartifact.repositories interface endpoints (added to the network's
# endpoints by the orchestrator, both with private DNS). Later stacks read it from the SSM contract.

variable "packages" {
  description = "The package repository from env.yaml packages: enabled, public_upstream (an upstream repository connected to PyPI), publisher_role_arns (who may publish to the curated repository: the data science administrator persona's role and the deploy role) and asset_bucket_arn (CodeArtifact's asset bucket of the region, read through the S3 gateway endpoint; null when disabled)."
  type = object({
    enabled             = bool
    public_upstream     = bool
    publisher_role_arns = list(string)
    asset_bucket_arn    = optional(string)
  })
  default  = { enabled = false, public_upstream = false, publisher_role_arns = [] }
  nullable = false

  validation {
    condition     = var.packages.enabled || !var.packages.public_upstream
    error_message = "packages.public_upstream needs packages.enabled."
  }

  validation {
    condition     = var.packages.asset_bucket_arn == null || can(regex("^arn:aws[a-z-]*:s3:::assets-[0-9]{12}-[a-z0-9-]+$", var.packages.asset_bucket_arn))
    error_message = "packages.asset_bucket_arn must be CodeArtifact's asset bucket arn:<partition>:s3:::assets-<account>-<region>; got ${jsonencode(var.packages.asset_bucket_arn)}."
  }
}

module "package_repository" {
  source = "../../../modules/package-repository"
  count  = var.packages.enabled ? 1 : 0

  name_prefix        = local.name_prefix
  encryption_key_arn = module.kms.key_arns["data"]
  public_upstream    = var.packages.public_upstream
  # Tokens and reads: the environment's roles only (their own policies say which may).
  reader_role_arn_patterns = [local.environment_roles]
  publisher_role_arns      = var.packages.publisher_role_arns
}

locals {
  # CodeArtifact's asset bucket of the region (orchestrator/config/aws_rules.py), read-only through
  # the S3 gateway endpoint.
  package_asset_buckets = var.packages.asset_bucket_arn == null ? [] : [var.packages.asset_bucket_arn]

  package_contract = merge([for repository in module.package_repository : {
    "packages/domain"              = repository.domain_name
    "packages/domain-owner"        = repository.domain_owner
    "packages/domain-arn"          = repository.domain_arn
    "packages/repository"          = repository.repository_name
    "packages/repository-arn"      = repository.repository_arn
    "packages/package-arn-pattern" = repository.package_arn_pattern
  }]...)
}

resource "aws_ssm_parameter" "packages" {
  # checkov:skip=CKV2_AWS_34: Names and ARNs of the package repository, not secrets (no token ever passes through Terraform); every platform role must read them without a decrypt grant.
  for_each = local.package_contract

  name        = "${local.ssm_prefix}/${each.key}"
  description = "Platform contract of ${local.name_prefix}: ${each.key}"
  type        = "String"
  value       = each.value
}
