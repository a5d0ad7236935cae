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
  name_prefix               = "mlops-dev"
  prefix                    = "mlops"
  project_name              = "churn"
  repository                = { owner = "example-org", name = "churn-model" }
  oidc_provider_arn         = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  target_accounts           = { staging = ["222222222222"], prod = ["333333333333"] }
  kms_key_arn               = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  access_log_bucket_name    = "mlops-dev-access-logs-111111111111"
  models_bucket_name        = "mlops-dev-models-111111111111"
  allowed_vpc_endpoint_ids  = ["vpce-0123456789abcdef0"]
  permissions_boundary_arn  = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
  guardrails_policy_arn     = "arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails"
  instance_types_policy_arn = "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"
  data_bucket_name          = "mlops-dev-data-111111111111"
  volume_kms_key_arn        = "arn:aws:kms:eu-west-1:111111111111:key/66666666-7777-8888-9999-000000000000"
  subnet_ids                = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  security_group_ids        = ["sg-0cccccccccccccccc"]
  ssm_prefix                = "/mlops/dev"
  key_administrator_arns    = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
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

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # project_name_uppercase
    project_name = "Churn"

    # prefix_not_a_prefix_of_name_prefix
    prefix = "platform"

    # repository_owner_wildcard
    repository = { owner = "example-*", name = "churn-model" }

    # github_environment_wildcard
    github_environment_build = "build*"

    # oidc_provider_other_issuer
    oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/gitlab.com"

    # target_accounts_empty
    target_accounts = {}

    # kms_key_alias
    kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"

    # access_log_bucket_uppercase
    access_log_bucket_name = "Logs"

    # models_bucket_with_a_path
    models_bucket_name = "mlops-dev-models-111111111111/other"

    # vpc_endpoints_empty
    allowed_vpc_endpoint_ids = []

    # vpce_exempt_wildcard
    vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/mlops-dev-*"]

    # boundary_aws_managed
    permissions_boundary_arn = "arn:aws:iam::aws:policy/AdministratorAccess"

    # guardrails_wildcard
    guardrails_policy_arn = "arn:aws:iam::111111111111:policy/mlops-dev-*"

    # instance_types_wildcard
    instance_types_policy_arn = "arn:aws:iam::111111111111:policy/mlops-dev-*"

    # data_bucket_with_a_path
    data_bucket_name = "mlops-dev-data-111111111111/other"

    # volume_key_alias
    volume_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-ebs"

    # subnets_empty
    subnet_ids = []

    # security_group_malformed
    security_group_ids = ["default"]

    # ssm_prefix_trailing_slash
    ssm_prefix = "/mlops/dev/"

    # key_administrators_empty
    key_administrator_arns = []

    # key_deletion_window_too_short
    key_deletion_window_days = 5

    # dispatch_retry_age_too_long
    dispatch_retry = { maximum_event_age_seconds = 90000 }

    # tags_reserved_prefix
    tags = { "aws:owner" = "x" }
  }

  expect_failures = [
    var.project_name,
    var.prefix,
    var.repository,
    var.github_environment_build,
    var.oidc_provider_arn,
    var.target_accounts,
    var.kms_key_arn,
    var.access_log_bucket_name,
    var.models_bucket_name,
    var.allowed_vpc_endpoint_ids,
    var.vpce_exempt_principal_arns,
    var.permissions_boundary_arn,
    var.guardrails_policy_arn,
    var.instance_types_policy_arn,
    var.data_bucket_name,
    var.volume_kms_key_arn,
    var.subnet_ids,
    var.security_group_ids,
    var.ssm_prefix,
    var.key_administrator_arns,
    var.key_deletion_window_days,
    var.dispatch_retry,
    var.tags,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # project_name_one_character
    project_name = "c"

    # repository_name_wildcard
    repository = { owner = "example-org", name = "*" }

    # github_environment_colon
    github_environment_build = "build:ref"

    # oidc_provider_wildcard
    oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/*"

    # target_account_not_twelve_digits
    target_accounts = { staging = ["22222222222"] }

    # vpc_endpoint_malformed
    allowed_vpc_endpoint_ids = ["vpc-0123"]

    # boundary_wildcard
    permissions_boundary_arn = "arn:aws:iam::111111111111:policy/*"

    # guardrails_aws_managed
    guardrails_policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"

    # subnet_wildcard
    subnet_ids = ["subnet-*"]

    # ssm_prefix_relative
    ssm_prefix = "mlops/dev"

    # key_administrator_wildcard
    key_administrator_arns = ["arn:aws:iam::111111111111:role/*"]

    # dispatch_retry_attempts_too_many
    dispatch_retry = { maximum_retry_attempts = 186 }
  }

  expect_failures = [
    var.project_name,
    var.repository,
    var.github_environment_build,
    var.oidc_provider_arn,
    var.target_accounts,
    var.allowed_vpc_endpoint_ids,
    var.permissions_boundary_arn,
    var.guardrails_policy_arn,
    var.subnet_ids,
    var.ssm_prefix,
    var.key_administrator_arns,
    var.dispatch_retry,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # project_name_33_characters
    project_name = "abcdefghijklmnopqrstuvwxyz0123456"
    name_prefix  = "ml-d"
    prefix       = "ml"

    # repository_name_with_slash
    repository = { owner = "example-org", name = "churn/model" }

    # github_environment_empty
    github_environment_build = ""

    # target_stage_uppercase
    target_accounts = { Staging = ["222222222222"] }

    # ssm_prefix_reserved
    ssm_prefix = "/aws/dev"
  }

  expect_failures = [
    var.project_name,
    var.repository,
    var.github_environment_build,
    var.target_accounts,
    var.ssm_prefix,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # project_name_underscore
    project_name = "churn_model"

    # repository_name_with_colon
    repository = { owner = "example-org", name = "x:pull_request" }

    # target_role_suffix_wildcard
    target_role_suffixes = ["model-*"]
  }

  expect_failures = [
    var.project_name,
    var.repository,
    var.target_role_suffixes,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_5" {
  command = plan

  variables {
    # project_name_leading_digit
    project_name = "1churn"

    # repository_owner_empty
    repository = { owner = "", name = "churn-model" }

    # target_role_suffixes_empty
    target_role_suffixes = []
  }

  expect_failures = [
    var.project_name,
    var.repository,
    var.target_role_suffixes,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_6" {
  command = plan

  variables {
    # project_name_trailing_hyphen
    project_name = "churn-"

    # repository_dot_dot
    repository = { owner = "example-org", name = ".." }

    # target_role_suffixes_duplicate
    target_role_suffixes = ["model-deploy", "model-deploy"]
  }

  expect_failures = [
    var.project_name,
    var.repository,
    var.target_role_suffixes,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_7" {
  command = plan

  variables {
    # project_name_double_hyphen
    project_name = "churn--model"

    # target_role_name_too_long
    target_accounts      = { preproduction-eu = ["222222222222"] }
    target_role_suffixes = ["customer-churn-prediction-model-v2-deploy-x"]
  }

  expect_failures = [
    var.project_name,
    var.target_role_suffixes,
  ]
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

# Two resource preconditions in one plan; neither reads what breaks the other:
# - target_account_is_this_account: a stage names this account (the model package group
#   policy's precondition reads only target_accounts and the caller's account);
# - boundary_of_other_account: the boundary is another account's (the CI role's
#   preconditions read the ARNs it is given and the OIDC provider, not target_accounts).
run "target_is_this_account_and_boundary_of_other_account" {
  command = plan

  variables {
    target_accounts          = { staging = ["222222222222"], prod = ["111111111111"] }
    permissions_boundary_arn = "arn:aws:iam::222222222222:policy/mlops-dev-permission-boundary"
  }

  expect_failures = [
    aws_sagemaker_model_package_group_policy.this,
    aws_iam_role.ci,
  ]
}

run "guardrails_and_volume_key_of_other_account" {
  command = plan

  variables {
    guardrails_policy_arn     = "arn:aws:iam::222222222222:policy/mlops-dev-sagemaker-guardrails"
    instance_types_policy_arn = "arn:aws:iam::222222222222:policy/mlops-dev-instance-types"
    volume_kms_key_arn        = "arn:aws:kms:eu-west-1:222222222222:key/66666666-7777-8888-9999-000000000000"
  }

  expect_failures = [aws_iam_role.ci]
}

# <name_prefix>-project-* belongs to SageMaker project templates: the boundary denies their roles
# every job and registration, so a project of that name could never run its pipeline.
run "project_name_of_the_template_namespace" {
  command = plan

  variables {
    project_name = "project-churn"
  }

  expect_failures = [var.project_name]
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

run "target_role_suffix_with_project_name_is_accepted" {
  command = plan

  variables {
    target_role_suffixes = ["model-execution", "customer-churn-prediction-v2-deploy"]
  }

  assert {
    condition     = contains(jsondecode(aws_sagemaker_model_package_group_policy.this[0].resource_policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"], "arn:aws:iam::222222222222:role/mlops-staging-customer-churn-prediction-v2-deploy")
    error_message = "A suffix that embeds a project name is accepted when the role name fits 64 characters."
  }
}

# --- target_waves: the deployment plan each model-approval dispatch carries (client_payload.targets),
# its checks, and the size EventBridge allows for the input template.

# The body with the event's values substituted as EventBridge does (quoted JSON strings).
run "the_dispatch_carries_each_stages_plan" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222"], prod = ["333333333333", "444444444444", "555555555555"] }
    target_waves = {
      staging = { canary = "222222222222", rest = [], max_parallel = 1 }
      prod    = { canary = "444444444444", rest = ["333333333333", "555555555555"], max_parallel = 1 }
    }
  }

  assert {
    condition = jsondecode(replace(replace(replace(
      aws_cloudwatch_event_target.dispatch.input_transformer[0].input_template,
      "<model_package_arn>", jsonencode("arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/3")),
      "<status>", jsonencode("Approved")),
      "<group>", jsonencode("mlops-dev-churn"))
      ) == {
      event_type = "model-approval"
      client_payload = {
        model_package_arn = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/3"
        status            = "Approved"
        group             = "mlops-dev-churn"
        targets = {
          staging = { canary = "222222222222", rest = [], max_parallel = 1 }
          prod    = { canary = "444444444444", rest = ["333333333333", "555555555555"], max_parallel = 1 }
        }
      }
    }
    error_message = "client_payload.targets is target_waves: each stage's canary, rest and max_parallel."
  }
}

run "without_waves_the_dispatch_carries_no_targets" {
  command = plan

  assert {
    condition     = !strcontains(aws_cloudwatch_event_target.dispatch.input_transformer[0].input_template, "targets")
    error_message = "target_waves null: the body is what it was (the workflow deploys to its repository variables)."
  }
}

# The most one stage holds (256 accounts, orchestrator/config/stage_targets.py) in staging and in
# prod still fits in EventBridge's 8,192 characters.
run "two_stages_of_256_accounts_fit" {
  command = plan

  variables {
    target_accounts = {
      staging = [for i in range(256) : format("2%011d", i)]
      prod    = [for i in range(256) : format("3%011d", i)]
    }
    target_waves = {
      staging = { canary = format("2%011d", 0), rest = [for i in range(1, 256) : format("2%011d", i)], max_parallel = 16 }
      prod    = { canary = format("3%011d", 0), rest = [for i in range(1, 256) : format("3%011d", i)], max_parallel = 256 }
    }
  }

  assert {
    condition     = length(aws_cloudwatch_event_target.dispatch.input_transformer[0].input_template) <= 8192
    error_message = "512 accounts in two stages fit in one input template."
  }
}

# input_template_too_long: three full stages do not fit.
run "three_stages_of_256_accounts_do_not_fit" {
  command = plan

  variables {
    target_accounts = {
      staging = [for i in range(256) : format("2%011d", i)]
      prod    = [for i in range(256) : format("3%011d", i)]
      prod-eu = [for i in range(256) : format("4%011d", i)]
    }
    target_waves = {
      staging = { canary = format("2%011d", 0), rest = [for i in range(1, 256) : format("2%011d", i)], max_parallel = 1 }
      prod    = { canary = format("3%011d", 0), rest = [for i in range(1, 256) : format("3%011d", i)], max_parallel = 1 }
      prod-eu = { canary = format("4%011d", 0), rest = [for i in range(1, 256) : format("4%011d", i)], max_parallel = 1 }
    }
  }

  expect_failures = [aws_cloudwatch_event_target.dispatch]
}

# target_waves_canary_in_rest
run "the_canary_is_not_in_the_rest" {
  command = plan

  variables {
    target_waves = {
      staging = { canary = "222222222222", rest = ["222222222222"], max_parallel = 1 }
      prod    = { canary = "333333333333", rest = [], max_parallel = 1 }
    }
  }

  expect_failures = [var.target_waves]
}

# target_waves_duplicate_account
run "no_account_twice_in_the_rest" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222", "444444444444"], prod = ["333333333333"] }
    target_waves = {
      staging = { canary = "222222222222", rest = ["444444444444", "444444444444"], max_parallel = 1 }
      prod    = { canary = "333333333333", rest = [], max_parallel = 1 }
    }
  }

  expect_failures = [var.target_waves]
}

# target_waves_max_parallel_not_whole
run "max_parallel_is_a_whole_number_from_1" {
  command = plan

  variables {
    target_waves = {
      staging = { canary = "222222222222", rest = [], max_parallel = 0.5 }
      prod    = { canary = "333333333333", rest = [], max_parallel = 0 }
    }
  }

  expect_failures = [var.target_waves]
}

# target_waves_bad_account_id
run "accounts_are_12_digit_ids" {
  command = plan

  variables {
    target_waves = {
      staging = { canary = "222222222222", rest = [], max_parallel = 1 }
      prod    = { canary = "33333333333", rest = [], max_parallel = 1 }
    }
  }

  expect_failures = [var.target_waves]
}

# target_waves_other_accounts: a stage's plan leaves out one of its accounts, and another stage
# is missing (the shape is valid, only the comparison with target_accounts fails).
run "the_plan_holds_exactly_the_target_accounts" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222"], prod = ["333333333333", "444444444444"] }
    target_waves = {
      prod = { canary = "333333333333", rest = [], max_parallel = 1 }
    }
  }

  expect_failures = [var.target_waves]
}
