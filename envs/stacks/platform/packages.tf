# The environment's package repository (foundation, env.yaml packages), read from the SSM contract:
# Studio's lifecycle configuration points pip at it with the user's own token (modules/sagemaker-studio).

variable "packages_enabled" {
  description = "Whether the environment has a package repository (env.yaml packages.enabled): the foundation stack then publishes /<prefix>/<env>/packages/* in the SSM contract."
  type        = bool
  default     = false
  nullable    = false
}

data "aws_ssm_parameter" "packages" {
  for_each = toset(var.packages_enabled ? ["packages/domain", "packages/domain-owner", "packages/domain-arn", "packages/repository"] : [])
  name     = "${local.ssm_prefix}/${each.key}"
}

locals {
  package_contract = { for key, p in data.aws_ssm_parameter.packages : key => nonsensitive(p.value) }
  package_index = var.packages_enabled ? {
    domain       = local.package_contract["packages/domain"]
    domain_owner = local.package_contract["packages/domain-owner"]
    repository   = local.package_contract["packages/repository"]
    region       = split(":", local.package_contract["packages/domain-arn"])[3]
  } : null
}
