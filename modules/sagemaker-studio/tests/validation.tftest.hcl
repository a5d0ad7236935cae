# Input validation: a valid baseline, boundary values that must pass, and one
# expect_failures run per rule (each input breaks exactly one variable).

mock_provider "aws" {}

variables {
  name_prefix             = "mlops-dev"
  vpc_id                  = "vpc-0123456789abcdef0"
  subnet_ids              = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  security_group_ids      = ["sg-0123456789abcdef0"]
  kms_key_arn             = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
  jobs_volume_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
  jobs_output_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  execution_role_arn      = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
  persona_execution_role_arns = {
    data_scientist = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
  }
  user_profiles = {
    alice = { persona = "data_scientist" }
  }
  ssm_prefix = "/mlops/dev"
}

# -----------------------------------------------------------------------------
# Baseline and boundaries (must plan cleanly)
# -----------------------------------------------------------------------------

run "baseline_is_valid" {
  command = plan

  assert {
    condition     = length(aws_sagemaker_user_profile.this) == 1
    error_message = "The baseline inputs must plan one user profile."
  }
}

run "boundaries_are_accepted" {
  command = plan

  variables {
    name_prefix = "abc"
    subnet_ids = [
      "subnet-00000000", "subnet-00000001", "subnet-00000002", "subnet-00000003",
      "subnet-00000004", "subnet-00000005", "subnet-00000006", "subnet-00000007",
      "subnet-00000008", "subnet-00000009", "subnet-0000000a", "subnet-0000000b",
      "subnet-0000000c", "subnet-0000000d", "subnet-0000000e", "subnet-0123456789abcdef0",
    ]
    security_group_ids          = ["sg-00000000", "sg-00000001", "sg-0123456789abcdef0"]
    kms_key_arn                 = "arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/mrk-0123456789abcdef0123456789abcdef"
    idle_timeout_in_minutes     = 525600
    min_idle_timeout_in_minutes = 60
    max_idle_timeout_in_minutes = 525600
    home_efs_retention          = "Delete"
    persona_execution_role_arns = {
      data_scientist = "arn:aws:iam::111111111111:role/path/to/mlops-dev-sagemaker-execution"
      lead           = "arn:aws:iam::111111111111:role/mlops-dev-team-lead-execution"
    }
    user_profiles = {
      "a"                                                               = { persona = "data_scientist" }
      "A--b-9"                                                          = { persona = "lead" }
      "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk" = { persona = "lead" }
    }
    ssm_prefix         = "/a"
    sdk_default_bucket = "a.b-c"
  }

  assert {
    condition     = length(aws_sagemaker_user_profile.this) == 3
    error_message = "Boundary values (16 subnets, 3 security groups, 63-character and 1-character user names, idle timeout 525600) must be accepted."
  }
}

