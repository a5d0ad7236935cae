################################################################################
# Data-science teams (var.teams): an execution role per team, or per user
#
# One Studio domain per environment; each team's user profiles run as the
# team's role (per_team: <name_prefix>-team-<team>-execution) or as one role
# per user (per_user: <name_prefix>-team-<team>-user-<user>). A team role is
# the platform's SageMaker execution role (sagemaker_execution_policy: Studio,
# jobs, logs, images, VPC, keys) with the environment-wide parts replaced by
# the team's:
# - S3: only the team's data prefixes and its projects' prefixes (<project>/)
#   of the data bucket, and its projects' prefixes of the models bucket, read
#   only (the projects' pipeline job roles write models);
# - registry: an explicit deny of every model package group and package but
#   its projects' <name_prefix>-<project> (a deny, because the execution role's
#   SageMakerRead allows sagemaker:Describe* on every resource);
# - iam:PassRole of its own role only (the shared execution roles reach every
#   team's data);
# - attribute-based: the role carries tag team = <team>; a SageMaker resource
#   tagged with another team (the other teams' user profiles) is denied to it.
# Boundary, guardrails, instance-types and packages policies as every role of the module.
# Without teams nothing here exists and no other document changes.
################################################################################

locals {
  team_tag_key = "team"

  # Role key => team, role name and the users that run as it.
  team_roles = merge(
    {},
    [
      for team, settings in var.teams : settings.execution_role == "per_team"
      ? { (team) = { team = team, name = "${var.name_prefix}-team-${team}-execution", users = keys(settings.users) } }
      : { for user in keys(settings.users) : "${team}/${user}" => { team = team, name = "${var.name_prefix}-team-${team}-user-${user}", users = [user] } }
    ]...
  )

  # What the boundary lets the team roles pass (each passes only itself, by its own policy): one
  # pattern for every team, and none without teams (the boundary is close to IAM's size limit).
  team_role_patterns = [for any in slice(keys(var.teams), 0, min(1, length(var.teams))) : "${local.iam_arn_prefix}:role/${var.name_prefix}-team-*"]

  team_data_bucket_arn   = try(var.team_bucket_arns.data, "")
  team_models_bucket_arn = try(var.team_bucket_arns.models, "")

  # The execution role's statements a team role does not get: the whole buckets and the shared roles.
  team_replaced_sids = ["S3ListEnvironmentBuckets", "S3ReadEnvironmentObjects", "S3WriteEnvironmentObjects", "PassExecutionRolesToSageMaker"]
  team_common_statements = [
    for statement in local.sagemaker_execution_policy.Statement : statement
    if !contains(local.team_replaced_sids, statement.Sid)
  ]

  team_registry_actions = [
    "sagemaker:BatchDescribeModelPackage",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreateModelPackageGroup",
    "sagemaker:DescribeModelPackage",
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:GetModelPackageGroupPolicy",
    "sagemaker:UpdateModelPackage",
  ]

  team_statements = {
    for team, settings in var.teams : team => concat(
      [
        {
          Sid       = "ListTeamDataPrefixes"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = local.team_data_bucket_arn
          Condition = { StringLike = { "s3:prefix" = concat([for p in settings.data_prefixes : "${p}*"], [for p in settings.projects : "${p}/*"]) } }
        },
        {
          Sid      = "BucketLocations"
          Effect   = "Allow"
          Action   = "s3:GetBucketLocation"
          Resource = concat([local.team_data_bucket_arn, local.team_models_bucket_arn], var.aws_service_bucket_arns)
        },
        {
          Sid    = "ReadTeamObjects"
          Effect = "Allow"
          Action = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"]
          Resource = concat(
            [for p in settings.data_prefixes : "${local.team_data_bucket_arn}/${p}*"],
            [for p in settings.projects : "${local.team_data_bucket_arn}/${p}/*"],
            [for p in settings.projects : "${local.team_models_bucket_arn}/${p}/*"],
            [for b in var.aws_service_bucket_arns : "${b}/*"],
          )
        },
        {
          Sid    = "WriteTeamData"
          Effect = "Allow"
          Action = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
          Resource = concat(
            [for p in settings.data_prefixes : "${local.team_data_bucket_arn}/${p}*"],
            [for p in settings.projects : "${local.team_data_bucket_arn}/${p}/*"],
          )
        },
        {
          Sid      = "DenyOtherTeamsTaggedResources"
          Effect   = "Deny"
          Action   = "sagemaker:*"
          Resource = "*"
          Condition = {
            StringNotEquals = { "aws:ResourceTag/${local.team_tag_key}" = team }
            Null            = { "aws:ResourceTag/${local.team_tag_key}" = "false" }
          }
        },
      ],
      # Models of the team's projects (written by the projects' pipeline job roles), and no
      # registry but theirs; a team without projects reaches no model and no registry.
      [for none in(length(settings.projects) == 0 ? ["no project"] : []) : {
        Sid      = "DenyEveryModelRegistry"
        Effect   = "Deny"
        Action   = local.team_registry_actions
        Resource = "*"
      }],
      [for some in(length(settings.projects) > 0 ? ["projects"] : []) : {
        Sid       = "ListTeamProjectModels"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = local.team_models_bucket_arn
        Condition = { StringLike = { "s3:prefix" = [for p in settings.projects : "${p}/*"] } }
      }],
      [for some in(length(settings.projects) > 0 ? ["projects"] : []) : {
        Sid    = "DenyOtherTeamsModelRegistries"
        Effect = "Deny"
        Action = local.team_registry_actions
        NotResource = concat(
          [for p in settings.projects : "${local.sagemaker_arn_prefix}:model-package-group/${var.name_prefix}-${p}"],
          [for p in settings.projects : "${local.sagemaker_arn_prefix}:model-package/${var.name_prefix}-${p}/*"],
        )
      }],
    )
  }

  team_policies = {
    for key, role in local.team_roles : key => {
      Version = "2012-10-17"
      Statement = concat(local.team_common_statements, local.team_statements[role.team], [
        {
          Sid       = "PassOwnRoleToSageMaker"
          Effect    = "Allow"
          Action    = "iam:PassRole"
          Resource  = "${local.iam_arn_prefix}:role/${role.name}"
          Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
        },
      ])
    }
  }
}

