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
  name_prefix               = "mlops-staging"
  stage                     = "staging"
  source_account_id         = "111111111111"
  source_name_prefix        = "mlops-dev"
  source_models_bucket_arn  = "arn:aws:s3:::mlops-dev-models-111111111111"
  source_data_key_alias_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"
  vpc_id                    = "vpc-0123456789abcdef0"
  subnet_ids                = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  security_group_ids        = ["sg-0cccccccccccccccc"]
  s3_vpc_endpoint_ids       = ["vpce-0dddddddddddddddd"]
  oidc_provider_arn         = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
  projects                  = { abalone = { repository = { owner = "example-org", name = "abalone-model" } } }
  ssm_parameter_path        = "/mlops/staging"
  kms_administrator_arns    = ["arn:aws:iam::222222222222:role/mlops-staging-deploy"]
}

run "valid_baseline" {
  command = plan
}

# --- stage and names ----------------------------------------------------------

run "bad_stage_too_long" {
  command = plan
  variables {
    stage       = "preproduction"
    name_prefix = "mlops-preproduction"
  }
  expect_failures = [var.stage]
}

run "bad_stage_wildcard" {
  command = plan
  variables {
    stage = "*"
  }
  expect_failures = [var.stage]
}

run "name_prefix_of_another_stage" {
  command = plan
  variables {
    name_prefix = "mlops-prod"
  }
  expect_failures = [var.name_prefix]
}

run "bad_name_prefix" {
  command = plan
  variables {
    name_prefix = "MLOps-staging"
  }
  expect_failures = [var.name_prefix]
}

# --- projects -----------------------------------------------------------------

run "bad_project_name_upper_case" {
  command = plan
  variables {
    projects = { Abalone = { repository = { owner = "example-org", name = "abalone-model" } } }
  }
  expect_failures = [var.projects]
}

run "bad_project_name_wildcard" {
  command = plan
  variables {
    projects = { "abalone-*" = { repository = { owner = "example-org", name = "abalone-model" } } }
  }
  expect_failures = [var.projects]
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

# --- the source account -------------------------------------------------------

run "source_account_is_this_account" {
  command = plan
  variables {
    source_account_id         = "222222222222"
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:222222222222:alias/mlops-dev-data"
  }
  expect_failures = [var.source_account_id]
}

# Validations that refer to an invalid variable are not evaluated, so only the
# invalid variable itself is reported.
run "bad_source_account" {
  command = plan
  variables {
    source_account_id = "1111"
  }
  expect_failures = [var.source_account_id]
}

run "bad_source_bucket_arn_object_path" {
  command = plan
  variables {
    source_models_bucket_arn = "arn:aws:s3:::mlops-dev-models-111111111111/*"
  }
  expect_failures = [var.source_models_bucket_arn]
}

run "bad_source_bucket_arn_wildcard" {
  command = plan
  variables {
    source_models_bucket_arn = "arn:aws:s3:::mlops-dev-*"
  }
  expect_failures = [var.source_models_bucket_arn]
}

run "source_key_given_as_key_arn" {
  command = plan
  variables {
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  }
  expect_failures = [var.source_data_key_alias_arn]
}

run "source_key_aws_managed_alias" {
  command = plan
  variables {
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:111111111111:alias/aws/s3"
  }
  expect_failures = [var.source_data_key_alias_arn]
}

run "source_key_of_another_account" {
  command = plan
  variables {
    source_data_key_alias_arn = "arn:aws:kms:eu-west-1:333333333333:alias/mlops-dev-data"
  }
  expect_failures = [var.source_data_key_alias_arn]
}

run "source_key_in_another_region" {
  command = plan
  variables {
    source_data_key_alias_arn = "arn:aws:kms:us-east-1:111111111111:alias/mlops-dev-data"
  }
  expect_failures = [var.source_data_key_alias_arn]
}

run "bad_source_name_prefix" {
  command = plan
  variables {
    source_name_prefix = "mlops-*"
  }
  expect_failures = [var.source_name_prefix]
}

# --- OIDC provider ------------------------------------------------------------

run "bad_oidc_provider_other_issuer" {
  command = plan
  variables {
    oidc_provider_arn = "arn:aws:iam::222222222222:oidc-provider/example.com"
  }
  expect_failures = [var.oidc_provider_arn]
}

run "oidc_provider_of_another_account" {
  command = plan
  variables {
    oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  }
  expect_failures = [var.oidc_provider_arn]
}

# --- network ------------------------------------------------------------------

run "bad_vpc_id" {
  command = plan
  variables {
    vpc_id = "vpc-*"
  }
  expect_failures = [var.vpc_id]
}

run "single_subnet" {
  command = plan
  variables {
    subnet_ids = ["subnet-0aaaaaaaaaaaaaaaa"]
  }
  expect_failures = [var.subnet_ids]
}

run "bad_security_group" {
  command = plan
  variables {
    security_group_ids = ["default"]
  }
  expect_failures = [var.security_group_ids]
}

run "no_s3_endpoint" {
  command = plan
  variables {
    s3_vpc_endpoint_ids = []
  }
  expect_failures = [var.s3_vpc_endpoint_ids]
}

run "wildcard_exempt_principal" {
  command = plan
  variables {
    vpce_exempt_principal_arns = ["arn:aws:iam::222222222222:role/*"]
  }
  expect_failures = [var.vpce_exempt_principal_arns]
}

# --- contract, images, keys, buckets -------------------------------------------

run "bad_ssm_path" {
  command = plan
  variables {
    ssm_parameter_path = "/mlops/staging/*"
  }
  expect_failures = [var.ssm_parameter_path]
}

run "wildcard_ecr_repository" {
  command = plan
  variables {
    additional_ecr_repository_arns = ["arn:aws:ecr:eu-west-1:141502667606:repository/*"]
  }
  expect_failures = [var.additional_ecr_repository_arns]
}

run "no_key_administrator" {
  command = plan
  variables {
    kms_administrator_arns = []
  }
  expect_failures = [var.kms_administrator_arns]
}

run "bad_rotation_period" {
  command = plan
  variables {
    kms_rotation_period_days = 30
  }
  expect_failures = [var.kms_rotation_period_days]
}

run "short_access_log_retention" {
  command = plan
  variables {
    access_log_retention_days = 30
  }
  expect_failures = [var.access_log_retention_days]
}

run "bad_data_capture_retention" {
  command = plan
  variables {
    data_capture_retention_days = 0
  }
  expect_failures = [var.data_capture_retention_days]
}
