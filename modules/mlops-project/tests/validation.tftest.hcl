# Every input validation and every precondition rejects what it must (expect_failures).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111", arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy", user_id = "AROAEXAMPLEEXAMPLE" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
}

variables {
  name_prefix                 = "mlops-dev"
  prefix                      = "mlops"
  project_name                = "churn"
  repository                  = { owner = "example-org", name = "churn-model" }
  oidc_provider_arn           = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  target_accounts             = { staging = "222222222222", prod = "333333333333" }
  kms_key_arn                 = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  access_log_bucket_name      = "mlops-dev-access-logs-111111111111"
  models_bucket_name          = "mlops-dev-models-111111111111"
  allowed_vpc_endpoint_ids    = ["vpce-0123456789abcdef0"]
  permissions_boundary_arn    = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
  pipeline_execution_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"
  ssm_prefix                  = "/mlops/dev"
  key_administrator_arns      = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = aws_iam_role.ci.name == "mlops-dev-churn-ci"
    error_message = "The shared inputs of this file must be valid."
  }
}

run "longest_names_fit" {
  command = plan

  variables {
    name_prefix  = "mlops-development-env"
    project_name = "customer-churn-pre"
  }

  assert {
    condition     = length(module.artifact_bucket.bucket_name) == 63
    error_message = "39 characters of name_prefix and project_name give a 63-character bucket name."
  }
}

run "project_name_uppercase" {
  command = plan

  variables {
    project_name = "Churn"
  }

  expect_failures = [var.project_name]
}

run "project_name_one_character" {
  command = plan

  variables {
    project_name = "c"
  }

  expect_failures = [var.project_name]
}

run "project_name_33_characters" {
  command = plan

  variables {
    project_name = "abcdefghijklmnopqrstuvwxyz0123456"
    name_prefix  = "ml-d"
    prefix       = "ml"
  }

  expect_failures = [var.project_name]
}

run "project_name_underscore" {
  command = plan

  variables {
    project_name = "churn_model"
  }

  expect_failures = [var.project_name]
}

run "project_name_leading_digit" {
  command = plan

  variables {
    project_name = "1churn"
  }

  expect_failures = [var.project_name]
}

run "project_name_trailing_hyphen" {
  command = plan

  variables {
    project_name = "churn-"
  }

  expect_failures = [var.project_name]
}

run "project_name_double_hyphen" {
  command = plan

  variables {
    project_name = "churn--model"
  }

  expect_failures = [var.project_name]
}

run "project_name_wildcard" {
  command = plan

  variables {
    project_name = "churn*"
  }

  expect_failures = [var.project_name]
}

run "project_name_too_long_for_name_prefix" {
  command = plan

  variables {
    name_prefix  = "mlops-development-env"
    project_name = "customer-churn-pred"
  }

  expect_failures = [var.project_name]
}

run "name_prefix_uppercase" {
  command = plan

  variables {
    name_prefix = "MLOps-dev"
  }

  expect_failures = [var.name_prefix]
}

run "prefix_not_a_prefix_of_name_prefix" {
  command = plan

  variables {
    prefix = "platform"
  }

  expect_failures = [var.prefix]
}

run "repository_owner_wildcard" {
  command = plan

  variables {
    repository = { owner = "example-*", name = "churn-model" }
  }

  expect_failures = [var.repository]
}

run "repository_name_wildcard" {
  command = plan

  variables {
    repository = { owner = "example-org", name = "*" }
  }

  expect_failures = [var.repository]
}

run "repository_name_with_slash" {
  command = plan

  variables {
    repository = { owner = "example-org", name = "churn/model" }
  }

  expect_failures = [var.repository]
}

run "repository_name_with_colon" {
  command = plan

  variables {
    repository = { owner = "example-org", name = "x:pull_request" }
  }

  expect_failures = [var.repository]
}

run "repository_owner_empty" {
  command = plan

  variables {
    repository = { owner = "", name = "churn-model" }
  }

  expect_failures = [var.repository]
}

run "repository_dot_dot" {
  command = plan

  variables {
    repository = { owner = "example-org", name = ".." }
  }

  expect_failures = [var.repository]
}

run "github_environment_wildcard" {
  command = plan

  variables {
    github_environment_build = "build*"
  }

  expect_failures = [var.github_environment_build]
}

run "github_environment_colon" {
  command = plan

  variables {
    github_environment_build = "build:ref"
  }

  expect_failures = [var.github_environment_build]
}

run "github_environment_empty" {
  command = plan

  variables {
    github_environment_build = ""
  }

  expect_failures = [var.github_environment_build]
}

run "oidc_provider_other_issuer" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/gitlab.com"
  }

  expect_failures = [var.oidc_provider_arn]
}