# Every role of the teams, one set of resources: the execution roles above (keys "<team>" and
# "<team>/<user>") and the persona roles of team_personas.tf (keys "<team>/<persona>"; a user name
# has no "_", so the keys never meet). Policies are rendered here, so every element has one type.
locals {
  team_iam_roles = merge(
    {
      for key, role in local.team_roles : key => {
        name        = role.name
        team        = role.team
        description = "SageMaker execution role of team ${role.team} of ${var.name_prefix} (Studio user profiles ${join(", ", role.users)}): its data prefixes, its projects' data, models and model package groups only."
        trust       = jsonencode(local.sagemaker_trust_policy)
        policy      = jsonencode(local.team_policies[key])
      }
    },
    {
      for key, role in local.team_personas : key => {
        name        = role.name
        team        = role.team
        description = "${title(replace(role.persona, "_", " "))} of team ${role.team} of ${var.name_prefix} (Studio user profiles ${join(", ", role.users)}): the team's data prefixes, its projects' data, models and model package groups only."
        trust       = jsonencode(local.team_persona_trust_policies[key])
        policy      = jsonencode(local.team_persona_policies[key])
      }
    },
  )

  team_managed_policy_arns = concat([local.guardrails_arn, local.instance_types_arn], local.packages_enabled ? [local.packages_policy_arn] : [])
}

resource "aws_iam_role" "team" {
  for_each = local.team_iam_roles

  name                  = each.value.name
  description           = each.value.description
  assume_role_policy    = each.value.trust
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = each.value.name, (local.team_tag_key) = each.value.team })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails, aws_iam_policy.instance_types, aws_iam_policy.packages]

  lifecycle {
    precondition {
      condition     = var.team_bucket_arns != null
      error_message = "team_bucket_arns (the data and models buckets) is required with teams."
    }
    precondition {
      condition     = length(each.value.trust) <= 2048
      error_message = "The trust policy of ${each.value.name} is ${length(each.value.trust)} characters; IAM allows 2048 by default. Give the teams fewer or shorter user names."
    }
  }
}

resource "aws_iam_role_policy" "team" {
  for_each = local.team_iam_roles

  name   = "permissions"
  role   = aws_iam_role.team[each.key].name
  policy = each.value.policy

  lifecycle {
    precondition {
      condition     = length(each.value.policy) <= 10240
      error_message = "The rendered policy of ${each.value.name} is ${length(each.value.policy)} characters; IAM allows 10240 for a role's inline policies. Give the team fewer data prefixes or projects."
    }
  }
}

resource "aws_iam_role_policies_exclusive" "team" {
  for_each = local.team_iam_roles

  role_name    = each.value.name
  policy_names = ["permissions"]

  depends_on = [aws_iam_role_policy.team]
}

resource "aws_iam_role_policy_attachments_exclusive" "team" {
  for_each = local.team_iam_roles

  role_name   = each.value.name
  policy_arns = local.team_managed_policy_arns

  depends_on = [aws_iam_policy.guardrails, aws_iam_policy.instance_types, aws_iam_policy.packages, aws_iam_role.team]
}
