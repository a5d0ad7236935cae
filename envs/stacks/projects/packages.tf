# The environment's package repository (foundation, env.yaml packages), read from the SSM contract
# where the foundation stack published it (/<prefix>/<env>/packages/*; nothing there without
# packages.enabled): each project's CI role reads it to resolve the pipeline jobs' packages
# (modules/mlops-project packages.tf).

data "aws_ssm_parameters_by_path" "packages" {
  count = length(var.projects) > 0 ? 1 : 0
  path  = "${local.ssm_prefix}/packages"
}

locals {
  # name => value (plain String identifiers; the provider marks every value sensitive).
  package_entries = merge({}, [for found in data.aws_ssm_parameters_by_path.packages : zipmap(found.names, nonsensitive(found.values))]...)
  package_repositories = [for domain_arn in compact([lookup(local.package_entries, "${local.ssm_prefix}/packages/domain-arn", "")]) : {
    domain_arn     = domain_arn
    repository_arn = local.package_entries["${local.ssm_prefix}/packages/repository-arn"]
  }]
}
