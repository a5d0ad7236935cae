mock_provider "aws" {}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111111111111"
    arn        = "arn:aws:iam::111111111111:role/terraform-deploy"
    user_id    = "AROAEXAMPLEEXAMPLE"
  }
}

override_data {
  target = data.aws_partition.current
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

override_data {
  target = data.aws_region.current
  values = {
    name = "eu-west-1"
  }
}

variables {
  name_prefix = "mlops-dev"
  keys = {
    data = {
      description  = "Data key"
      via_services = ["s3", "sagemaker"]
    }
    logs = {
      description           = "Logs key"
      allow_cloudwatch_logs = true
    }
  }
  administrator_arns = ["arn:aws:iam::111111111111:role/terraform-deploy"]
  user_arn_patterns  = ["arn:aws:iam::111111111111:role/mlops-dev-*"]
  read_only_arns     = ["arn:aws:iam::111111111111:role/ci-plan"]
}

# One plan (same variables) for: key_settings_and_aliases, data_key_policy, logs_key_policy.
run "key_settings_and_aliases" {
  command = plan

  # --- key_settings_and_aliases
  assert {
    condition     = length(aws_kms_key.this) == 2 && length(aws_kms_alias.this) == 2
    error_message = "Expected one key and one alias per entry of var.keys."
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.enable_key_rotation && k.rotation_period_in_days == 365 && k.deletion_window_in_days == 30])
    error_message = "Every key must have rotation enabled with the default 365-day period and a 30-day deletion window."
  }

  assert {
    condition     = alltrue([for k in aws_kms_key.this : k.is_enabled && !k.multi_region && !k.bypass_policy_lockout_safety_check && k.customer_master_key_spec == "SYMMETRIC_DEFAULT"])
    error_message = "Keys must be enabled, single-region symmetric keys without bypassing the lockout safety check."
  }

  assert {
    condition     = aws_kms_alias.this["data"].name == "alias/mlops-dev-data" && aws_kms_alias.this["logs"].name == "alias/mlops-dev-logs"
    error_message = "Aliases must be alias/<name_prefix>-<purpose>."
  }

  # --- data_key_policy
  assert {
    condition     = [for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s.Sid] == ["KeyAdministration", "ReadOnly", "KeyUse", "GrantsForAwsResources"]
    error_message = "The data key policy must contain exactly KeyAdministration, ReadOnly, KeyUse and GrantsForAwsResources (no CloudWatchLogs)."
  }

  # Administrators manage the key but can not use it for cryptography.
  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.this["data"].policy).Statement : alltrue([
        for a in s.Action : !can(regex("^kms:(\\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey)", a))
      ]) if s.Sid == "KeyAdministration"
    ])
    error_message = "KeyAdministration must not allow kms:* or Encrypt/Decrypt/ReEncrypt/GenerateDataKey."
  }

  # No wildcards at all (kms:Create* would include CreateGrant) and no way to grant itself key use.
  assert {
    condition = alltrue([
      for a in one([for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s if s.Sid == "KeyAdministration"]).Action :
      !strcontains(a, "*") && a != "kms:CreateGrant"
    ])
    error_message = "KeyAdministration must list its actions without wildcards and without kms:CreateGrant."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s if s.Sid == "KeyAdministration"]).Principal == {
      AWS = ["arn:aws:iam::111111111111:role/terraform-deploy"]
    }
    error_message = "KeyAdministration principal must be exactly administrator_arns."
  }

  assert {
    condition = toset(one([for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s if s.Sid == "ReadOnly"]).Action) == toset([
      "kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags",
    ])
    error_message = "ReadOnly must allow only DescribeKey, GetKeyPolicy, GetKeyRotationStatus and ListResourceTags."
  }

  assert {
    condition     = one([for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s if s.Sid == "ReadOnly"]).Principal.AWS == ["arn:aws:iam::111111111111:role/ci-plan"]
    error_message = "ReadOnly principal must be exactly read_only_arns."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s if s.Sid == "KeyUse"]) == {
      Sid       = "KeyUse"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      Resource  = "*"
      Condition = {
        ArnLike      = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/mlops-dev-*"] }
        StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com", "sagemaker.eu-west-1.amazonaws.com"] }
      }
    }
    error_message = "KeyUse must allow only the data-plane actions to this account's matching principals through the listed services."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s if s.Sid == "GrantsForAwsResources"]) == {
      Sid       = "GrantsForAwsResources"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111111111111:root" }
      Action    = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
      Resource  = "*"
      Condition = {
        ArnLike      = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/mlops-dev-*"] }
        StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com", "sagemaker.eu-west-1.amazonaws.com"] }
        Bool         = { "kms:GrantIsForAWSResource" = "true" }
      }
    }
    error_message = "GrantsForAwsResources must be limited to grants for AWS resources, for the same principals and services as KeyUse."
  }

  # Nothing in the policy is open to everybody.
  assert {
    condition = alltrue([
      for s in jsondecode(aws_kms_key.this["data"].policy).Statement :
      s.Effect == "Allow" && try(s.Principal.AWS, null) != "*" && try(s.Principal, null) != "*" && !contains(s.Action, "kms:*")
    ])
    error_message = "No statement may use a wildcard principal or kms:*."
  }

  # --- logs_key_policy
  assert {
    condition     = [for s in jsondecode(aws_kms_key.this["logs"].policy).Statement : s.Sid] == ["KeyAdministration", "ReadOnly", "KeyUse", "GrantsForAwsResources", "CloudWatchLogs"]
    error_message = "The logs key policy must end with a CloudWatchLogs statement."
  }

  assert {
    condition     = !can(one([for s in jsondecode(aws_kms_key.this["logs"].policy).Statement : s if s.Sid == "KeyUse"]).Condition.StringEquals)
    error_message = "Without via_services KeyUse must not carry a kms:ViaService condition."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.this["logs"].policy).Statement : s if s.Sid == "CloudWatchLogs"]) == {
      Sid       = "CloudWatchLogs"
      Effect    = "Allow"
      Principal = { Service = "logs.eu-west-1.amazonaws.com" }
      Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
      Resource  = "*"
      Condition = {
        ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:eu-west-1:111111111111:log-group:*" }
      }
    }
    error_message = "CloudWatchLogs must be limited to this region's logs service and this account's log groups."
  }
}

