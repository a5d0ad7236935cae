data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  dns_suffix = data.aws_partition.current.dns_suffix

  # "arn:<partition>:iam::<account>:root" as a key policy principal means "this account";
  # the aws:PrincipalArn condition below narrows it to the environment's roles.
  account_root_arn = "arn:${local.partition}:iam::${local.account_id}:root"

  # Key management only, listed one by one: no Encrypt/Decrypt/ReEncrypt/GenerateDataKey and no
  # CreateGrant (a wildcard such as kms:Create* would let an administrator grant itself key use).
  admin_actions = [
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListKeyRotations",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:RotateKeyOnDemand",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
  ]

  read_only_actions = [
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListResourceTags",
  ]

  use_actions = [
    "kms:Encrypt",
    "kms:Decrypt",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:DescribeKey",
  ]

  grant_actions = [
    "kms:CreateGrant",
    "kms:ListGrants",
    "kms:RevokeGrant",
  ]

  cloudwatch_logs_actions = [
    "kms:Encrypt*",
    "kms:Decrypt*",
    "kms:ReEncrypt*",
    "kms:GenerateDataKey*",
    "kms:Describe*",
  ]

  # Statements are collected as { include, statement } pairs and filtered: the
  # statements have different shapes, so conditional "cond ? [] : [...]" lists
  # can not be used (a for expression over a tuple keeps heterogeneous shapes).
  key_policies = {
    for purpose, key in var.keys : purpose => {
      Version = "2012-10-17"
      Id      = "${var.name_prefix}-${purpose}"
      Statement = concat([
        for candidate in [
          {
            include = true
            statement = {
              Sid       = "KeyAdministration"
              Effect    = "Allow"
              Principal = { AWS = var.administrator_arns }
              Action    = local.admin_actions
              Resource  = "*"
            }
          },
          {
            include = length(var.read_only_arns) > 0
            statement = {
              Sid       = "ReadOnly"
              Effect    = "Allow"
              Principal = { AWS = var.read_only_arns }
              Action    = local.read_only_actions
              Resource  = "*"
            }
          },
          {
            include = length(var.user_arn_patterns) > 0
            statement = {
              Sid       = "KeyUse"
              Effect    = "Allow"
              Principal = { AWS = local.account_root_arn }
              Action    = local.use_actions
              Resource  = "*"
              Condition = local.key_use_conditions[purpose]
            }
          },
          {
            include = length(var.user_arn_patterns) > 0
            statement = {
              Sid       = "GrantsForAwsResources"
              Effect    = "Allow"
              Principal = { AWS = local.account_root_arn }
              Action    = local.grant_actions
              Resource  = "*"
              Condition = merge(local.key_use_conditions[purpose], {
                Bool = { "kms:GrantIsForAWSResource" = "true" }
              })
            }
          },
          {
            include = length(key.cross_account_s3_decrypt_role_arns) > 0
            statement = {
              Sid    = "CrossAccountDecryptViaS3"
              Effect = "Allow"
              Principal = {
                AWS = distinct([for arn in key.cross_account_s3_decrypt_role_arns : "arn:${local.partition}:iam::${split(":", arn)[4]}:root"])
              }
              Action   = ["kms:Decrypt", "kms:DescribeKey"]
              Resource = "*"
              Condition = {
                ArnEquals    = { "aws:PrincipalArn" = key.cross_account_s3_decrypt_role_arns }
                StringEquals = { "kms:ViaService" = "s3.${local.region}.${local.dns_suffix}" }
              }
            }
          },
          {
            include = key.allow_cloudwatch_logs
            statement = {
              Sid       = "CloudWatchLogs"
              Effect    = "Allow"
              Principal = { Service = "logs.${local.region}.${local.dns_suffix}" }
              Action    = local.cloudwatch_logs_actions
              Resource  = "*"
              Condition = {
                ArnLike = {
                  "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
                }
              }
            }
          },
        ] : candidate.statement if candidate.include
        ], [
        # AWS services acting for this account (e.g. CloudTrail), each limited by its own
        # conditions (validated: aws:SourceArn, aws:SourceAccount or an encryption context).
        for sp in key.service_principals : {
          Sid       = sp.sid
          Effect    = "Allow"
          Principal = { Service = sp.service }
          Action    = sp.actions
          Resource  = "*"
          Condition = sp.conditions
        }
      ])
    }
  }

  key_use_conditions = {
    for purpose, key in var.keys : purpose => merge(
      {
        ArnLike = { "aws:PrincipalArn" = var.user_arn_patterns }
      },
      length(key.via_services) == 0 ? {} : {
        StringEquals = {
          "kms:ViaService" = [for svc in key.via_services : "${svc}.${local.region}.${local.dns_suffix}"]
        }
      },
    )
  }

  # Account id embedded in each user pattern (validated shape: arn:<p>:iam::<acct>:...).
  foreign_user_patterns = [
    for p in var.user_arn_patterns : p if split(":", p)[4] != local.account_id
  ]
}

resource "aws_kms_key" "this" {
  for_each = var.keys

  description              = each.value.description
  key_usage                = "ENCRYPT_DECRYPT"
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  is_enabled               = true
  multi_region             = false
  enable_key_rotation      = true
  rotation_period_in_days  = var.rotation_period_in_days
  deletion_window_in_days  = var.deletion_window_in_days

  bypass_policy_lockout_safety_check = false
  policy                             = jsonencode(local.key_policies[each.key])

  tags = merge(var.tags, {
    Name    = "${var.name_prefix}-${each.key}"
    Purpose = each.key
  })

  lifecycle {
    precondition {
      condition     = length(local.foreign_user_patterns) == 0
      error_message = "user_arn_patterns must only name principals of this account (${local.account_id}); foreign patterns: ${jsonencode(local.foreign_user_patterns)}."
    }
  }
}

resource "aws_kms_alias" "this" {
  for_each = var.keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}
