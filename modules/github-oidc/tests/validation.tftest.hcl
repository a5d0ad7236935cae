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
    condition     = aws_iam_role.ci["plan"].name == "mlops-dev-github-plan"
    error_message = "The shared inputs of this file must be valid."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # name_prefix_uppercase
    name_prefix = "MLOps-dev"

    # repository_owner_wildcard
    repository = { owner = "example-*", name = "mlops-platform" }

    # github_environment_wildcard
    github_environment = "prod*"

    # create_oidc_provider_null
    create_oidc_provider = null

    # thumbprints_empty
    oidc_thumbprints = []

    # state_bucket_object_arn
    state_bucket_arn = "arn:aws:s3:::mlops-dev-tfstate-111111111111/*"

    # state_key_alias
    state_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-tfstate"

    # lock_table_wildcard
    lock_table_arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/*"

    # workload_boundary_aws_managed
    workload_boundary_policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"

    # ssm_prefix_relative
    ssm_parameter_prefix = "mlops/dev"

    # protected_role_wildcard
    protected_role_arns = ["arn:aws:iam::111111111111:role/mlops-dev-*"]

    # protected_policy_wildcard
    protected_policy_arns = ["arn:aws:iam::111111111111:policy/*"]

    # max_session_below_iam_minimum
    max_session_duration = 900

    # tags_reserved_prefix
    tags = { "aws:owner" = "x" }

    # plan_branch_wildcard
    plan_branch = "release/*"

    # apply_branch_wildcard
    apply_branch = "*"
  }

  expect_failures = [
    var.name_prefix,
    var.repository,
    var.github_environment,
    var.create_oidc_provider,
    var.oidc_thumbprints,
    var.state_bucket_arn,
    var.state_key_arn,
    var.lock_table_arn,
    var.workload_boundary_policy_arn,
    var.ssm_parameter_prefix,
    var.protected_role_arns,
    var.protected_policy_arns,
    var.max_session_duration,
    var.tags,
    var.plan_branch,
    var.apply_branch,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # name_prefix_too_short
    name_prefix = "ab"

    # repository_name_wildcard
    repository = { owner = "example-org", name = "*" }

    # github_environment_colon
    github_environment = "prod:ref"

    # existing_provider_missing
    create_oidc_provider = false

    # thumbprints_duplicate
    oidc_thumbprints = ["6938fd4d98bab03faadb97b34396831e3780aea1", "6938FD4D98BAB03FAADB97B34396831E3780AEA1"]

    # state_bucket_name_only
    state_bucket_arn = "mlops-dev-tfstate-111111111111"

    # state_key_wildcard
    state_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/*"

    # lock_table_name_only
    lock_table_arn = "mlops-dev-tflock"

    # workload_boundary_wildcard
    workload_boundary_policy_arn = "arn:aws:iam::111111111111:policy/*"

    # ssm_prefix_trailing_slash
    ssm_parameter_prefix = "/mlops/dev/"

    # protected_role_is_policy
    protected_role_arns = ["arn:aws:iam::111111111111:policy/mlops-dev-x"]

    # protected_policy_is_role
    protected_policy_arns = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]

    # max_session_above_one_hour
    max_session_duration = 7200

    # tags_value_too_long
    tags = { owner = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }

    # plan_branch_colon
    plan_branch = "main:environment:prod"

    # apply_branch_colon (a colon would let the branch forge the rest of the subject)
    apply_branch = "main:ref:refs/heads/x"
  }

  expect_failures = [
    var.name_prefix,
    var.repository,
    var.github_environment,
    var.existing_oidc_provider_arn,
    var.oidc_thumbprints,
    var.state_bucket_arn,
    var.state_key_arn,
    var.lock_table_arn,
    var.workload_boundary_policy_arn,
    var.ssm_parameter_prefix,
    var.protected_role_arns,
    var.protected_policy_arns,
    var.max_session_duration,
    var.tags,
    var.plan_branch,
    var.apply_branch,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # name_prefix_trailing_hyphen
    name_prefix = "mlops-dev-"

    # repository_name_with_slash
    repository = { owner = "example-org", name = "mlops/platform" }

    # github_environment_empty
    github_environment = ""

    # existing_provider_with_create
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"

    # thumbprints_too_many
    oidc_thumbprints = ["1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222", "3333333333333333333333333333333333333333", "4444444444444444444444444444444444444444", "5555555555555555555555555555555555555555", "6666666666666666666666666666666666666666"]

    # workload_boundary_role_arn
    workload_boundary_policy_arn = "arn:aws:iam::111111111111:role/mlops-dev-boundary"

    # ssm_prefix_wildcard
    ssm_parameter_prefix = "/mlops/*"

    # max_session_fraction
    max_session_duration = 3600.5

    # plan_branch_dot_dot
    plan_branch = "main/../prod"
  }

  expect_failures = [
    var.name_prefix,
    var.repository,
    var.github_environment,
    var.existing_oidc_provider_arn,
    var.oidc_thumbprints,
    var.workload_boundary_policy_arn,
    var.ssm_parameter_prefix,
    var.max_session_duration,
    var.plan_branch,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # name_prefix_wildcard
    name_prefix = "mlops-*"

    # repository_owner_empty
    repository = { owner = "", name = "mlops-platform" }

    # existing_provider_other_issuer
    create_oidc_provider       = false
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/gitlab.com"

    # thumbprint_not_hex
    oidc_thumbprints = ["6938fd4d98bab03faadb97b34396831e3780aeaZ"]

    # ssm_prefix_too_long
    ssm_parameter_prefix = "/${join("/", [for i in range(8) : "abcdefghijklmnopqrstuvwxyz-abcdefghijk"])}"

    # plan_branch_empty
    plan_branch = ""
  }

  expect_failures = [
    var.name_prefix,
    var.repository,
    var.existing_oidc_provider_arn,
    var.oidc_thumbprints,
    var.ssm_parameter_prefix,
    var.plan_branch,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_5" {
  command = plan

  variables {
    # repository_name_with_colon
    repository = { owner = "example-org", name = "x:pull_request" }

    # existing_provider_wildcard
    create_oidc_provider       = false
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/*"

    # thumbprint_too_short
    oidc_thumbprints = ["6938fd4d"]

    # ssm_prefix_reserved_aws
    ssm_parameter_prefix = "/aws/service"

    # plan_branch_trailing_slash
    plan_branch = "release/"
  }

  expect_failures = [
    var.repository,
    var.existing_oidc_provider_arn,
    var.oidc_thumbprints,
    var.ssm_parameter_prefix,
    var.plan_branch,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_6" {
  command = plan

  variables {
    # repository_dot_dot
    repository = { owner = "example-org", name = ".." }

    # ssm_prefix_reserved_ssm
    ssm_parameter_prefix = "/SSM/dev"
  }

  expect_failures = [
    var.repository,
    var.ssm_parameter_prefix,
  ]
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

