################################################################################
# Trust policies
################################################################################

locals {
  sagemaker_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumedBySageMakerOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = local.sagemaker_service }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }

  # Service Catalog (a product's LAUNCH constraint) and CloudFormation (the
  # RoleARN of a SageMaker project's CfnTemplateProvider: "the IAM role that
  # CloudFormation assumes when creating the stack", S3-based templates).
  launch_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumedByServiceCatalogAndCloudFormationOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = [local.servicecatalog_service, local.cloudformation_service] }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }

  # EventBridge rules of this environment (<name_prefix>-*) in this account.
  deploy_events_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumedByEventBridgeRulesOfThisEnvironment"
      Effect    = "Allow"
      Principal = { Service = local.events_service }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = local.events_rule_arns }
      }
    }]
  }

  # A persona session may carry only the Studio user-profile tag, and only with
  # the value the identity provider gave the caller's own session: nobody can
  # name another user's profile (and open it with CreatePresignedDomainUrl).
  persona_tag_session_condition = {
    StringEquals                = { "aws:RequestTag/${var.studio_user_profile_tag_key}" = local.own_user_profile }
    "ForAllValues:StringEquals" = { "aws:TagKeys" = [var.studio_user_profile_tag_key] }
  }

  # The personas' trust policies: the persona's principals (persona_principals)
  # assume it and tag their session with their own Studio user profile. With
  # teams, the data scientist and team lead roles refuse every team user (their
  # team's roles, team_personas.tf, are theirs): on the caller's tag from the
  # identity provider, so an untagged session of a team user is refused too (a
  # session can only be tagged with the caller's own tag, above). A caller
  # without the tag is not refused (a positive operator on an absent key).
  persona_trust_policies = {
    for persona in ["data_science_admin", "team_lead", "data_scientist"] : persona => {
      Version = "2012-10-17"
      Statement = concat([for refused in(persona != "data_science_admin" && length(local.team_users) > 0 ? ["team users"] : []) : {
        Sid       = "DenyTeamUsers"
        Effect    = "Deny"
        Principal = { AWS = var.persona_principals[persona] }
        Action    = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
        Condition = { StringEquals = { "aws:PrincipalTag/${var.studio_user_profile_tag_key}" = local.team_users } }
        }], [
        {
          Sid       = "AssumedByPersonaPrincipals"
          Effect    = "Allow"
          Principal = { AWS = var.persona_principals[persona] }
          Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
        },
        {
          Sid       = "StudioUserProfileTagFromTheIdentityProvider"
          Effect    = "Allow"
          Principal = { AWS = var.persona_principals[persona] }
          Action    = "sts:TagSession"
          Condition = local.persona_tag_session_condition
        },
      ])
    }
  }
}
