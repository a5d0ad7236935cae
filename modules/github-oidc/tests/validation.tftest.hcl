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
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/mlops-dev-ci-boundary" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  name_prefix                  = "mlops-dev"
  repository                   = { owner = "example-org", name = "mlops-platform" }
  github_environment           = "dev"
  plan_branch                  = "main"
  state_bucket_arn             = "arn:aws:s3:::mlops-dev-tfstate-111111111111"
  state_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  lock_table_arn               = "arn:aws:dynamodb:eu-west-1:111111111111:table/mlops-dev-tflock"
  workload_boundary_policy_arn = "arn:aws:iam::111111111111:policy/mlops-dev-workload-boundary"
  ssm_parameter_prefix         = "/mlops/dev"
}

run "valid_inputs_plan" {
  command = plan

  assert {
    condition     = aws_iam_role.plan.name == "mlops-dev-github-plan"
    error_message = "The shared inputs of this file must be valid."
  }
}

run "name_prefix_uppercase" {
  command = plan

  variables {
    name_prefix = "MLOps-dev"
  }

  expect_failures = [var.name_prefix]
}

run "name_prefix_too_short" {
  command = plan

  variables {
    name_prefix = "ab"
  }

  expect_failures = [var.name_prefix]
}

run "name_prefix_trailing_hyphen" {
  command = plan

  variables {
    name_prefix = "mlops-dev-"
  }

  expect_failures = [var.name_prefix]
}

run "name_prefix_wildcard" {
  command = plan

  variables {
    name_prefix = "mlops-*"
  }

  expect_failures = [var.name_prefix]
}

run "repository_owner_wildcard" {
  command = plan

  variables {
    repository = { owner = "example-*", name = "mlops-platform" }
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
    repository = { owner = "example-org", name = "mlops/platform" }
  }

  expect_failures = [var.repository]
}

run "repository_owner_empty" {
  command = plan

  variables {
    repository = { owner = "", name = "mlops-platform" }
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
    github_environment = "prod*"
  }

  expect_failures = [var.github_environment]
}

run "github_environment_colon" {
  command = plan

  variables {
    github_environment = "prod:ref"
  }

  expect_failures = [var.github_environment]
}

run "github_environment_empty" {
  command = plan

  variables {
    github_environment = ""
  }

  expect_failures = [var.github_environment]
}

run "create_oidc_provider_null" {
  command = plan

  variables {
    create_oidc_provider = null
  }

  expect_failures = [var.create_oidc_provider]
}

run "existing_provider_missing" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  expect_failures = [var.existing_oidc_provider_arn]
}

run "existing_provider_with_create" {
  command = plan

  variables {
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  }

  expect_failures = [var.existing_oidc_provider_arn]
}

run "existing_provider_other_issuer" {
  command = plan

  variables {
    create_oidc_provider       = false
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/gitlab.com"
  }

  expect_failures = [var.existing_oidc_provider_arn]
}

