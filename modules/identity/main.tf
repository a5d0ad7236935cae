################################################################################
# The identity module: permission boundary, SageMaker guardrails and the roles
# of one environment. Files by concern:
#   main.tf        data sources, names, the resources the roles may touch,
#                  the policy_documents map and the input checks
#   guardrails.tf  the SageMaker guardrails policy
#   packages.tf    the CodeArtifact statements and the packages policy
#   boundary.tf    the permission boundary
#   statements.tf  statements shared by several role policies
#   policies.tf    each role's inline policy
#   trust.tf       each role's trust policy
#   roles.tf       the roles (one definition each) and their policy ownership
#   moved.tf       addresses of earlier versions
#
# Every policy is a local object rendered with jsonencode(), so it is known at
# plan time and tests can decode it. The policy expressions use only forms that
# static analysis (checkov) can evaluate: literal action lists, statement
# objects referenced from literal lists, string interpolation, `for` over
# variables and concat(). merge(), conditionals and map lookups by key would
# leave checkov unable to render a policy, and it would then silently skip the
# IAM checks; coalesce(x, y) is therefore written element(compact([x, y]), 0).
# The roles and their inline policies are one resource each, for_each over the
# role definitions (roles.tf): checkov's static scan does not expand a filtered
# for_each, so those documents are checked by the policy gate on each plan
# (checkov over the rendered plan) and by the module tests.
################################################################################

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Service principals and iam:PassedToService values are the same in every
  # partition (they are not built from the DNS suffix).
  sagemaker_service      = "sagemaker.amazonaws.com"
  servicecatalog_service = "servicecatalog.amazonaws.com"
  events_service         = "events.amazonaws.com"
  cloudformation_service = "cloudformation.amazonaws.com"

  iam_arn_prefix       = "arn:${local.partition}:iam::${local.account_id}"
  sagemaker_arn_prefix = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}"
  ec2_arn_prefix       = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"

  # Every ARN is built from names, so all policies are known at plan time.
  boundary_policy_name   = "${var.name_prefix}-permission-boundary"
  guardrails_policy_name = "${var.name_prefix}-sagemaker-guardrails"
  boundary_arn           = "${local.iam_arn_prefix}:policy/${local.boundary_policy_name}"
  guardrails_arn         = "${local.iam_arn_prefix}:policy/${local.guardrails_policy_name}"

  # Statements whose actions support no resource-level permission use
  # Resource "*" and are limited to this environment's region.
  this_region = { StringEquals = { "aws:RequestedRegion" = local.region } }
}

################################################################################
# Resources the roles may touch
################################################################################

