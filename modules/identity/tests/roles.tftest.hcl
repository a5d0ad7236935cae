# Which roles are created, what they carry, bring-your-own roles, outputs.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
}

variables {
  name_prefix = "mlops-dev"
  prefix      = "mlops"
  instance_types = {
    studio_apps = ["system", "ml.t3.medium"]
    processing  = ["ml.m5.large"]
    training    = ["ml.m5.large", "ml.m5.xlarge"]
    transform   = ["ml.m5.large"]
    endpoints   = ["ml.t2.medium", "ml.m5.large"]
  }
  bucket_arns = [
    "arn:aws:s3:::mlops-dev-data-111111111111",
    "arn:aws:s3:::mlops-dev-models-111111111111",
  ]
  kms_key_arns = {
    data   = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
    ebs    = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
    studio = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
  }
  ssm_parameter_arn_prefix = "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev"
  subnet_ids               = ["subnet-0123456789abcdef0"]
  security_group_ids       = ["sg-0123456789abcdef0"]
  persona_principals = {
    data_science_admin = ["arn:aws:iam::999999999999:role/admin"]
    team_lead          = ["arn:aws:iam::999999999999:role/team-lead"]
    data_scientist     = ["arn:aws:iam::999999999999:role/data-scientist"]
  }
  tags = {
    Environment = "dev"
  }
}

run "all_roles_created_with_boundary_and_guardrails" {
  command = plan

  assert {
    condition     = keys(output.created_role_names) == ["data_science_admin", "data_scientist", "deploy_events", "launch", "pipeline_execution", "sagemaker_execution", "team_lead"]
    error_message = "With principals for every persona and nothing brought, all seven roles (deploy-events included) must be created."
  }

  assert {
    condition = [
      aws_iam_role.this["data_science_admin"].name, aws_iam_role.this["team_lead"].name, aws_iam_role.this["data_scientist"].name,
      aws_iam_role.this["sagemaker_execution"].name, aws_iam_role.this["pipeline_execution"].name, aws_iam_role.this["launch"].name,
      aws_iam_role.this["deploy_events"].name,
      ] == [
      "mlops-dev-data-science-admin", "mlops-dev-team-lead", "mlops-dev-data-scientist",
      "mlops-dev-sagemaker-execution", "mlops-dev-pipeline-execution", "mlops-dev-launch",
      "mlops-dev-deploy-events",
    ]
    error_message = "Roles must be named <name_prefix>-<role>."
  }

  assert {
    condition = alltrue([
      for r in [aws_iam_role.this["data_science_admin"], aws_iam_role.this["team_lead"], aws_iam_role.this["data_scientist"], aws_iam_role.this["sagemaker_execution"], aws_iam_role.this["pipeline_execution"], aws_iam_role.this["launch"], aws_iam_role.this["deploy_events"]] :
      r.permissions_boundary == "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary" && r.max_session_duration == 3600 && r.tags["Environment"] == "dev"
    ])
    error_message = "Every created role must carry the permission boundary, a one-hour session limit and the tags."
  }

  assert {
    condition = alltrue([
      for a in values(aws_iam_role_policy_attachments_exclusive.this) : a.policy_arns == toset(["arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails", "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"])
    ]) && length(aws_iam_role_policy_attachments_exclusive.this) == 7
    error_message = "Every created role must have the guardrails and the instance-types policies as its only managed policies."
  }

  assert {
    condition     = length(aws_iam_role_policies_exclusive.this) == 7 && alltrue([for p in values(aws_iam_role_policies_exclusive.this) : p.policy_names == toset(["permissions"])])
    error_message = "Every created role must have exactly one inline policy, owned exclusively by Terraform."
  }

  assert {
    condition     = aws_iam_policy.boundary.name == "mlops-dev-permission-boundary" && aws_iam_policy.guardrails.name == "mlops-dev-sagemaker-guardrails"
    error_message = "Managed policies must be named <name_prefix>-permission-boundary and <name_prefix>-sagemaker-guardrails."
  }

  assert {
    condition = jsondecode(aws_iam_role.this["data_scientist"].assume_role_policy).Statement == [
      {
        Sid       = "AssumedByPersonaPrincipals"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::999999999999:role/data-scientist"] }
        Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      },
      {
        Sid       = "StudioUserProfileTagFromTheIdentityProvider"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::999999999999:role/data-scientist"] }
        Action    = "sts:TagSession"
        Condition = {
          StringEquals                = { "aws:RequestTag/studio-user-profile" = "$${aws:PrincipalTag/studio-user-profile}" }
          "ForAllValues:StringEquals" = { "aws:TagKeys" = ["studio-user-profile"] }
        }
      },
    ]
    error_message = "A persona must be assumable only by its listed principals (AssumeRole, SetSourceIdentity), and its session may carry only the Studio user-profile tag with the caller's own value (TagSession)."
  }

  assert {
    condition = alltrue([
      for trust in [aws_iam_role.this["data_science_admin"].assume_role_policy, aws_iam_role.this["team_lead"].assume_role_policy] :
      one([for s in jsondecode(trust).Statement : s if s.Action == "sts:TagSession"]).Condition == one([for s in jsondecode(aws_iam_role.this["data_scientist"].assume_role_policy).Statement : s if s.Action == "sts:TagSession"]).Condition
    ])
    error_message = "Every persona accepts only the caller's own Studio user-profile tag."
  }

  assert {
    condition     = aws_iam_role_policy.this["deploy_events"].policy == output.policy_documents["deploy-events"] && aws_iam_role.this["deploy_events"].assume_role_policy == output.policy_documents["deploy-events-trust"]
    error_message = "policy_documents must hold the deploy-events role's policy and trust policy."
  }

  assert {
    condition     = output.deploy_events_role_arn == "arn:aws:iam::111111111111:role/mlops-dev-deploy-events"
    error_message = "deploy_events_role_arn must name the created <name_prefix>-deploy-events role (known at plan time)."
  }

  assert {
    condition     = aws_iam_role_policy.this["data_scientist"].policy == output.policy_documents["data-scientist"] && aws_iam_policy.boundary.policy == output.policy_documents["permission-boundary"]
    error_message = "policy_documents must hold exactly the documents the resources apply."
  }

  assert {
    condition = output.role_arns == {
      data_science_admin  = "arn:aws:iam::111111111111:role/mlops-dev-data-science-admin"
      team_lead           = "arn:aws:iam::111111111111:role/mlops-dev-team-lead"
      data_scientist      = "arn:aws:iam::111111111111:role/mlops-dev-data-scientist"
      sagemaker_execution = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
      pipeline_execution  = "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"
      launch              = "arn:aws:iam::111111111111:role/mlops-dev-launch"
    }
    error_message = "role_arns must map every role to its ARN."
  }

  assert {
    condition     = output.permission_boundary_arn == "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary" && output.guardrails_policy_arn == "arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails"
    error_message = "The policy ARN outputs must be known at plan time and built from the names."
  }

  assert {
    condition     = output.target_model_execution_role_arns == {}
    error_message = "Without target accounts there are no target model execution roles."
  }
}

