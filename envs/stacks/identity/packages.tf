# The environment's package repository (foundation, env.yaml packages), read from the SSM contract:
# the execution role reads it, the data science administrator publishes to it, and every role
# carries the packages policy (modules/identity packages.tf).

variable "packages_enabled" {
  description = "Whether the environment has a package repository (env.yaml packages.enabled): the foundation stack then publishes /<prefix>/<env>/packages/* in the SSM contract."
  type        = bool
  default     = false
  nullable    = false
}

data "aws_ssm_parameter" "packages" {
  for_each = toset(var.packages_enabled ? ["packages/domain-arn", "packages/repository-arn", "packages/package-arn-pattern"] : [])
  name     = "${local.ssm_prefix}/${each.key}"
}

locals {
  package_repositories = [for enabled in [var.packages_enabled] : {
    domain_arn          = nonsensitive(data.aws_ssm_parameter.packages["packages/domain-arn"].value)
    repository_arn      = nonsensitive(data.aws_ssm_parameter.packages["packages/repository-arn"].value)
    package_arn_pattern = nonsensitive(data.aws_ssm_parameter.packages["packages/package-arn-pattern"].value)
  } if enabled]
}
