################################################################################
# Roles: created here or brought by the caller
################################################################################

locals {
  role_names = {
    data_science_admin  = "${var.name_prefix}-data-science-admin"
    team_lead           = "${var.name_prefix}-team-lead"
    data_scientist      = "${var.name_prefix}-data-scientist"
    sagemaker_execution = "${var.name_prefix}-sagemaker-execution"
    pipeline_execution  = "${var.name_prefix}-pipeline-execution"
    launch              = "${var.name_prefix}-launch"
    deploy_events       = "${var.name_prefix}-deploy-events"
  }

  # A persona is created when someone may assume it and no role was brought;
  # the execution and launch roles are created unless brought.
  create_role = {
    data_science_admin  = var.existing_role_arns.data_science_admin == null && length(var.persona_principals.data_science_admin) > 0
    team_lead           = var.existing_role_arns.team_lead == null && length(var.persona_principals.team_lead) > 0
    data_scientist      = var.existing_role_arns.data_scientist == null && length(var.persona_principals.data_scientist) > 0
    sagemaker_execution = var.existing_role_arns.sagemaker_execution == null
    pipeline_execution  = var.existing_role_arns.pipeline_execution == null
    launch              = var.existing_role_arns.launch == null
    # Always created: its name is reserved (project_resource_prefix may not cover it) and
    # the launch role may pass it, and only it, to EventBridge.
    deploy_events = true
  }
  created_roles = { for key, name in local.role_names : key => name if local.create_role[key] }

  # The brought ARN, else the ARN of the role created here (coalesce).
  data_science_admin_arn  = element(compact([var.existing_role_arns.data_science_admin, "${local.iam_arn_prefix}:role/${var.name_prefix}-data-science-admin"]), 0)
  team_lead_arn           = element(compact([var.existing_role_arns.team_lead, "${local.iam_arn_prefix}:role/${var.name_prefix}-team-lead"]), 0)
  data_scientist_arn      = element(compact([var.existing_role_arns.data_scientist, "${local.iam_arn_prefix}:role/${var.name_prefix}-data-scientist"]), 0)
  sagemaker_execution_arn = element(compact([var.existing_role_arns.sagemaker_execution, "${local.iam_arn_prefix}:role/${var.name_prefix}-sagemaker-execution"]), 0)
  pipeline_execution_arn  = element(compact([var.existing_role_arns.pipeline_execution, "${local.iam_arn_prefix}:role/${var.name_prefix}-pipeline-execution"]), 0)
  launch_arn              = element(compact([var.existing_role_arns.launch, "${local.iam_arn_prefix}:role/${var.name_prefix}-launch"]), 0)

  # The role EventBridge uses to deliver a project's approval events to the
  # deployment target (the model-deploy template's DeployEventTargetRoleArn).
  # Created below (aws_iam_role.this["deploy_events"]): the launch role may pass it,
  # and only it, to EventBridge.
  deploy_events_role_arn = "${local.iam_arn_prefix}:role/${var.name_prefix}-deploy-events"

  # Roles and buckets that project templates (the launch role) may create.
  project_resource_prefix = coalesce(var.project_resource_prefix, "${var.name_prefix}-project-")
  project_role_arns       = "${local.iam_arn_prefix}:role/${local.project_resource_prefix}*"
  project_bucket_arns     = "arn:${local.partition}:s3:::${local.project_resource_prefix}*"
  # The pipeline and job roles of each project of the projects stack (modules/mlops-project:
  # <name_prefix>-<project>-pipeline and <name_prefix>-<project>-pipeline-jobs), one pattern for
  # both: only the project's CI role may pass its pipeline role, only that one its job role.
  project_pipeline_role_arns = "${local.iam_arn_prefix}:role/${var.name_prefix}-*-pipeline*"

  # Every role this module can create, once: its description, trust policy
  # (trust.tf) and inline policy (policies.tf).
  roles = {
    data_science_admin = {
      description  = "Data science administrator of ${var.name_prefix}: Studio domain, user profiles and spaces, Service Catalog portfolios, read-only IAM."
      trust_policy = local.persona_trust_policies.data_science_admin
      policy       = local.data_science_admin_policy
    }
    team_lead = {
      description  = "Team lead of ${var.name_prefix}: data scientist permissions plus model approval and endpoints."
      trust_policy = local.persona_trust_policies.team_lead
      policy       = local.team_lead_policy
    }
    data_scientist = {
      description  = "Data scientist of ${var.name_prefix}: Studio, training, processing, pipelines, experiments, model registration."
      trust_policy = local.persona_trust_policies.data_scientist
      policy       = local.data_scientist_policy
    }
    sagemaker_execution = {
      description  = "SageMaker execution role of ${var.name_prefix}: Studio apps, notebooks, training and processing jobs."
      trust_policy = local.sagemaker_trust_policy
      policy       = local.sagemaker_execution_policy
    }
    pipeline_execution = {
      description  = "SageMaker Pipelines execution role of ${var.name_prefix}."
      trust_policy = local.sagemaker_trust_policy
      policy       = local.pipeline_execution_policy
    }
    launch = {
      description  = "Service Catalog launch role of ${var.name_prefix} for SageMaker project templates."
      trust_policy = local.launch_trust_policy
      policy       = local.launch_policy
    }
    deploy_events = {
      description  = "EventBridge delivery of SageMaker project approval events of ${var.name_prefix}: API destinations and event buses ${var.name_prefix}-* only."
      trust_policy = local.deploy_events_trust_policy
      policy       = local.deploy_events_policy
    }
  }
  created_role_definitions = { for key, role in local.roles : key => role if local.create_role[key] }
}

