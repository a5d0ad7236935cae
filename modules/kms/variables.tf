variable "name_prefix" {
  type        = string
  description = "Prefix for every name created by this module, usually \"<project>-<environment>\" (e.g. \"mlops-dev\"). Aliases become alias/<name_prefix>-<purpose>."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.name_prefix}\"."
  }
}

variable "keys" {
  type = map(object({
    description                        = string
    allow_cloudwatch_logs              = optional(bool, false)
    via_services                       = optional(list(string), [])
    cross_account_s3_decrypt_role_arns = optional(list(string), [])
    service_principals = optional(list(object({
      sid        = string
      service    = string
      actions    = list(string)
      conditions = map(map(list(string)))
    })), [])
  }))
  description = <<-EOT
    Customer-managed keys to create, keyed by purpose name (e.g. "data", "logs", "sagemaker").
    - description: human readable key description (required, 1-8192 characters).
    - allow_cloudwatch_logs: let CloudWatch Logs in this region use the key for log groups of this account.
    - via_services: service short names (e.g. "s3", "sagemaker", "ec2", "elasticfilesystem", "dynamodb"). When non-empty,
      key users may use the key only through these services (kms:ViaService = "<svc>.<region>.<dns suffix>").
    - cross_account_s3_decrypt_role_arns: roles in OTHER accounts (e.g. the model execution roles of the staging and prod
      accounts) that may decrypt objects encrypted with this key, only through S3 in this region. The roles need not exist
      yet: the statement names their accounts as principals and the exact role ARNs in an ArnEquals condition.
    - service_principals: AWS services that use the key for this account (e.g. CloudTrail encrypting a trail's log files),
      one statement each: sid (PascalCase, unique), service (its principal, e.g. "cloudtrail.amazonaws.com"), actions
      (kms:<Action>, never kms:*) and conditions ({ <operator> = { <key> = [values] } }) with at least one aws:SourceArn,
      aws:SourceAccount or kms:EncryptionContext:<key> condition, so the service acts only for this account's resources.
  EOT

  validation {
    condition     = length(var.keys) > 0
    error_message = "keys must contain at least one entry (purpose => { description = ... })."
  }

  validation {
    condition     = alltrue([for purpose in keys(var.keys) : can(regex("^[a-z][a-z0-9-]{0,30}$", purpose))])
    error_message = "Every key of keys (the purpose name) must match ^[a-z][a-z0-9-]{0,30}$ (lowercase letter first, then up to 30 lowercase letters, digits or hyphens); invalid: ${jsonencode([for purpose in keys(var.keys) : purpose if !can(regex("^[a-z][a-z0-9-]{0,30}$", purpose))])}."
  }

  validation {
    condition     = alltrue([for k in values(var.keys) : try(length(trimspace(k.description)) > 0 && length(k.description) <= 8192, false)])
    error_message = "keys[*].description must be a non-empty string of at most 8192 characters; offending purposes: ${jsonencode([for purpose, k in var.keys : purpose if !try(length(trimspace(k.description)) > 0 && length(k.description) <= 8192, false)])}."
  }

  validation {
    condition     = alltrue(flatten([for k in values(var.keys) : [for s in k.via_services : can(regex("^[a-z][a-z0-9-]{0,62}[a-z0-9]$", s))]]))
    error_message = "keys[*].via_services entries must be AWS service short names such as \"s3\", \"sagemaker\", \"ec2\", \"elasticfilesystem\", \"dynamodb\" (lowercase letters, digits, hyphens; no region or domain); invalid: ${jsonencode(flatten([for k in values(var.keys) : [for s in k.via_services : s if !can(regex("^[a-z][a-z0-9-]{0,62}[a-z0-9]$", s))]]))}."
  }

  validation {
    condition     = alltrue(flatten([for k in values(var.keys) : [for arn in k.cross_account_s3_decrypt_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))]]))
    error_message = "keys[*].cross_account_s3_decrypt_role_arns must contain exact IAM role ARNs (no wildcards)."
  }

  validation {
    condition     = alltrue(flatten([for k in values(var.keys) : [for sp in k.service_principals : can(regex("^[A-Z][A-Za-z0-9]{0,63}$", sp.sid)) && can(regex("^[a-z][a-z0-9.-]*\\.amazonaws\\.com(\\.cn)?$", sp.service)) && length(sp.actions) > 0 && alltrue([for a in sp.actions : can(regex("^kms:[A-Z][A-Za-z]*\\*?$", a))])]]))
    error_message = "keys[*].service_principals entries need a PascalCase sid (at most 64 letters and digits), a service principal such as \"cloudtrail.amazonaws.com\" and actions kms:<Action> (never kms:*); invalid sids: ${jsonencode(flatten([for k in values(var.keys) : [for sp in k.service_principals : sp.sid if !(can(regex("^[A-Z][A-Za-z0-9]{0,63}$", sp.sid)) && can(regex("^[a-z][a-z0-9.-]*\\.amazonaws\\.com(\\.cn)?$", sp.service)) && length(sp.actions) > 0 && alltrue([for a in sp.actions : can(regex("^kms:[A-Z][A-Za-z]*\\*?$", a))]))]]))}."
  }

  validation {
    condition     = alltrue(flatten([for k in values(var.keys) : [for sp in k.service_principals : anytrue(flatten([for op, c in sp.conditions : [for key, v in c : length(v) > 0 && (contains(["aws:SourceArn", "aws:SourceAccount"], key) || startswith(key, "kms:EncryptionContext:"))]]))]]))
    error_message = "keys[*].service_principals[*].conditions must hold at least one aws:SourceArn, aws:SourceAccount or kms:EncryptionContext:<key> condition with values (a service principal without one can be made to use the key for another account: confused deputy); invalid sids: ${jsonencode(flatten([for k in values(var.keys) : [for sp in k.service_principals : sp.sid if !anytrue(flatten([for op, c in sp.conditions : [for key, v in c : length(v) > 0 && (contains(["aws:SourceArn", "aws:SourceAccount"], key) || startswith(key, "kms:EncryptionContext:"))]]))]]))}."
  }

  validation {
    condition     = alltrue([for k in values(var.keys) : length(distinct([for sp in k.service_principals : sp.sid])) == length(k.service_principals) && length(setintersection([for sp in k.service_principals : sp.sid], ["KeyAdministration", "ReadOnly", "KeyUse", "GrantsForAwsResources", "ServicesPublishingToTopics", "CrossAccountDecryptViaS3", "CloudWatchLogs"])) == 0])
    error_message = "keys[*].service_principals sids must be unique per key and must not reuse the module's own (KeyAdministration, ReadOnly, KeyUse, GrantsForAwsResources, ServicesPublishingToTopics, CrossAccountDecryptViaS3, CloudWatchLogs)."
  }

  validation {
    condition     = alltrue([for k in values(var.keys) : length(distinct(k.via_services)) == length(k.via_services)])
    error_message = "keys[*].via_services must not contain duplicates; offending purposes: ${jsonencode([for purpose, k in var.keys : purpose if length(distinct(k.via_services)) != length(k.via_services)])}."
  }
}