run "idle_timeout_lowest_value_is_accepted" {
  command = plan

  variables {
    idle_timeout_in_minutes     = 60
    min_idle_timeout_in_minutes = 60
    max_idle_timeout_in_minutes = 60
  }

  assert {
    condition     = aws_sagemaker_domain.this.default_user_settings[0].jupyter_lab_app_settings[0].app_lifecycle_management[0].idle_settings[0].idle_timeout_in_minutes == 60
    error_message = "An idle timeout of 60 minutes (the AWS minimum) must be accepted."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # name_prefix_must_be_lowercase_dns_like
    name_prefix = "MLOps-dev"

    # tags_reject_aws_prefix
    tags = { "aws:owner" = "x" }

    # vpc_id_must_be_a_vpc_id
    vpc_id = "vpc-xyz"

    # subnet_ids_must_not_be_empty
    subnet_ids = []

    # security_group_ids_must_not_be_empty
    security_group_ids = []

    # kms_key_arn_rejects_an_alias
    kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-studio"

    # jobs_volume_kms_key_arn_must_be_a_key_arn
    jobs_volume_kms_key_arn = "alias/aws/ebs"

    # jobs_output_kms_key_arn_must_be_a_key_arn
    jobs_output_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/data"

    # home_efs_retention_rejects_other_values
    home_efs_retention = "retain"

    # execution_role_arn_must_be_a_role_arn
    execution_role_arn = "arn:aws:iam::111111111111:user/alice"

    # persona_roles_must_be_role_arns
    persona_execution_role_arns = { data_scientist = "mlops-dev-sagemaker-execution" }

    # idle_timeout_below_aws_minimum
    idle_timeout_in_minutes = 30

    # sdk_default_bucket_must_be_a_bucket_name
    sdk_default_bucket = "s3://mlops-dev-data"

    # ssm_prefix_must_start_with_slash
    ssm_prefix = "mlops/dev"
  }

  expect_failures = [
    var.name_prefix,
    var.tags,
    var.vpc_id,
    var.subnet_ids,
    var.security_group_ids,
    var.kms_key_arn,
    var.jobs_volume_kms_key_arn,
    var.jobs_output_kms_key_arn,
    var.home_efs_retention,
    var.execution_role_arn,
    var.persona_execution_role_arns,
    var.idle_timeout_in_minutes,
    var.sdk_default_bucket,
    var.ssm_prefix,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # tags_reject_persona_key
    tags = { persona = "x" }

    # subnet_ids_must_be_subnet_ids
    subnet_ids = ["subnet-0123456789abcdef0", "sg-0123456789abcdef0"]

    # security_group_ids_at_most_three
    security_group_ids = ["sg-00000000", "sg-00000001", "sg-00000002", "sg-00000003"]

    # kms_key_arn_rejects_a_bare_key_id
    kms_key_arn = "33333333-3333-3333-3333-333333333333"

    # persona_names_must_match_pattern
    persona_execution_role_arns = {
      data_scientist = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
      "Data Lead"    = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
    }

    # idle_timeout_above_aws_maximum
    idle_timeout_in_minutes     = 525601
    max_idle_timeout_in_minutes = 525600

    # ssm_prefix_must_not_end_with_slash
    ssm_prefix = "/mlops/dev/"
  }

  expect_failures = [
    var.tags,
    var.subnet_ids,
    var.security_group_ids,
    var.kms_key_arn,
    var.persona_execution_role_arns,
    var.idle_timeout_in_minutes,
    var.ssm_prefix,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # subnet_ids_must_not_repeat
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef0"]

    # security_group_ids_must_be_sg_ids
    security_group_ids = ["default"]

    # user_name_must_follow_sagemaker_rule
    user_profiles = {
      alice       = { persona = "data_scientist" }
      "bob.smith" = { persona = "data_scientist" }
    }

    # idle_timeout_must_be_whole_minutes
    idle_timeout_in_minutes = 90.5
  }

  expect_failures = [
    var.subnet_ids,
    var.security_group_ids,
    var.user_profiles,
    var.idle_timeout_in_minutes,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # user_name_must_not_end_with_hyphen
    user_profiles = { "alice-" = { persona = "data_scientist" } }

    # idle_timeout_must_lie_within_min_and_max
    # Valid for AWS, but above the default max_idle_timeout_in_minutes (480).
    idle_timeout_in_minutes = 600
  }

  expect_failures = [
    var.user_profiles,
    var.idle_timeout_in_minutes,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_5" {
  command = plan

  variables {
    # user_name_at_most_63_characters
    user_profiles = { "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl" = { persona = "data_scientist" } }

    # min_idle_timeout_in_aws_range
    min_idle_timeout_in_minutes = 59
    idle_timeout_in_minutes     = 60
  }

  expect_failures = [
    var.user_profiles,
    var.min_idle_timeout_in_minutes,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_6" {
  command = plan

  variables {
    # user_persona_must_be_known
    user_profiles = {
      alice = { persona = "data_scientist" }
      carol = { persona = "team_lead" }
    }

    # max_idle_timeout_in_aws_range
    max_idle_timeout_in_minutes = 600000
  }

  expect_failures = [
    var.user_profiles,
    var.max_idle_timeout_in_minutes,
  ]
}

run "max_idle_timeout_not_below_min" {
  command = plan
  variables {
    min_idle_timeout_in_minutes = 120
    max_idle_timeout_in_minutes = 90
    idle_timeout_in_minutes     = 120
  }
  # idle_timeout_in_minutes refers to the invalid max, so only max reports.
  expect_failures = [var.max_idle_timeout_in_minutes]
}