run "admin_only_policy" {
  command = plan

  variables {
    keys = {
      state = { description = "State key" }
    }
    user_arn_patterns       = []
    read_only_arns          = []
    deletion_window_in_days = 7
    rotation_period_in_days = 90
  }

  assert {
    condition     = [for s in jsondecode(aws_kms_key.this["state"].policy).Statement : s.Sid] == ["KeyAdministration"]
    error_message = "Without users, read-only principals or CloudWatch Logs only the KeyAdministration statement may exist."
  }

  assert {
    condition     = aws_kms_key.this["state"].deletion_window_in_days == 7 && aws_kms_key.this["state"].rotation_period_in_days == 90
    error_message = "deletion_window_in_days and rotation_period_in_days must be passed through."
  }
}

run "foreign_account_user_pattern_rejected" {
  command = plan

  variables {
    user_arn_patterns = ["arn:aws:iam::222222222222:role/mlops-dev-*"]
  }

  expect_failures = [aws_kms_key.this]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # invalid_name_prefix
    name_prefix = "MLOps_dev"

    # empty_keys
    keys = {}

    # no_administrators
    administrator_arns = []

    # invalid_user_pattern
    user_arn_patterns = ["arn:aws:sts::111111111111:assumed-role/mlops-dev-*"]

    # invalid_read_only
    read_only_arns = ["*"]

    # deletion_window_too_short
    deletion_window_in_days = 6

    # rotation_too_short
    rotation_period_in_days = 89

    # invalid_tags
    tags = { "aws:owner" = "x" }
  }

  expect_failures = [
    var.name_prefix,
    var.keys,
    var.administrator_arns,
    var.user_arn_patterns,
    var.read_only_arns,
    var.deletion_window_in_days,
    var.rotation_period_in_days,
    var.tags,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # name_prefix_trailing_hyphen
    name_prefix = "mlops-dev-"

    # invalid_purpose
    keys = {
      "Data_Key" = { description = "bad" }
    }

    # invalid_administrator
    administrator_arns = ["arn:aws:iam::111111111111:group/admins"]

    # account_wide_user_pattern
    user_arn_patterns = ["arn:aws:iam::111111111111:role/*"]

    # deletion_window_too_long
    deletion_window_in_days = 31

    # rotation_too_long
    rotation_period_in_days = 2561
  }

  expect_failures = [
    var.name_prefix,
    var.keys,
    var.administrator_arns,
    var.user_arn_patterns,
    var.deletion_window_in_days,
    var.rotation_period_in_days,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # empty_description
    keys = {
      data = { description = "  " }
    }

    # wildcard_administrator
    administrator_arns = ["arn:aws:iam::111111111111:role/admin-*"]

    # rotation_fractional
    rotation_period_in_days = 365.5
  }

  expect_failures = [
    var.keys,
    var.administrator_arns,
    var.rotation_period_in_days,
  ]
}

run "invalid_via_service" {
  command = plan
  variables {
    keys = {
      data = { description = "d", via_services = ["s3.eu-west-1.amazonaws.com"] }
    }
  }
  expect_failures = [var.keys]
}

run "duplicate_via_service" {
  command = plan
  variables {
    keys = {
      data = { description = "d", via_services = ["s3", "s3"] }
    }
  }
  expect_failures = [var.keys]
}

run "cross_account_decrypt_only_via_s3_for_named_roles" {
  command = plan

  variables {
    keys = {
      data = {
        description                        = "data"
        cross_account_s3_decrypt_role_arns = ["arn:aws:iam::222222222222:role/mlops-staging-model-execution", "arn:aws:iam::333333333333:role/mlops-prod-model-execution"]
      }
    }
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.this["data"].policy).Statement : s if s.Sid == "CrossAccountDecryptViaS3"]) == {
      Sid       = "CrossAccountDecryptViaS3"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"] }
      Action    = ["kms:Decrypt", "kms:DescribeKey"]
      Resource  = "*"
      Condition = {
        ArnEquals    = { "aws:PrincipalArn" = ["arn:aws:iam::222222222222:role/mlops-staging-model-execution", "arn:aws:iam::333333333333:role/mlops-prod-model-execution"] }
        StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" }
      }
    }
    error_message = "Target accounts may only decrypt through S3, and only as the named model execution roles."
  }
}

run "cross_account_wildcards_rejected" {
  command = plan

  variables {
    keys = {
      data = { description = "data", cross_account_s3_decrypt_role_arns = ["arn:aws:iam::222222222222:role/*"] }
    }
  }

  expect_failures = [var.keys]
}