run "existing_provider_wildcard" {
  command = plan

  variables {
    create_oidc_provider       = false
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/*"
  }

  expect_failures = [var.existing_oidc_provider_arn]
}

run "thumbprints_empty" {
  command = plan

  variables {
    oidc_thumbprints = []
  }

  expect_failures = [var.oidc_thumbprints]
}

run "thumbprints_duplicate" {
  command = plan

  variables {
    oidc_thumbprints = ["6938fd4d98bab03faadb97b34396831e3780aea1", "6938FD4D98BAB03FAADB97B34396831E3780AEA1"]
  }

  expect_failures = [var.oidc_thumbprints]
}

run "thumbprints_too_many" {
  command = plan

  variables {
    oidc_thumbprints = ["1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222", "3333333333333333333333333333333333333333", "4444444444444444444444444444444444444444", "5555555555555555555555555555555555555555", "6666666666666666666666666666666666666666"]
  }

  expect_failures = [var.oidc_thumbprints]
}

run "thumbprint_not_hex" {
  command = plan

  variables {
    oidc_thumbprints = ["6938fd4d98bab03faadb97b34396831e3780aeaZ"]
  }

  expect_failures = [var.oidc_thumbprints]
}

run "thumbprint_too_short" {
  command = plan

  variables {
    oidc_thumbprints = ["6938fd4d"]
  }

  expect_failures = [var.oidc_thumbprints]
}

run "state_bucket_object_arn" {
  command = plan

  variables {
    state_bucket_arn = "arn:aws:s3:::mlops-dev-tfstate-111111111111/*"
  }

  expect_failures = [var.state_bucket_arn]
}

run "state_bucket_name_only" {
  command = plan

  variables {
    state_bucket_arn = "mlops-dev-tfstate-111111111111"
  }

  expect_failures = [var.state_bucket_arn]
}

run "state_key_alias" {
  command = plan

  variables {
    state_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-tfstate"
  }

  expect_failures = [var.state_key_arn]
}

run "state_key_wildcard" {
  command = plan

  variables {
    state_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/*"
  }

  expect_failures = [var.state_key_arn]
}

run "lock_table_wildcard" {
  command = plan

  variables {
    lock_table_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/*"
  }

  expect_failures = [var.lock_table_arn]
}

run "lock_table_name_only" {
  command = plan

  variables {
    lock_table_arn = "mlops-dev-tflock"
  }

  expect_failures = [var.lock_table_arn]
}

run "workload_boundary_aws_managed" {
  command = plan

  variables {
    workload_boundary_policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
  }

  expect_failures = [var.workload_boundary_policy_arn]
}

run "workload_boundary_wildcard" {
  command = plan

  variables {
    workload_boundary_policy_arn = "arn:aws:iam::111111111111:policy/*"
  }

  expect_failures = [var.workload_boundary_policy_arn]
}

run "workload_boundary_role_arn" {
  command = plan

  variables {
    workload_boundary_policy_arn = "arn:aws:iam::111111111111:role/mlops-dev-boundary"
  }

  expect_failures = [var.workload_boundary_policy_arn]
}

run "ssm_prefix_relative" {
  command = plan

  variables {
    ssm_parameter_prefix = "mlops/dev"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "ssm_prefix_trailing_slash" {
  command = plan

  variables {
    ssm_parameter_prefix = "/mlops/dev/"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "ssm_prefix_wildcard" {
  command = plan

  variables {
    ssm_parameter_prefix = "/mlops/*"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "ssm_prefix_too_long" {
  command = plan

  variables {
    ssm_parameter_prefix = "/${join("/", [for i in range(8) : "abcdefghijklmnopqrstuvwxyz-abcdefghijk"])}"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "ssm_prefix_reserved_aws" {
  command = plan

  variables {
    ssm_parameter_prefix = "/aws/service"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "ssm_prefix_reserved_ssm" {
  command = plan

  variables {
    ssm_parameter_prefix = "/SSM/dev"
  }

  expect_failures = [var.ssm_parameter_prefix]
}

run "protected_role_wildcard" {
  command = plan

  variables {
    protected_role_arns = ["arn:aws:iam::111111111111:role/mlops-dev-*"]
  }

  expect_failures = [var.protected_role_arns]
}

run "protected_role_is_policy" {
  command = plan

  variables {
    protected_role_arns = ["arn:aws:iam::111111111111:policy/mlops-dev-x"]
  }

  expect_failures = [var.protected_role_arns]
}

run "protected_policy_wildcard" {
  command = plan

  variables {
    protected_policy_arns = ["arn:aws:iam::111111111111:policy/*"]
  }

  expect_failures = [var.protected_policy_arns]
}

run "protected_policy_is_role" {
  command = plan

  variables {
    protected_policy_arns = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
  }

  expect_failures = [var.protected_policy_arns]
}

run "max_session_below_iam_minimum" {
  command = plan

  variables {
    max_session_duration = 900
  }

  expect_failures = [var.max_session_duration]
}

run "max_session_above_one_hour" {
  command = plan

  variables {
    max_session_duration = 7200
  }

  expect_failures = [var.max_session_duration]
}

run "max_session_fraction" {
  command = plan

  variables {
    max_session_duration = 3600.5
  }

  expect_failures = [var.max_session_duration]
}

run "tags_reserved_prefix" {
  command = plan

  variables {
    tags = { "aws:owner" = "x" }
  }

  expect_failures = [var.tags]
}

run "tags_value_too_long" {
  command = plan

  variables {
    tags = { owner = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }
  }

  expect_failures = [var.tags]
}

run "state_key_of_other_account" {
  command = plan

  variables {
    state_key_arn = "arn:aws:kms:eu-west-1:222222222222:key/11111111-2222-3333-4444-555555555555"
  }

  expect_failures = [aws_iam_policy.ci_boundary]
}

run "workload_boundary_of_other_account" {
  command = plan

  variables {
    workload_boundary_policy_arn = "arn:aws:iam::222222222222:policy/mlops-dev-workload-boundary"
  }

  expect_failures = [aws_iam_policy.ci_boundary]
}

run "existing_provider_of_other_account" {
  command = plan

  variables {
    create_oidc_provider       = false
    existing_oidc_provider_arn = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
  }

  expect_failures = [aws_iam_policy.ci_boundary]
}

run "protected_role_is_ci_role" {
  command = plan

  variables {
    protected_role_arns = ["arn:aws:iam::111111111111:role/mlops-dev-github-apply"]
  }

  expect_failures = [aws_iam_policy.ci_boundary]
}

run "protected_policy_is_workload_boundary" {
  command = plan

  variables {
    protected_policy_arns = ["arn:aws:iam::111111111111:policy/mlops-dev-workload-boundary"]
  }

  expect_failures = [aws_iam_policy.ci_boundary]
}

run "boundary_over_iam_size_limit" {
  command = plan

  variables {
    protected_role_arns = [for i in range(40) : "arn:aws:iam::111111111111:role/mlops-dev-protected-role-${i}"]
  }

  expect_failures = [aws_iam_policy.ci_boundary]
}

run "plan_branch_wildcard" {
  command = plan

  variables {
    plan_branch = "release/*"
  }

  expect_failures = [var.plan_branch]
}

run "plan_branch_colon" {
  command = plan

  variables {
    plan_branch = "main:environment:prod"
  }

  expect_failures = [var.plan_branch]
}

run "plan_branch_dot_dot" {
  command = plan

  variables {
    plan_branch = "main/../prod"
  }

  expect_failures = [var.plan_branch]
}

run "plan_branch_empty" {
  command = plan

  variables {
    plan_branch = ""
  }

  expect_failures = [var.plan_branch]
}

run "plan_branch_trailing_slash" {
  command = plan

  variables {
    plan_branch = "release/"
  }

  expect_failures = [var.plan_branch]
}
