################################################################################
# Team personas (var.teams): the roles a team's humans assume
#
# For each team and each persona its users have among data_scientist and
# team_lead (and that has principals), a role <name_prefix>-team-<team>-data-scientist
# or <name_prefix>-team-<team>-team-lead:
# - trust: the persona's principals (persona_principals), and only for a
#   session tagged <studio_user_profile_tag_key> = one of the team's users with
#   that persona, equal to the caller's own tag from the identity provider
#   (sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity, all three on the
#   same condition): an untagged session, another team's user or a user of
#   another persona is refused;
# - permissions: the persona's policy (data_scientist_policy, team_lead_policy)
#   with the environment-wide S3 statements and the PassRole of the shared
#   execution roles replaced by the team's statements of teams.tf
#   (team_statements: its prefixes, its projects' data and models, no registry
#   but its projects', SageMaker resources of other teams denied), PassRole of
#   the team's execution role only (per_user: the caller's own, named by its
#   session tag) and, for the team lead, approval of its projects' model
#   packages only;
# - boundary, guardrails, instance-types and packages policies as every role.
# The environment-wide data scientist and team lead roles refuse every team
# user (trust.tf, DenyTeamUsers), so a team user reaches data only through the
# team's roles. A team user with persona data_science_admin keeps the
# environment's administrator role: administration (the Studio domain, every
# user profile, the package repository) is environment-wide by nature, so there
# is no team administrator. The names fit IAM's 64 characters with the
# orchestrator's names (<prefix>-<env> at most 21, a team at most 20); the
# boundary's role/<name_prefix>-team-* pattern covers them (it does not grow).
################################################################################

locals {
  team_persona_kinds = ["data_scientist", "team_lead"]

  # "<team>/<persona>" => team, persona, role name and the team's users with that persona.
  team_personas = merge({}, [
    for team, settings in var.teams : {
      for persona in local.team_persona_kinds : "${team}/${persona}" => {
        team    = team
        persona = persona
        name    = "${var.name_prefix}-team-${team}-${replace(persona, "_", "-")}"
        users   = sort([for user, p in settings.users : user if p == persona])
      } if contains(values(settings.users), persona) && length(var.persona_principals[persona]) > 0
    }
  ]...)

  # The users of every team: refused the environment-wide data scientist and team lead roles.
  team_users = sort(flatten([for settings in values(var.teams) : keys(settings.users)]))

  team_persona_trust_policies = {
    for key, role in local.team_personas : key => {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "AssumedByTheTeamsUsersOfThePersona"
        Effect    = "Allow"
        Principal = { AWS = var.persona_principals[role.persona] }
        Action    = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
        Condition = {
          StringEquals                = { "aws:RequestTag/${var.studio_user_profile_tag_key}" = role.users }
          StringLike                  = { "aws:RequestTag/${var.studio_user_profile_tag_key}" = local.own_user_profile }
          "ForAllValues:StringEquals" = { "aws:TagKeys" = [var.studio_user_profile_tag_key] }
        }
      }]
    }
  }

  # The persona statements a team persona does not get: the environment's buckets and shared roles.
  team_persona_replaced_sids = ["S3ListEnvironmentBuckets", "S3ReadEnvironmentObjects", "S3WriteEnvironmentObjectsExceptModelArtifacts", "PassExecutionRolesToSageMaker", "ModelApproval"]
  team_persona_base_statements = {
    data_scientist = [for s in local.data_scientist_policy.Statement : s if !contains(local.team_persona_replaced_sids, s.Sid)]
    team_lead      = [for s in local.team_lead_policy.Statement : s if !contains(local.team_persona_replaced_sids, s.Sid)]
  }

  # The team's execution roles: its role (per_team) or the caller's own (per_user, by session tag).
  team_execution_role_arns = {
    for team, settings in var.teams : team => settings.execution_role == "per_team"
    ? "${local.iam_arn_prefix}:role/${var.name_prefix}-team-${team}-execution"
    : "${local.iam_arn_prefix}:role/${var.name_prefix}-team-${team}-user-${local.own_user_profile}"
  }

  team_persona_policies = {
    for key, role in local.team_personas : key => {
      Version = "2012-10-17"
      Statement = concat(
        local.team_persona_base_statements[role.persona],
        local.team_statements[role.team],
        [{
          Sid       = "PassTeamExecutionRoleToSageMaker"
          Effect    = "Allow"
          Action    = "iam:PassRole"
          Resource  = local.team_execution_role_arns[role.team]
          Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
        }],
        # The team lead approves its projects' model packages only (a team without projects: none).
        [for lead in(role.persona == "team_lead" && length(var.teams[role.team].projects) > 0 ? ["team lead"] : []) : {
          Sid      = "ModelApprovalOfTeamProjects"
          Effect   = "Allow"
          Action   = "sagemaker:UpdateModelPackage"
          Resource = [for p in var.teams[role.team].projects : "${local.sagemaker_arn_prefix}:model-package/${var.name_prefix}-${p}/*"]
        }],
      )
    }
  }
}

# The roles, their policies and attachments are teams.tf's (aws_iam_role.team and its companions,
# keys "<team>/<persona>").