run "personas_without_principals_are_not_created" {
  command = plan

  variables {
    persona_principals = {
      data_scientist = ["arn:aws:iam::999999999999:role/data-scientist"]
    }
  }

  assert {
    condition     = !contains(keys(aws_iam_role.this), "data_science_admin") && !contains(keys(aws_iam_role.this), "team_lead") && !contains(keys(aws_iam_role_policy.this), "team_lead") && contains(keys(aws_iam_role.this), "data_scientist")
    error_message = "Personas with an empty principal list must not be created."
  }

  assert {
    condition     = output.role_arns.data_science_admin == null && output.role_arns.team_lead == null && output.role_arns.data_scientist == "arn:aws:iam::111111111111:role/mlops-dev-data-scientist"
    error_message = "role_arns must be null for personas that are neither created nor brought."
  }

  assert {
    condition     = !contains(keys(output.policy_documents), "team-lead") && !contains(keys(output.policy_documents), "team-lead-trust") && contains(keys(output.policy_documents), "data-scientist")
    error_message = "policy_documents must only list documents that are applied."
  }

  assert {
    condition     = keys(aws_iam_role_policy_attachments_exclusive.this) == ["data_scientist", "deploy_events", "launch", "pipeline_execution", "sagemaker_execution"]
    error_message = "Exclusive policy management must cover exactly the created roles."
  }
}

