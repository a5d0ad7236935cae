# Input validation: a valid baseline, then one run per rule (each input breaks
# exactly one rule, so only the named variable fails).

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
  projects                           = { abalone = { repository = { owner = "example-org", name = "abalone-model" } } }
  ssm_parameter_path                 = "/mlops/staging"
  kms_administrator_arns             = ["arn:aws:iam::222222222222:role/mlops-staging-deploy"]
}

run "valid_baseline" {
  command = plan
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # bad_stage_too_long
    # --- stage and names ----------------------------------------------------------
    stage       = "preproduction"
    name_prefix = "mlops-preproduction"

    # source_account_is_this_account
    # --- the source account -------------------------------------------------------
    source_account_id         = "222222222222"
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:222222222222:alias/mlops-dev-data"

    # bad_source_bucket_arn_object_path
    source_models_bucket_arn = "arn:aws:s3:::mlops-dev-models-111111111111/*"

    # bad_source_name_prefix
    source_name_prefix = "mlops-*"

    # bad_oidc_provider_other_issuer
    # --- OIDC provider ------------------------------------------------------------
    oidc_provider_arn = "arn:aws:iam::222222222222:oidc-provider/example.com"

    # bad_vpc_id
    # --- network ------------------------------------------------------------------
    vpc_id = "vpc-*"

    # single_subnet
    subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa"]

    # bad_security_group
    security_group_ids = ["default"]

    # no_s3_endpoint
    s3_vpc_endpoint_ids = []

    # wildcard_exempt_principal
    vpce_exempt_principal_arns = ["arn:aws:iam::222222222222:role/*"]

    # bad_ssm_path
    # --- contract, images, keys, buckets -------------------------------------------
    ssm_parameter_path = "/mlops/staging/*"

    # wildcard_ecr_repository
    additional_ecr_repository_arns = ["arn:aws:ecr:eu-west-1:141502667606:repository/*"]

    # no_key_administrator
    kms_administrator_arns = []

    # bad_rotation_period
    kms_rotation_period_days = 30

    # short_access_log_retention
    access_log_retention_days = 30

    # bad_data_capture_retention
    data_capture_retention_days = 0
  }

  expect_failures = [
    var.stage,
    var.source_account_id,
    var.source_models_bucket_arn,
    var.source_name_prefix,
    var.oidc_provider_arn,
    var.vpc_id,
    var.subnet_ids,
    var.security_group_ids,
    var.s3_vpc_endpoint_ids,
    var.vpce_exempt_principal_arns,
    var.ssm_parameter_path,
    var.additional_ecr_repository_arns,
    var.kms_administrator_arns,
    var.kms_rotation_period_days,
    var.access_log_retention_days,
    var.data_capture_retention_days,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # bad_stage_wildcard
    stage = "*"

    # bad_source_account
    # Validations that refer to an invalid variable are not evaluated, so only the
    # invalid variable itself is reported.
    source_account_id = "1111"

    # bad_source_bucket_arn_wildcard
    source_models_bucket_arn = "arn:aws:s3:::mlops-dev-*"

    # oidc_provider_of_another_account
    oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  }

  expect_failures = [
    var.stage,
    var.source_account_id,
    var.source_models_bucket_arn,
    var.oidc_provider_arn,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # name_prefix_of_another_stage
    name_prefix = "mlops-prod"

    # source_key_given_as_key_arn
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  }

  expect_failures = [
    var.name_prefix,
    var.source_data_key_alias_arn,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # bad_name_prefix
    name_prefix = "MLOps-staging"

    # source_key_aws_managed_alias
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:111111111111:alias/aws/s3"
  }

  expect_failures = [
    var.name_prefix,
    var.source_data_key_alias_arn,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_5" {
  command = plan

  variables {
    # bad_project_name_upper_case
    # --- projects -----------------------------------------------------------------
    projects = { Abalone = { repository = { owner = "example-org", name = "abalone-model" } } }

    # source_key_of_another_account
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:333333333333:alias/mlops-dev-data"
  }

  expect_failures = [
    var.projects,
    var.source_data_key_alias_arn,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_6" {
  command = plan

  variables {
    # bad_project_name_wildcard
    projects = { "abalone-*" = { repository = { owner = "example-org", name = "abalone-model" } } }

    # source_key_in_another_region
    source_data_key_alias_arn = "arn:aws:kms:us-east-1:111111111111:alias/mlops-dev-data"
  }

  expect_failures = [
    var.projects,
    var.source_data_key_alias_arn,
  ]
}

run "bad_project_name_double_hyphen" {
  command = plan
  variables {
    projects = { "aba--lone" = { repository = { owner = "example-org", name = "abalone-model" } } }
  }
  expect_failures = [var.projects]
}

run "project_role_name_too_long" {
  command = plan
  variables {
    projects = { "a-very-long-project-name-abcdefgh" = { repository = { owner = "example-org", name = "abalone-model" } } }
  }
  expect_failures = [var.projects]
}

run "bad_repository_owner_with_slash" {
  command = plan
  variables {
    projects = { abalone = { repository = { owner = "example-org/abalone-model", name = "x" } } }
  }
  expect_failures = [var.projects]
}

run "bad_repository_wildcard_name" {
  command = plan
  variables {
    projects = { abalone = { repository = { owner = "example-org", name = "*" } } }
  }
  expect_failures = [var.projects]
}

run "bad_repository_empty_owner" {
  command = plan
  variables {
    projects = { abalone = { repository = { owner = "", name = "abalone-model" } } }
  }
  expect_failures = [var.projects]
}

run "bad_repository_colon_in_name" {
  command = plan
  variables {
    projects = { abalone = { repository = { owner = "example-org", name = "abalone:environment:prod" } } }
  }
  expect_failures = [var.projects]
}


run "endpoint_instance_types_must_be_instance_type_names" {
  command = plan
  variables {
    endpoint_instance_types = ["ml.m5.large", "ml.m5.*", "ml.m5.large"]
  }
  expect_failures = [var.endpoint_instance_types]
}

run "endpoint_instance_types_must_not_be_empty" {
  command = plan
  variables {
    endpoint_instance_types = []
  }
  expect_failures = [var.endpoint_instance_types]
}
