# GitHub Actions OIDC for one account/environment: the account's OIDC provider, a read-only plan
# role for pull requests, an apply role for one GitHub environment, and a CI permissions boundary
# on both roles. Files by concern:
#   main.tf        data sources, names (modules/ci-role-names), resource scopes, input checks
#   trust.tf       the OIDC provider, the token subjects and the roles' trust policies
#   statements.tf  every statement of the roles' policies
#   policies.tf    the roles' inline policy documents, composed from the statements
#   boundary.tf    the CI permissions boundary
#   roles.tf       the two roles and their three inline policies (one resource each, for_each)
#   moved.tf       addresses of earlier versions
#
# Every policy is a literal object rendered with jsonencode(): known at plan time (tests decode
# it), reviewable in the plan, and simple enough for checkov to evaluate (no for expressions or
# list functions inside policy documents, which checkov can not render). The roles' for_each maps
# are written out in the resources, which checkov expands, so it evaluates each document.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  dns_suffix = data.aws_partition.current.dns_suffix

  iam_arn  = "arn:${local.partition}:iam::${local.account_id}"
  regional = "${local.region}:${local.account_id}"

  # --- Names and scopes -----------------------------------------------------------------------

  # The roles' names follow the platform's one rule (modules/ci-role-names).
  plan_role_name   = module.ci_role_names.plan_role_name
  apply_role_name  = module.ci_role_names.apply_role_name
  ci_boundary_name = "${var.name_prefix}-ci-boundary"

  # Known before the resources exist, so the boundary can name the roles and itself.
  plan_role_arn   = module.ci_role_names.plan_role_arn
  apply_role_arn  = module.ci_role_names.apply_role_arn
  ci_boundary_arn = "${local.iam_arn}:policy/${local.ci_boundary_name}"

  prefix_roles    = "${local.iam_arn}:role/${var.name_prefix}-*"
  prefix_policies = "${local.iam_arn}:policy/${var.name_prefix}-*"
  prefix_buckets  = "arn:${local.partition}:s3:::${var.name_prefix}-*"
  prefix_tables   = "arn:${local.partition}:dynamodb:${local.regional}:table/${var.name_prefix}-*"
  prefix_aliases  = "arn:${local.partition}:kms:${local.regional}:alias/${var.name_prefix}-*"
  all_keys        = "arn:${local.partition}:kms:${local.regional}:key/*"
  log_groups      = "arn:${local.partition}:logs:${local.regional}:log-group:/${var.name_prefix}/*"
  parameter_path  = "arn:${local.partition}:ssm:${local.regional}:parameter${var.ssm_parameter_prefix}"
  rules           = "arn:${local.partition}:events:${local.regional}:rule/${var.name_prefix}-*"
  # The platform's own event buses (the project templates' approval bus).
  buses           = "arn:${local.partition}:events:${local.regional}:event-bus/${var.name_prefix}-*"
  prefix_queues   = "arn:${local.partition}:sqs:${local.regional}:${var.name_prefix}-*"
  package_groups  = "arn:${local.partition}:sagemaker:${local.regional}:model-package-group/${var.name_prefix}-*"
  portfolios      = "arn:${local.partition}:catalog:${local.regional}:portfolio/*"
  products        = "arn:${local.partition}:catalog:${local.regional}:product/*"
  named_sagemaker = "arn:${local.partition}:sagemaker:${local.regional}:*/${var.name_prefix}-*"
  domains         = "arn:${local.partition}:sagemaker:${local.regional}:domain/*"
  user_profiles   = "arn:${local.partition}:sagemaker:${local.regional}:user-profile/*"
  # The environment's CodeArtifact domain (<p>-packages), its repositories and packages.
  package_domains = "arn:${local.partition}:codeartifact:${local.regional}:*/${var.name_prefix}-*"
  # The apply role's managed policy for them (packages.tf), protected like the roles.
  ci_packages_policy_name = "${var.name_prefix}-ci-packages"
  ci_packages_policy_arn  = "${local.iam_arn}:policy/${local.ci_packages_policy_name}"

  # Bare variable references inside policy documents go through locals: checkov's renderer
  # gives up on a document that uses var.x both bare and inside "${...}".
  state_bucket = var.state_bucket_arn
  # Without objects to read besides state, the statement names the state objects (no empty Resource).
  plan_readable_objects = length(var.plan_readable_object_arns) > 0 ? var.plan_readable_object_arns : ["${var.state_bucket_arn}/*"]
  lock_table            = var.lock_table_arn
  state_key             = var.state_key_arn
  # The guardrails (never an empty condition: the CI boundary, never attached to a role, stands in).
  protected_policies = length(var.protected_policy_arns) > 0 ? var.protected_policy_arns : [local.ci_boundary_arn]
  allowed_boundaries = concat([var.workload_boundary_policy_arn], var.additional_boundary_policy_arns)

  # The state key is used only through S3 (state, lockfile) and DynamoDB (lock table) of its
  # own region.
  state_key_region = split(":", var.state_key_arn)[3]

  # Statements on Resource "*" whose actions do have a region carry this condition.
  in_region = { StringEquals = { "aws:RequestedRegion" = local.region } }

  # --- Checks ---------------------------------------------------------------------------------

  foreign_arns = [
    for arn in concat(
      [var.state_key_arn, var.lock_table_arn, var.workload_boundary_policy_arn],
      var.additional_boundary_policy_arns,
      var.create_oidc_provider ? [] : [var.existing_oidc_provider_arn],
      var.protected_role_arns,
      var.protected_policy_arns,
    ) : arn if split(":", arn)[4] != local.account_id
  ]

  # The CI roles and boundaries are always protected; listing them again would duplicate ARNs.
  redundant_protected_arns = [
    for arn in concat(var.protected_role_arns, var.protected_policy_arns) : arn
    if contains(concat([local.plan_role_arn, local.apply_role_arn, local.ci_boundary_arn], local.allowed_boundaries), arn)
  ]
}

module "ci_role_names" {
  source = "../ci-role-names"

  name_prefix = var.name_prefix
  partition   = local.partition
  account_id  = local.account_id
}
