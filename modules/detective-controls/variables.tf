variable "name_prefix" {
  type        = string
  description = "Prefix of every name, usually \"<prefix>-<environment>\" (e.g. \"mlops-prod\"): trail <name_prefix>-trail, bucket <name_prefix>-audit-<account>, keys alias/<name_prefix>-audit and -findings, topic <name_prefix>-security-findings, rules <name_prefix>-*."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix)) && !strcontains(var.name_prefix, "--")
    error_message = "name_prefix must be 3-32 lowercase letters, digits and single hyphens, start with a letter and not end with a hyphen; got \"${var.name_prefix}\"."
  }
}

variable "administrator_arns" {
  type        = list(string)
  description = "Exact IAM role or user ARNs that administer the two keys (key management only, never their use). Must include the principal that runs Terraform (KMS lockout safety check)."

  validation {
    condition     = length(var.administrator_arns) > 0 && alltrue([for a in var.administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "administrator_arns must list at least one exact IAM role or user ARN (no wildcards); invalid: ${jsonencode([for a in var.administrator_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])}."
  }
}

variable "read_only_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Exact IAM role or user ARNs that may read the keys' metadata (e.g. the CI plan role refreshing state)."

  validation {
    condition     = alltrue([for a in var.read_only_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "read_only_arns entries must be exact IAM role or user ARNs (no wildcards); invalid: ${jsonencode([for a in var.read_only_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])}."
  }
}

variable "log_reader_arn_patterns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "ARN patterns of this account's roles that may decrypt the trail's log files and Config's snapshots, through S3 only (the audit key's KeyUse statement); they also need an IAM policy allowing it. Empty: nobody reads them but through a later grant."

  validation {
    condition     = alltrue([for p in var.log_reader_arn_patterns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*$", p))])
    error_message = "log_reader_arn_patterns entries must be IAM role/user ARN patterns whose name starts with a literal character (a bare role/* would be every role); invalid: ${jsonencode([for p in var.log_reader_arn_patterns : p if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*$", p))])}."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  default     = 30
  nullable    = false
  description = "Waiting period (7-30 days) before a key scheduled for deletion is deleted."

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number between 7 and 30; got ${var.kms_deletion_window_days}."
  }
}

variable "kms_rotation_period_days" {
  type        = number
  default     = 365
  nullable    = false
  description = "Automatic rotation period of the keys (90-2560 days); rotation is always on."

  validation {
    condition     = var.kms_rotation_period_days >= 90 && var.kms_rotation_period_days <= 2560 && floor(var.kms_rotation_period_days) == var.kms_rotation_period_days
    error_message = "kms_rotation_period_days must be a whole number between 90 and 2560; got ${var.kms_rotation_period_days}."
  }
}

variable "log_retention_days" {
  type        = number
  default     = 365
  nullable    = false
  description = "Days the trail's log files and Config's snapshots are kept in the audit bucket (365-3650)."

  validation {
    condition     = var.log_retention_days >= 365 && var.log_retention_days <= 3650 && floor(var.log_retention_days) == var.log_retention_days
    error_message = "log_retention_days must be a whole number between 365 and 3650 (a year of audit history at least); got ${var.log_retention_days}."
  }
}

variable "access_log_retention_days" {
  type        = number
  default     = 365
  nullable    = false
  description = "Days the audit bucket's server access logs are kept (90-3650)."

  validation {
    condition     = var.access_log_retention_days >= 90 && var.access_log_retention_days <= 3650 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number between 90 and 3650; got ${var.access_log_retention_days}."
  }
}

variable "minimum_severity" {
  type        = string
  default     = "HIGH"
  nullable    = false
  description = "Findings of Security Hub (severity label) and GuardDuty (LOW 1, MEDIUM 4, HIGH 7, CRITICAL 9 and above) at or above this severity go to the topic: LOW, MEDIUM, HIGH or CRITICAL. Config rules turning NON_COMPLIANT always do."

  validation {
    condition     = contains(["LOW", "MEDIUM", "HIGH", "CRITICAL"], var.minimum_severity)
    error_message = "minimum_severity must be LOW, MEDIUM, HIGH or CRITICAL; got \"${var.minimum_severity}\"."
  }
}

variable "subscriptions" {
  type = list(object({
    protocol = string
    endpoint = string
  }))
  default     = []
  nullable    = false
  description = "Who receives the findings: { protocol = \"email\", endpoint = \"<address>\" } or { protocol = \"https\", endpoint = \"https://...\" } (at most 10, each once). Email subscriptions wait for their confirmation."

  validation {
    condition     = length(var.subscriptions) <= 10 && length(distinct([for s in var.subscriptions : "${s.protocol}:${s.endpoint}"])) == length(var.subscriptions)
    error_message = "subscriptions must hold at most 10 entries, each protocol and endpoint once; got ${length(var.subscriptions)}."
  }

  validation {
    condition = alltrue([for s in var.subscriptions : (
      (s.protocol == "email" && can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$", s.endpoint))) ||
      (s.protocol == "https" && can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s]*)?$", s.endpoint)))
    )])
    error_message = "subscriptions entries must be { protocol = \"email\", endpoint = <address> } or { protocol = \"https\", endpoint = \"https://<host>[/path]\" }; invalid: ${jsonencode([for s in var.subscriptions : s if !((s.protocol == "email" && can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}$", s.endpoint))) || (s.protocol == "https" && can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s]*)?$", s.endpoint))))])}."
  }
}

variable "config_snapshot_frequency" {
  type        = string
  default     = "TwentyFour_Hours"
  nullable    = false
  description = "How often AWS Config delivers a configuration snapshot to the audit bucket: One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours."

  validation {
    condition     = contains(["One_Hour", "Three_Hours", "Six_Hours", "Twelve_Hours", "TwentyFour_Hours"], var.config_snapshot_frequency)
    error_message = "config_snapshot_frequency must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours; got \"${var.config_snapshot_frequency}\"."
  }
}

variable "guardduty_finding_publishing_frequency" {
  type        = string
  default     = "FIFTEEN_MINUTES"
  nullable    = false
  description = "How often GuardDuty publishes updates of existing findings: FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS (new findings are published at once)."

  validation {
    condition     = contains(["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"], var.guardduty_finding_publishing_frequency)
    error_message = "guardduty_finding_publishing_frequency must be FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS; got \"${var.guardduty_finding_publishing_frequency}\"."
  }
}

variable "record_global_resource_types" {
  type        = bool
  default     = true
  nullable    = false
  description = "Whether this region's Config recorder records global resources (IAM). Exactly one region of an account should (set false in the others, or their IAM changes are recorded twice)."
}

variable "create_config_service_linked_role" {
  type        = bool
  default     = true
  nullable    = false
  description = "Create AWS Config's service-linked role AWSServiceRoleForConfig; false when the account already has it (an account has one)."
}

variable "force_destroy" {
  type        = bool
  default     = false
  nullable    = false
  description = "Let destroy delete the audit and access-log buckets with their objects (only for throw-away environments: the audit history goes with them)."
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags of every resource that takes them (besides the provider's default_tags)."

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters not starting with \"aws:\", values at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }
}
