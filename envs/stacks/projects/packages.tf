# The environment's package repository (foundation, env.yaml packages), read from the SSM contract:
# each project's CI role reads it to resolve the pipeline jobs' packages (modules/mlops-project
# packages.tf).

variable "packages_enabled" {
  description = "Whether the environment has a package repository (env.yaml packages.enabled): the foundation stack then publishes /<prefix>/<env>/packages/* in the SSM contract."
  type        = bool
  default     = false
  nullable    = false
}

data "aws_ssm_parameter" "packages" {
  for_each = toset(var.packages_enabled && length(var.projects) > 0 ? ["packages/domain-arn", "packages/repository-arn"] : [])
  name     = "${local.ssm_prefix}/${each.key}"
}

locals {
  package_repositories = [for enabled in [length(data.aws_ssm_parameter.packages) > 0] : {
    domain_arn     = nonsensitive(data.aws_ssm_parameter.packages["packages/domain-arn"].value)
    repository_arn = nonsensitive(data.aws_ssm_parameter.packages["packages/repository-arn"].value)
  } if enabled]
}