locals {
  readable_bucket_arns = concat(var.bucket_arns, var.aws_service_bucket_arns)
  readable_object_arns = [for b in concat(var.bucket_arns, var.aws_service_bucket_arns) : "${b}/*"]
  writable_object_arns = [for b in var.bucket_arns : "${b}/*" if !contains(var.read_only_bucket_arns, b)]
  # The personas write no model artifact (model_artifact_bucket_arns).
  persona_writable_object_arns = [for b in var.bucket_arns : "${b}/*" if !contains(concat(var.read_only_bucket_arns, var.model_artifact_bucket_arns), b)]

  # The logs key is used by CloudWatch Logs through its key policy; no role needs it.
  workload_key_arns = [for purpose in ["data", "ebs", "studio"] : var.kms_key_arns[purpose]]

  sagemaker_log_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/sagemaker/*"
  ssm_path_arns     = [for suffix in ["", "/*"] : "${var.ssm_parameter_arn_prefix}${suffix}"]
  ecr_repo_arns     = "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/*"

  subnet_arns         = [for s in var.subnet_ids : "${local.ec2_arn_prefix}:subnet/${s}"]
  security_group_arns = [for g in var.security_group_ids : "${local.ec2_arn_prefix}:security-group/${g}"]
  eni_arns            = "${local.ec2_arn_prefix}:network-interface/*"
  eni_create_arns     = concat([local.eni_arns], local.subnet_arns, local.security_group_arns)

  cloudformation_stack_arns = [
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/SC-*",
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/${var.name_prefix}-*",
  ]
  events_rule_arns = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name_prefix}-*"
  # Where the deploy-events role may deliver: this environment's API
  # destinations (api-destination/<name>/<id>) and event buses, this account.
  events_api_destination_arns = "arn:${local.partition}:events:${local.region}:${local.account_id}:api-destination/${var.name_prefix}-*"
  events_bus_arns             = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${var.name_prefix}-*"
  iam_read_arns               = ["${local.iam_arn_prefix}:role/*", "${local.iam_arn_prefix}:policy/*"]

  # Every SageMaker resource of this account and region.
  sagemaker_arns = "${local.sagemaker_arn_prefix}:*"

  # Studio resources: the given domain, or any domain of this account/region.
  studio_domain = coalesce(var.studio_domain_id, "*")
  # A literal IAM policy variable, resolved by IAM per request ("$${" escapes "${" in HCL).
  own_user_profile     = "$${aws:PrincipalTag/${var.studio_user_profile_tag_key}}"
  studio_domain_arn    = "${local.sagemaker_arn_prefix}:domain/${local.studio_domain}"
  studio_profiles_arn  = "${local.sagemaker_arn_prefix}:user-profile/${local.studio_domain}/*"
  studio_spaces_arn    = "${local.sagemaker_arn_prefix}:space/${local.studio_domain}/*"
  studio_apps_arn      = "${local.sagemaker_arn_prefix}:app/${local.studio_domain}/*"
  studio_own_profile   = "${local.sagemaker_arn_prefix}:user-profile/${local.studio_domain}/${local.own_user_profile}"
  studio_own_apps_arns = "${local.sagemaker_arn_prefix}:app/${local.studio_domain}/${local.own_user_profile}/*"

  # Boundary: one statement for several services (see ScopedPerService).
  boundary_scoped_arns = [
    local.project_bucket_arns,
    local.sagemaker_log_arn,
    local.ecr_repo_arns,
    local.events_rule_arns,
    local.events_api_destination_arns,
    local.events_bus_arns,
    "${local.ec2_arn_prefix}:*",
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/SC-*",
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/${var.name_prefix}-*",
    "${local.iam_arn_prefix}:role/*",
    "${local.iam_arn_prefix}:policy/*",
  ]

  # Guardrails: every bucket and object a role may touch; everything else is denied.
  allowed_s3_arns = concat(var.bucket_arns, var.aws_service_bucket_arns, local.readable_object_arns, [local.project_bucket_arns])
  # The objects among them (the project pattern covers objects too). Enough for
  # a statement that only object requests can match.
  allowed_s3_object_arns = concat(local.readable_object_arns, [local.project_bucket_arns])

  # Service Catalog copies each product template into a bucket it owns (name
  # not known in advance) and tags the copy servicecatalog:provisioning=true;
  # CloudFormation reads it with the launch role. This object tag is the only
  # exception to the bucket perimeter, and only for s3:GetObject.
  template_copy_statement = {
    Sid       = "ReadServiceCatalogTemplateCopies"
    Effect    = "Allow"
    Action    = "s3:GetObject"
    Resource  = "arn:${local.partition}:s3:::*/*"
    Condition = { StringEquals = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "true" } }
  }
}

################################################################################
# Documents and input checks
################################################################################

locals {
  # Everything the module applies, by name (the policy_documents output): the
  # managed policies, and each role's inline ("<role>") and trust
  # ("<role>-trust") policy, role keys written with hyphens.
  all_documents = merge(
    {
      "permission-boundary"  = jsonencode(local.boundary_policy)
      "sagemaker-guardrails" = jsonencode(local.guardrails_policy)
      "instance-types"       = jsonencode(local.instance_types_policy)
    },
    local.packages_enabled ? { "packages" = jsonencode(local.packages_policy) } : {},
    { for key, role in local.roles : replace(key, "_", "-") => jsonencode(role.policy) },
    { for key, role in local.roles : "${replace(key, "_", "-")}-trust" => jsonencode(role.trust_policy) },
  )
  applied_documents = {
    for name, document in local.all_documents : name => document
    if try(local.create_role[replace(trimsuffix(name, "-trust"), "-", "_")], true)
  }

  # Account and region checks that need the data sources.
  foreign_kms_keys       = [for purpose, arn in var.kms_key_arns : purpose if split(":", arn)[3] != local.region]
  foreign_existing_roles = [for key, arn in var.existing_role_arns : key if arn != null && try(split(":", arn)[4], "") != local.account_id]
  ssm_prefix_is_local    = split(":", var.ssm_parameter_arn_prefix)[3] == local.region && split(":", var.ssm_parameter_arn_prefix)[4] == local.account_id
}