run "oidc_provider_wildcard" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/*"
  }

  expect_failures = [var.oidc_provider_arn]
}

run "target_accounts_empty" {
  command = plan

  variables {
    target_accounts = {}
  }

  expect_failures = [var.target_accounts]
}

run "target_account_not_twelve_digits" {
  command = plan

  variables {
    target_accounts = { staging = "22222222222" }
  }

  expect_failures = [var.target_accounts]
}

run "target_stage_uppercase" {
  command = plan

  variables {
    target_accounts = { Staging = "222222222222" }
  }

  expect_failures = [var.target_accounts]
}

run "target_account_is_this_account" {
  command = plan

  variables {
    target_accounts = { staging = "222222222222", prod = "111111111111" }
  }

  expect_failures = [aws_sagemaker_model_package_group_policy.this]
}

run "target_role_suffix_wildcard" {
  command = plan

  variables {
    target_role_suffixes = ["model-*"]
  }

  expect_failures = [var.target_role_suffixes]
}

run "target_role_suffixes_empty" {
  command = plan

  variables {
    target_role_suffixes = []
  }

  expect_failures = [var.target_role_suffixes]
}

run "target_role_suffixes_duplicate" {
  command = plan

  variables {
    target_role_suffixes = ["model-deploy", "model-deploy"]
  }

  expect_failures = [var.target_role_suffixes]
}

run "kms_key_alias" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"
  }

  expect_failures = [var.kms_key_arn]
}

run "access_log_bucket_uppercase" {
  command = plan

  variables {
    access_log_bucket_name = "Logs"
  }

  expect_failures = [var.access_log_bucket_name]
}

run "models_bucket_with_a_path" {
  command = plan

  variables {
    models_bucket_name = "mlops-dev-models-111111111111/other"
  }

  expect_failures = [var.models_bucket_name]
}

run "vpc_endpoints_empty" {
  command = plan

  variables {
    allowed_vpc_endpoint_ids = []
  }

  expect_failures = [var.allowed_vpc_endpoint_ids]
}

run "vpc_endpoint_malformed" {
  command = plan

  variables {
    allowed_vpc_endpoint_ids = ["vpc-0123"]
  }

  expect_failures = [var.allowed_vpc_endpoint_ids]
}

run "vpce_exempt_wildcard" {
  command = plan

  variables {
    vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/mlops-dev-*"]
  }

  expect_failures = [var.vpce_exempt_principal_arns]
}

run "boundary_aws_managed" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
  }

  expect_failures = [var.permissions_boundary_arn]
}

run "boundary_wildcard" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::111111111111:policy/*"
  }

  expect_failures = [var.permissions_boundary_arn]
}

run "pipeline_role_wildcard" {
  command = plan

  variables {
    pipeline_execution_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-*"
  }

  expect_failures = [var.pipeline_execution_role_arn]
}

run "pipeline_role_is_policy" {
  command = plan

  variables {
    pipeline_execution_role_arn = "arn:aws:iam::111111111111:policy/mlops-dev-pipeline-execution"
  }

  expect_failures = [var.pipeline_execution_role_arn]
}

run "ssm_prefix_trailing_slash" {
  command = plan

  variables {
    ssm_prefix = "/mlops/dev/"
  }

  expect_failures = [var.ssm_prefix]
}

run "ssm_prefix_relative" {
  command = plan

  variables {
    ssm_prefix = "mlops/dev"
  }

  expect_failures = [var.ssm_prefix]
}

run "ssm_prefix_reserved" {
  command = plan

  variables {
    ssm_prefix = "/aws/dev"
  }

  expect_failures = [var.ssm_prefix]
}

run "key_administrators_empty" {
  command = plan

  variables {
    key_administrator_arns = []
  }

  expect_failures = [var.key_administrator_arns]
}

run "key_administrator_wildcard" {
  command = plan

  variables {
    key_administrator_arns = ["arn:aws:iam::111111111111:role/*"]
  }

  expect_failures = [var.key_administrator_arns]
}

run "key_deletion_window_too_short" {
  command = plan

  variables {
    key_deletion_window_days = 5
  }

  expect_failures = [var.key_deletion_window_days]
}

run "dispatch_retry_age_too_long" {
  command = plan

  variables {
    dispatch_retry = { maximum_event_age_seconds = 90000 }
  }

  expect_failures = [var.dispatch_retry]
}

run "dispatch_retry_attempts_too_many" {
  command = plan

  variables {
    dispatch_retry = { maximum_retry_attempts = 186 }
  }

  expect_failures = [var.dispatch_retry]
}

run "tags_reserved_prefix" {
  command = plan

  variables {
    tags = { "aws:owner" = "x" }
  }

  expect_failures = [var.tags]
}

run "boundary_of_other_account" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::222222222222:policy/mlops-dev-permission-boundary"
  }

  expect_failures = [aws_iam_role.ci]
}

run "pipeline_role_of_other_account" {
  command = plan

  variables {
    pipeline_execution_role_arn = "arn:aws:iam::222222222222:role/mlops-dev-pipeline-execution"
  }

  expect_failures = [aws_iam_role.ci]
}

run "oidc_provider_of_other_account" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
  }

  expect_failures = [aws_iam_role.ci]
}

run "oidc_provider_of_other_partition" {
  command = plan

  variables {
    oidc_provider_arn = "arn:aws-cn:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  }

  expect_failures = [aws_iam_role.ci]
}

run "target_role_name_too_long" {
  command = plan

  variables {
    target_accounts      = { preproduction-eu = "222222222222" }
    target_role_suffixes = ["customer-churn-prediction-model-v2-deploy-x"]
  }

  expect_failures = [var.target_role_suffixes]
}

run "target_role_suffix_with_project_name_is_accepted" {
  command = plan

  variables {
    target_role_suffixes = ["model-execution", "customer-churn-prediction-v2-deploy"]
  }

  assert {
    condition     = contains(jsondecode(aws_sagemaker_model_package_group_policy.this.resource_policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"], "arn:aws:iam::222222222222:role/mlops-staging-customer-churn-prediction-v2-deploy")
    error_message = "A suffix that embeds a project name is accepted when the role name fits 64 characters."
  }
}