variable "administrator_arns" {
  type        = list(string)
  description = "IAM role or user ARNs that administer the keys (key management only, no cryptographic use). Must include the principal that runs Terraform, otherwise AWS rejects the key policy (lockout safety check). The principals must already exist."

  validation {
    condition     = length(var.administrator_arns) > 0
    error_message = "administrator_arns must contain at least one IAM role or user ARN."
  }

  validation {
    condition     = alltrue([for a in var.administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a)) && !strcontains(a, "*")])
    error_message = "administrator_arns entries must be exact IAM role or user ARNs without wildcards (^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$); invalid: ${jsonencode([for a in var.administrator_arns : a if !(can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a)) && !strcontains(a, "*"))])}."
  }
}

variable "user_arn_patterns" {
  type        = list(string)
  default     = []
  description = "ARN patterns (may contain * and ?) of IAM roles/users in THIS account allowed to use the keys, e.g. \"arn:aws:iam::<account-id>:role/mlops-dev-*\". Matched with ArnLike on aws:PrincipalArn; the principals additionally need an IAM policy allowing the kms actions."

  validation {
    condition     = alltrue([for p in var.user_arn_patterns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*$", p))])
    error_message = "user_arn_patterns entries must be IAM role/user ARN patterns of the form arn:<partition>:iam::<12-digit account>:(role|user)/<name or pattern>, where the name starts with a literal character (a bare \"role/*\" would grant every principal in the account); invalid: ${jsonencode([for p in var.user_arn_patterns : p if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*$", p))])}."
  }
}

variable "read_only_arns" {
  type        = list(string)
  default     = []
  description = "Exact IAM role or user ARNs that may only read key metadata (DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags), e.g. a CI plan role. The principals must already exist."

  validation {
    condition     = alltrue([for a in var.read_only_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a)) && !strcontains(a, "*")])
    error_message = "read_only_arns entries must be exact IAM role or user ARNs without wildcards (^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$); invalid: ${jsonencode([for a in var.read_only_arns : a if !(can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", a)) && !strcontains(a, "*"))])}."
  }
}

variable "deletion_window_in_days" {
  type        = number
  default     = 30
  description = "Waiting period (7-30 days) before a key scheduled for deletion is deleted."

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30 && floor(var.deletion_window_in_days) == var.deletion_window_in_days
    error_message = "deletion_window_in_days must be a whole number between 7 and 30; got ${var.deletion_window_in_days}."
  }
}

variable "rotation_period_in_days" {
  type        = number
  default     = 365
  description = "Automatic key material rotation period (90-2560 days). Rotation is always enabled."

  validation {
    condition     = var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560 && floor(var.rotation_period_in_days) == var.rotation_period_in_days
    error_message = "rotation_period_in_days must be a whole number between 90 and 2560; got ${var.rotation_period_in_days}."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Tags applied to every key (in addition to the provider's default_tags)."

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters and must not start with \"aws:\", values at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }
}
