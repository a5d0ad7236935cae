# The roles: exact names, trust policies, boundary, owned policies.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
}

variables {
  model_monitor_image_repository_arn = "arn:aws:ecr:eu-west-1:468650794304:repository/sagemaker-model-monitor-analyzer"
  name_prefix                        = "mlops-staging"
  stage                              = "staging"
  endpoint_instance_types            = ["ml.t2.medium", "ml.m5.large"]
  source_account_id                  = "111111111111"
  source_name_prefix                 = "mlops-dev"
  source_models_bucket_arn           = "arn:aws:s3:::mlops-dev-models-111111111111"
  source_data_key_alias_arn          = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"
  vpc_id                             = "vpc-0123456789abcdef0"
  subnet_ids                         = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  security_group_ids                 = ["sg-0cccccccccccccccc"]
  s3_vpc_endpoint_ids                = ["vpce-0dddddddddddddddd"]
  oidc_provider_arn                  = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
  projects = {
    abalone = { repository = { owner = "example-org", name = "abalone-model" } }
    churn   = { repository = { owner = "Other-Org", name = "churn.model" } }
  }
  ssm_parameter_path     = "/mlops/staging"
  kms_administrator_arns = ["arn:aws:iam::222222222222:role/mlops-staging-deploy"]
}

# One plan (same variables) for: model_execution_role_has_the_name_the_source_account_grants,
#   model_execution_role_is_trusted_by_sagemaker_of_this_account_only,
#   deploy_roles_trust_only_their_repository_in_the_stage_environment,
#   every_role_carries_the_hosting_boundary, terraform_owns_the_roles_policies.
run "model_execution_role_has_the_name_the_source_account_grants" {
  command = plan

  # --- model_execution_role_has_the_name_the_source_account_grants
  assert {
    condition     = aws_iam_role.model_execution.name == "mlops-staging-model-execution"
    error_message = "The model execution role must be named <prefix>-<stage>-model-execution: the dev account grants exactly that ARN."
  }

  assert {
    condition     = output.model_execution_role_name == "mlops-staging-model-execution"
    error_message = "The output names the model execution role."
  }

  # --- model_execution_role_is_trusted_by_sagemaker_of_this_account_only
  assert {
    condition = jsondecode(aws_iam_role.model_execution.assume_role_policy).Statement == [{
      Sid       = "AssumedBySageMakerOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = "222222222222" } }
    }]
    error_message = "Only SageMaker, acting for this account (aws:SourceAccount), may assume the model execution role."
  }

  # --- deploy_roles_trust_only_their_repository_in_the_stage_environment
  assert {
    condition     = { for p, r in aws_iam_role.deploy : p => r.name } == { abalone = "mlops-staging-abalone-deploy", churn = "mlops-staging-churn-deploy" }
    error_message = "One deploy role per project, named <name_prefix>-<project>-deploy."
  }

  assert {
    condition = jsondecode(aws_iam_role.deploy["abalone"].assume_role_policy).Statement == [{
      Sid       = "GitHubActionsProjectEnvironment"
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = "repo:example-org/abalone-model:environment:staging"
        }
      }
    }]
    error_message = "The abalone deploy role must trust only the account's GitHub OIDC provider, with aud sts.amazonaws.com and sub pinned (StringEquals) to its repository's staging environment."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy["churn"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:Other-Org/churn.model:environment:staging"
    error_message = "Each deploy role trusts its own repository, with GitHub's letter case."
  }

  assert {
    condition     = alltrue([for r in aws_iam_role.deploy : keys(jsondecode(r.assume_role_policy).Statement[0].Condition) == ["StringEquals"] && length(jsondecode(r.assume_role_policy).Statement) == 1])
    error_message = "Deploy role trust policies have one statement and compare aud/sub with StringEquals only (no StringLike, no wildcards)."
  }

  # --- every_role_carries_the_hosting_boundary
  assert {
    condition     = aws_iam_policy.boundary.name == "mlops-staging-hosting-boundary"
    error_message = "The boundary is the customer-managed policy <name_prefix>-hosting-boundary."
  }

  assert {
    condition = alltrue(concat(
      [aws_iam_role.model_execution.permissions_boundary == "arn:aws:iam::222222222222:policy/mlops-staging-hosting-boundary"],
      [for r in aws_iam_role.deploy : r.permissions_boundary == "arn:aws:iam::222222222222:policy/mlops-staging-hosting-boundary"],
    ))
    error_message = "The model execution role and every deploy role carry the hosting boundary."
  }

  assert {
    condition     = alltrue(concat([aws_iam_role.model_execution.max_session_duration == 3600], [for r in aws_iam_role.deploy : r.max_session_duration == 3600]))
    error_message = "Sessions last at most one hour."
  }

  # --- terraform_owns_the_roles_policies
  assert {
    condition     = keys(aws_iam_role_policies_exclusive.this) == ["abalone", "churn", "model_execution", "model_monitor"] && alltrue([for p in aws_iam_role_policies_exclusive.this : p.policy_names == toset(["permissions"])])
    error_message = "Each role's only inline policy is \"permissions\"."
  }

  assert {
    condition     = length(aws_iam_role_policy_attachments_exclusive.model_execution.policy_arns) == 0
    error_message = "The model execution role has no managed policy attached."
  }

  assert {
    condition     = alltrue([for a in aws_iam_role_policy_attachments_exclusive.deploy : a.policy_arns == toset(["arn:aws:iam::222222222222:policy/mlops-staging-project-deploy", "arn:aws:iam::222222222222:policy/mlops-staging-realtime-deploy"])])
    error_message = "The shared deploy policy and the realtime one are each (realtime) deploy role's only managed policies."
  }
}

run "prod_stage" {
  command = plan

  variables {
    name_prefix        = "mlops-prod"
    stage              = "prod"
    ssm_parameter_path = "/mlops/prod"
    projects           = { abalone = { repository = { owner = "example-org", name = "abalone-model" } } }
  }

  assert {
    condition     = aws_iam_role.model_execution.name == "mlops-prod-model-execution"
    error_message = "In prod the model execution role is mlops-prod-model-execution."
  }

  assert {
    condition     = jsondecode(aws_iam_role.deploy["abalone"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/abalone-model:environment:prod"
    error_message = "In prod the deploy role trusts the repository's prod environment only."
  }
}

run "no_projects_no_deploy_roles" {
  command = plan

  variables {
    projects = {}
  }

  assert {
    condition     = length(aws_iam_role.deploy) == 0 && length(aws_iam_role_policy.deploy) == 0 && keys(aws_iam_role_policies_exclusive.this) == ["model_execution", "model_monitor"]
    error_message = "Without projects only the model execution and monitoring roles exist."
  }
}