################################################################################
# The created roles and their inline policies
################################################################################

resource "aws_iam_role" "this" {
  for_each = local.created_role_definitions

  name                  = local.role_names[each.key]
  description           = each.value.description
  assume_role_policy    = jsonencode(each.value.trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names[each.key] })

  # The boundary ARN is built from its name; the policy must exist first. The guardrails policy
  # is attached by the exclusive-attachments resource: depending on it here makes destroy delete
  # the role (detaching its policies) before the policy, which IAM refuses to delete while attached.
  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails, aws_iam_policy.instance_types, aws_iam_policy.packages]

  lifecycle {
    precondition {
      condition     = length(jsonencode(each.value.trust_policy)) <= 2048
      error_message = "The trust policy of ${local.role_names[each.key]} is ${length(jsonencode(each.value.trust_policy))} characters; IAM allows 2048 by default. With teams, the data scientist's and team lead's trust policies name every team user (DenyTeamUsers): give the teams fewer or shorter user names."
    }
  }
}

resource "aws_iam_role_policy" "this" {
  for_each = local.created_role_definitions

  name   = "permissions"
  role   = aws_iam_role.this[each.key].name
  policy = jsonencode(each.value.policy)
}

################################################################################
# Exclusive policy management of the created roles
################################################################################

# Terraform owns each created role's policies: inline policies or managed
# policy attachments added outside Terraform are removed on the next apply.
# The only managed policies of every created role are the guardrails, the
# instance-types and (with a package repository) the packages policies.
resource "aws_iam_role_policies_exclusive" "this" {
  for_each = local.created_roles

  role_name    = each.value
  policy_names = ["permissions"]

  depends_on = [aws_iam_role_policy.this]
}

resource "aws_iam_role_policy_attachments_exclusive" "this" {
  for_each = local.created_roles

  role_name   = each.value
  policy_arns = concat([local.guardrails_arn, local.instance_types_arn], local.packages_enabled ? [local.packages_policy_arn] : [])

  depends_on = [aws_iam_policy.guardrails, aws_iam_policy.instance_types, aws_iam_policy.packages, aws_iam_role.this]
}
