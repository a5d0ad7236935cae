# Input validation: a valid baseline, boundary values that must pass, one run
# per validation rule (each input breaks exactly one rule) and one run per
# precondition (checks that need the account, region or rendered size).

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
    "arn:aws:s3:::mlops-dev-access-logs-111111111111",
  ]
  read_only_bucket_arns   = ["arn:aws:s3:::mlops-dev-access-logs-111111111111"]
  aws_service_bucket_arns = ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket"]
  kms_key_arns = {
    data   = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
    ebs    = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
    studio = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
    logs   = "arn:aws:kms:eu-west-1:111111111111:key/44444444-4444-4444-4444-444444444444"
  }
  ssm_parameter_arn_prefix = "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev"
  subnet_ids               = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  security_group_ids       = ["sg-0123456789abcdef0"]
  persona_principals = {
    data_science_admin = ["arn:aws:iam::999999999999:role/admin"]
    team_lead          = ["arn:aws:iam::999999999999:role/team-lead"]
    data_scientist     = ["arn:aws:iam::999999999999:role/data-scientist"]
  }
}

# -----------------------------------------------------------------------------
# Baseline and boundaries (must plan cleanly)
# -----------------------------------------------------------------------------

run "baseline_is_valid" {
  command = plan

  assert {
    condition     = length(output.created_role_names) == 7
    error_message = "The baseline inputs must plan all seven roles (deploy-events included)."
  }
}

run "boundaries_are_accepted" {
  command = plan

  variables {
    name_prefix = "ab-c"
    prefix      = "ab"
    bucket_arns = [
      "arn:aws:s3:::ab-c-data-111111111111",
      "arn:aws:s3:::ab-c-models-111111111111",
      "arn:aws:s3:::ab-c-features-111111111111",
      "arn:aws:s3:::ab-c-access-logs-111111111111",
    ]
    read_only_bucket_arns    = ["arn:aws:s3:::ab-c-access-logs-111111111111"]
    aws_service_bucket_arns  = ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket", "arn:aws:s3:::jumpstart-cache-prod-eu-west-1"]
    ssm_parameter_arn_prefix = "arn:aws:ssm:eu-west-1:111111111111:parameter/ab"
    subnet_ids = [
      "subnet-00000000", "subnet-00000001", "subnet-00000002", "subnet-00000003",
      "subnet-00000004", "subnet-00000005", "subnet-00000006", "subnet-00000007",
      "subnet-00000008", "subnet-00000009", "subnet-0000000a", "subnet-0000000b",
      "subnet-0000000c", "subnet-0000000d", "subnet-0000000e", "subnet-0123456789abcdef0",
    ]
    security_group_ids = ["sg-00000000", "sg-00000001", "sg-00000002", "sg-00000003", "sg-0123456789abcdef0"]
    persona_principals = {}
    existing_role_arns = {
      data_scientist      = "arn:aws:iam::111111111111:role/path/to/ds"
      sagemaker_execution = "arn:aws:iam::111111111111:role/sm"
    }
    studio_domain_id            = "d-0123456789ab"
    studio_user_profile_tag_key = "studio:profile=1"
    project_resource_prefix     = "ab-c-p-"
    target_account_ids          = { a = "000000000000", prod-eu-1 = "999999999999" }
    tags                        = { "k" = "" }
  }

  assert {
    condition     = keys(output.created_role_names) == ["deploy_events", "launch", "pipeline_execution"]
    error_message = "Boundary inputs must plan; with no principals and two brought roles only the deploy-events, launch and pipeline roles are created."
  }

  assert {
    condition     = length(output.policy_documents["permission-boundary"]) <= 6144 && length(output.policy_documents["sagemaker-guardrails"]) <= 6144
    error_message = "Six buckets, 16 subnets and 5 security groups must still fit the managed policy size limit."
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

    # bucket_arns_must_not_be_empty
    bucket_arns           = []
    read_only_bucket_arns = []

    # kms_keys_need_data_ebs_studio
    kms_key_arns = {
      data = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
      ebs  = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
    }

    # ssm_prefix_must_be_parameter_path_arn
    ssm_parameter_arn_prefix = "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev/"

    # subnet_ids_count_and_uniqueness
    subnet_ids = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef0"]

    # security_group_ids_count_and_uniqueness
    security_group_ids = ["sg-00000000", "sg-00000001", "sg-00000002", "sg-00000003", "sg-00000004", "sg-00000005"]

    # persona_principals_must_be_exact_role_or_user_arns
    persona_principals = {
      data_scientist = ["arn:aws:iam::999999999999:root"]
    }

    # existing_role_arns_must_be_role_arns
    existing_role_arns = {
      pipeline_execution = "arn:aws:iam::111111111111:role/*"
    }

    # studio_domain_id_format
    studio_domain_id = "domain-1"

    # studio_tag_key_format
    studio_user_profile_tag_key = "team/profile"

    # target_stage_names
    target_account_ids = { Prod = "333333333333" }
  }

  expect_failures = [
    var.name_prefix,
    var.tags,
    var.bucket_arns,
    var.kms_key_arns,
    var.ssm_parameter_arn_prefix,
    var.subnet_ids,
    var.security_group_ids,
    var.persona_principals,
    var.existing_role_arns,
    var.studio_domain_id,
    var.studio_user_profile_tag_key,
    var.target_account_ids,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # prefix_must_match_pattern
    # One character: too short, but still the leading part of name_prefix.
    name_prefix           = "m-dev"
    prefix                = "m"
    bucket_arns           = ["arn:aws:s3:::m-dev-data-111111111111"]
    read_only_bucket_arns = []

    # kms_purposes_must_match_pattern
    kms_key_arns = {
      data      = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
      ebs       = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
      studio    = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
      "My Logs" = "arn:aws:kms:eu-west-1:111111111111:key/44444444-4444-4444-4444-444444444444"
    }

    # subnet_ids_must_be_subnet_ids
    subnet_ids = ["sg-0123456789abcdef0"]

    # security_group_ids_must_be_group_ids
    security_group_ids = ["subnet-0123456789abcdef0"]

    # persona_principals_must_be_unique
    persona_principals = {
      team_lead = ["arn:aws:iam::999999999999:role/lead", "arn:aws:iam::999999999999:role/lead"]
    }

    # target_account_ids_format
    target_account_ids = { prod = "33333333333" }
  }

  expect_failures = [
    var.prefix,
    var.kms_key_arns,
    var.subnet_ids,
    var.security_group_ids,
    var.persona_principals,
    var.target_account_ids,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # prefix_must_lead_name_prefix
    prefix = "other"

    # bucket_arns_must_be_bucket_arns
    bucket_arns           = ["arn:aws:s3:::mlops-dev-data-111111111111/*"]
    read_only_bucket_arns = []

    # kms_keys_must_be_key_arns
    kms_key_arns = {
      data   = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"
      ebs    = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
      studio = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
    }
  }

  expect_failures = [
    var.prefix,
    var.bucket_arns,
    var.kms_key_arns,
  ]
}