run "brought_roles_are_used_everywhere" {
  command = plan

  variables {
    existing_role_arns = {
      sagemaker_execution = "arn:aws:iam::111111111111:role/platform/legacy-sagemaker-execution"
      launch              = "arn:aws:iam::111111111111:role/legacy-launch"
      team_lead           = "arn:aws:iam::111111111111:role/legacy-team-lead"
    }
  }

  assert {
    condition     = !contains(keys(aws_iam_role.this), "sagemaker_execution") && !contains(keys(aws_iam_role.this), "launch") && !contains(keys(aws_iam_role.this), "team_lead") && contains(keys(aws_iam_role.this), "pipeline_execution")
    error_message = "Brought roles must not be created; the others must."
  }

  assert {
    condition     = output.role_arns.sagemaker_execution == "arn:aws:iam::111111111111:role/platform/legacy-sagemaker-execution" && output.role_arns.launch == "arn:aws:iam::111111111111:role/legacy-launch" && output.role_arns.team_lead == "arn:aws:iam::111111111111:role/legacy-team-lead"
    error_message = "role_arns must return the brought ARNs."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s.Resource if s.Sid == "PassExecutionRolesToSageMaker"]) == ["arn:aws:iam::111111111111:role/platform/legacy-sagemaker-execution", "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"]
    error_message = "PassRole grants must name the brought execution role."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["pipeline-execution"]).Statement : s.Resource if s.Sid == "PassExecutionRoleToSageMaker"]) == "arn:aws:iam::111111111111:role/platform/legacy-sagemaker-execution"
    error_message = "The pipeline role must pass the brought execution role."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "PassRole"]) == [
      "arn:aws:iam::111111111111:role/platform/legacy-sagemaker-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution",
      "arn:aws:iam::111111111111:role/mlops-dev-project-*",
      "arn:aws:iam::111111111111:role/legacy-launch",
      "arn:aws:iam::111111111111:role/mlops-dev-deploy-events",
      "arn:aws:iam::111111111111:role/mlops-dev-*-pipeline*",
    ]
    error_message = "The boundary's PassRole must name the brought execution and launch roles (and the projects' own pipeline and job roles)."
  }

  assert {
    condition     = !contains(keys(output.policy_documents), "sagemaker-execution") && !contains(keys(output.policy_documents), "launch-trust")
    error_message = "Documents of brought roles are not applied and must not be listed."
  }
}

run "studio_domain_and_project_prefix" {
  command = plan

  variables {
    studio_domain_id            = "d-abcdefghij12"
    studio_user_profile_tag_key = "userprofile"
    project_resource_prefix     = "mlops-dev-sc-"
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s.Resource if startswith(s.Sid, "StudioO")] == [
      "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-abcdefghij12/$${aws:PrincipalTag/userprofile}",
      "arn:aws:sagemaker:eu-west-1:111111111111:app/d-abcdefghij12/$${aws:PrincipalTag/userprofile}/*",
    ]
    error_message = "With a domain id, Studio access must be limited to that domain and the caller's own profile."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["data-science-admin"]).Statement : s.Resource if s.Sid == "StudioAdministration"])[0] == "arn:aws:sagemaker:eu-west-1:111111111111:domain/d-abcdefghij12"
    error_message = "With a domain id, Studio administration must be limited to that domain."
  }

  assert {
    condition     = [for s in jsondecode(output.policy_documents["launch"]).Statement : s.Resource if s.Sid == "ProjectBucketPublicAccessBlockFromTemplates"] == ["arn:aws:s3:::mlops-dev-sc-*"] && one([for s in jsondecode(output.policy_documents["launch"]).Statement : s.Resource if s.Sid == "ProjectBuckets"]) == "arn:aws:s3:::mlops-dev-sc-*"
    error_message = "The project resource prefix must scope the launch role's buckets (and their public access block)."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Condition if s.Sid == "DenyGuardedCreatesByProjectRoles"]) == { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111111111111:role/mlops-dev-sc-*" } }
    error_message = "The boundary must deny guarded creates to roles under the project resource prefix."
  }
}

run "target_model_execution_roles" {
  command = plan

  variables {
    target_account_ids = {
      staging = "222222222222"
      prod    = "333333333333"
    }
  }

  assert {
    condition = output.target_model_execution_role_arns == {
      staging = "arn:aws:iam::222222222222:role/mlops-staging-model-execution"
      prod    = "arn:aws:iam::333333333333:role/mlops-prod-model-execution"
    }
    error_message = "Target model execution role ARNs must be arn:<partition>:iam::<account>:role/<prefix>-<stage>-model-execution."
  }
}

run "other_partition" {
  command = plan

  override_data {
    target = data.aws_partition.current
    values = {
      partition  = "aws-cn"
      dns_suffix = "amazonaws.com.cn"
    }
  }

  variables {
    bucket_arns              = ["arn:aws-cn:s3:::mlops-dev-data-111111111111"]
    ssm_parameter_arn_prefix = "arn:aws-cn:ssm:eu-west-1:111111111111:parameter/mlops/dev"
    kms_key_arns = {
      data   = "arn:aws-cn:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
      ebs    = "arn:aws-cn:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
      studio = "arn:aws-cn:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
    }
  }

  assert {
    condition     = output.permission_boundary_arn == "arn:aws-cn:iam::111111111111:policy/mlops-dev-permission-boundary" && output.role_arns.launch == "arn:aws-cn:iam::111111111111:role/mlops-dev-launch"
    error_message = "ARNs must use the partition from aws_partition."
  }

  assert {
    condition     = !strcontains(output.policy_documents["permission-boundary"], "arn:aws:")
    error_message = "No ARN of the aws partition may appear when running in another partition."
  }
}