run "bucket_arns_must_be_unique" {
  command = plan
  variables {
    bucket_arns           = ["arn:aws:s3:::mlops-dev-data-111111111111", "arn:aws:s3:::mlops-dev-data-111111111111"]
    read_only_bucket_arns = []
  }
  expect_failures = [var.bucket_arns]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # read_only_buckets_must_be_environment_buckets
    read_only_bucket_arns = ["arn:aws:s3:::somewhere-else"]

    # service_buckets_must_be_bucket_arns
    aws_service_bucket_arns = ["arn:aws:s3:::*"]
  }

  expect_failures = [
    var.read_only_bucket_arns,
    var.aws_service_bucket_arns,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_5" {
  command = plan

  variables {
    # one_bucket_must_stay_writable
    read_only_bucket_arns = [
      "arn:aws:s3:::mlops-dev-data-111111111111",
      "arn:aws:s3:::mlops-dev-models-111111111111",
      "arn:aws:s3:::mlops-dev-access-logs-111111111111",
    ]

    # service_buckets_must_not_repeat_environment_buckets
    aws_service_bucket_arns = ["arn:aws:s3:::mlops-dev-data-111111111111"]
  }

  expect_failures = [
    var.read_only_bucket_arns,
    var.aws_service_bucket_arns,
  ]
}

run "project_prefix_format" {
  command = plan
  variables {
    project_resource_prefix = "mlops-dev-project"
  }
  expect_failures = [var.project_resource_prefix]
}

run "project_prefix_must_start_with_name_prefix" {
  command = plan
  variables {
    project_resource_prefix = "mlops-prod-project-"
  }
  expect_failures = [var.project_resource_prefix]
}

run "project_prefix_must_not_cover_platform_buckets_or_roles" {
  command = plan
  variables {
    project_resource_prefix = "mlops-dev-data-"
  }
  expect_failures = [var.project_resource_prefix]
}

run "project_prefix_must_not_cover_the_deploy_events_role" {
  command = plan
  variables {
    project_resource_prefix = "mlops-dev-deploy-"
  }
  expect_failures = [var.project_resource_prefix]
}

# -----------------------------------------------------------------------------
# Preconditions (need account, region or the rendered policies)
# -----------------------------------------------------------------------------

run "kms_keys_must_be_in_this_region" {
  command = plan
  variables {
    kms_key_arns = {
      data   = "arn:aws:kms:us-east-1:111111111111:key/11111111-1111-1111-1111-111111111111"
      ebs    = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
      studio = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
    }
  }
  expect_failures = [aws_iam_policy.boundary]
}

run "ssm_prefix_must_be_in_this_account" {
  command = plan
  variables {
    ssm_parameter_arn_prefix = "arn:aws:ssm:eu-west-1:222222222222:parameter/mlops/dev"
  }
  expect_failures = [aws_iam_policy.boundary]
}

run "brought_roles_must_be_in_this_account" {
  command = plan
  variables {
    existing_role_arns = {
      launch = "arn:aws:iam::222222222222:role/launch"
    }
  }
  expect_failures = [aws_iam_policy.boundary]
}

run "policies_must_fit_iam_size_limits" {
  command = plan
  variables {
    bucket_arns             = [for i in range(20) : "arn:aws:s3:::mlops-dev-bucket-number-${i}-111111111111"]
    read_only_bucket_arns   = []
    aws_service_bucket_arns = []
  }
  expect_failures = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

run "instance_types_must_not_be_empty" {
  command = plan
  variables {
    instance_types = {
      studio_apps = ["system"]
      processing  = []
      training    = ["ml.m5.large"]
      transform   = ["ml.m5.large"]
      endpoints   = ["ml.m5.large"]
    }
  }
  expect_failures = [var.instance_types]
}

run "instance_types_must_be_instance_type_names" {
  command = plan
  variables {
    instance_types = {
      studio_apps = ["system"]
      processing  = ["ml.m5.*"]
      training    = ["system"]
      transform   = ["m5.large"]
      endpoints   = ["ml.m5.large"]
    }
  }
  expect_failures = [var.instance_types]
}

run "instance_types_listed_once" {
  command = plan
  variables {
    instance_types = {
      studio_apps = ["system", "system"]
      processing  = ["ml.m5.large"]
      training    = ["ml.m5.large"]
      transform   = ["ml.m5.large"]
      endpoints   = ["ml.m5.large"]
    }
  }
  expect_failures = [var.instance_types]
}
