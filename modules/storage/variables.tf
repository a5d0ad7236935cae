variable "name_prefix" {
  type        = string
  description = "Prefix of the bucket names, usually \"<project>-<environment>\" (e.g. \"mlops-dev\"). Buckets are named <name_prefix>-{data,models,access-logs}-<account id>."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.name_prefix}\"."
  }
}

variable "kms_key_arn" {
  type        = string
  nullable    = false
  description = "ARN of the customer-managed KMS key (the environment's data key) used for SSE-KMS on the data and models buckets. Must be a key ARN, not an alias."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>; aliases are not accepted); got \"${var.kms_key_arn}\"."
  }
}

variable "allowed_vpc_endpoint_ids" {
  type        = list(string)
  nullable    = false
  description = "S3 VPC endpoint ids (vpce-...) through which the buckets may be accessed. At least one is required: every request from elsewhere is denied except for vpce_exempt_principal_arns and AWS service principals."

  validation {
    condition     = length(var.allowed_vpc_endpoint_ids) > 0
    error_message = "allowed_vpc_endpoint_ids must contain at least one S3 VPC endpoint id (vpce-...)."
  }

  validation {
    condition     = alltrue([for id in var.allowed_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]+$", id))])
    error_message = "allowed_vpc_endpoint_ids entries must match ^vpce-[0-9a-f]+$; invalid: ${jsonencode([for id in var.allowed_vpc_endpoint_ids : id if !can(regex("^vpce-[0-9a-f]+$", id))])}."
  }
}

variable "vpce_exempt_principal_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "IAM principal ARNs (ArnLike patterns allowed) that may access the buckets from outside the VPC endpoints, typically the Terraform deploy role (without it Terraform running outside the VPC can not manage the bucket policy or objects)."

  validation {
    condition     = alltrue([for a in var.vpce_exempt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*)$", a))])
    error_message = "vpce_exempt_principal_arns entries must be IAM role/user ARNs or patterns (arn:<partition>:iam::<account>:(role|user)/<name>, name starting with a literal character) or an account root ARN; invalid: ${jsonencode([for a in var.vpce_exempt_principal_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*)$", a))])}."
  }
}

variable "lifecycle_rules" {
  type = object({
    noncurrent_version_expiration_days     = optional(number, 90)
    abort_incomplete_multipart_upload_days = optional(number, 7)
    transition_to_standard_ia_days         = optional(number)
    expiration_days                        = optional(number)
  })
  default     = {}
  nullable    = false
  description = "Lifecycle of the data and models buckets (see the s3-bucket module). The access-log bucket uses the same noncurrent/multipart settings and expires logs after access_log_retention_days."

  validation {
    condition     = var.lifecycle_rules.noncurrent_version_expiration_days >= 1 && floor(var.lifecycle_rules.noncurrent_version_expiration_days) == var.lifecycle_rules.noncurrent_version_expiration_days
    error_message = "lifecycle_rules.noncurrent_version_expiration_days must be a whole number >= 1; got ${var.lifecycle_rules.noncurrent_version_expiration_days}."
  }

  validation {
    condition     = var.lifecycle_rules.abort_incomplete_multipart_upload_days >= 1 && floor(var.lifecycle_rules.abort_incomplete_multipart_upload_days) == var.lifecycle_rules.abort_incomplete_multipart_upload_days
    error_message = "lifecycle_rules.abort_incomplete_multipart_upload_days must be a whole number >= 1; got ${var.lifecycle_rules.abort_incomplete_multipart_upload_days}."
  }

  validation {
    condition     = var.lifecycle_rules.transition_to_standard_ia_days == null || try(var.lifecycle_rules.transition_to_standard_ia_days >= 30 && floor(var.lifecycle_rules.transition_to_standard_ia_days) == var.lifecycle_rules.transition_to_standard_ia_days, false)
    error_message = "lifecycle_rules.transition_to_standard_ia_days must be null or a whole number >= 30 (S3 minimum for STANDARD_IA); got ${coalesce(var.lifecycle_rules.transition_to_standard_ia_days, -1)}."
  }

  validation {
    condition     = var.lifecycle_rules.expiration_days == null || try(var.lifecycle_rules.expiration_days >= 1 && floor(var.lifecycle_rules.expiration_days) == var.lifecycle_rules.expiration_days, false)
    error_message = "lifecycle_rules.expiration_days must be null or a whole number >= 1; got ${coalesce(var.lifecycle_rules.expiration_days, -1)}."
  }

  validation {
    condition     = var.lifecycle_rules.expiration_days == null || var.lifecycle_rules.transition_to_standard_ia_days == null || try(var.lifecycle_rules.expiration_days > var.lifecycle_rules.transition_to_standard_ia_days, false)
    error_message = "lifecycle_rules.expiration_days (${coalesce(var.lifecycle_rules.expiration_days, -1)}) must be greater than lifecycle_rules.transition_to_standard_ia_days (${coalesce(var.lifecycle_rules.transition_to_standard_ia_days, -1)})."
  }
}

variable "access_log_retention_days" {
  type        = number
  default     = 365
  nullable    = false
  description = "Days after which S3 server access log objects expire (whole number, at least 90)."

  validation {
    condition     = var.access_log_retention_days >= 90 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number >= 90; got ${var.access_log_retention_days}."
  }
}

variable "additional_log_source_bucket_arn_patterns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Further buckets of this environment that may deliver S3 server access logs to the access-log bucket, besides the data and models buckets: bucket ARNs (arn:<partition>:s3:::<bucket>) or ARN patterns ending in \"*\" (e.g. arn:<partition>:s3:::<name_prefix>-project-* for SageMaker project artifact buckets). Matched with ArnLike on aws:SourceArn; only buckets of this account can match (aws:SourceAccount). Bucket names must start with \"<name_prefix>-\"."

  validation {
    condition     = alltrue([for a in var.additional_log_source_bucket_arn_patterns : can(regex("^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|[a-z0-9][a-z0-9.-]{0,61}\\*)$", a))])
    error_message = "additional_log_source_bucket_arn_patterns entries must be S3 bucket ARNs (arn:<partition>:s3:::<bucket name>, 3-63 characters of lowercase letters, digits, dots and hyphens) or such an ARN ending in a single \"*\" after the first character of the name (no other wildcard, no object path); invalid: ${jsonencode([for a in var.additional_log_source_bucket_arn_patterns : a if !can(regex("^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]|[a-z0-9][a-z0-9.-]{0,61}\\*)$", a))])}."
  }

  validation {
    condition     = alltrue([for a in var.additional_log_source_bucket_arn_patterns : startswith(try(split(":::", a)[1], ""), "${var.name_prefix}-")])
    error_message = "additional_log_source_bucket_arn_patterns entries must name buckets of this environment: the bucket name (or pattern) must start with \"${var.name_prefix}-\" (a shorter pattern would let other buckets of the account deliver logs here); invalid: ${jsonencode([for a in var.additional_log_source_bucket_arn_patterns : a if !startswith(try(split(":::", a)[1], ""), "${var.name_prefix}-")])}."
  }

  validation {
    condition     = length(distinct(var.additional_log_source_bucket_arn_patterns)) == length(var.additional_log_source_bucket_arn_patterns)
    error_message = "additional_log_source_bucket_arn_patterns must not contain duplicates."
  }
}

variable "models_additional_policy_statements" {
  type        = any
  default     = []
  nullable    = false
  description = "Extra bucket policy statements appended verbatim to the models bucket policy (e.g. cross-account read grants for the promotion pipeline). A list of statement objects; typed as any so statements of different shapes can be mixed."

  validation {
    condition     = can(concat(var.models_additional_policy_statements, [])) && alltrue([for s in try(concat(var.models_additional_policy_statements, []), []) : try(contains(["Allow", "Deny"], s.Effect), false)])
    error_message = "models_additional_policy_statements must be a list of policy statement objects, each with Effect = \"Allow\" or \"Deny\"."
  }

  validation {
    condition = alltrue([
      for s in try(concat(var.models_additional_policy_statements, []), []) :
      !(try(s.Effect, "") == "Allow" && (try(s.Principal == "*", false) || try(contains(flatten([s.Principal.AWS]), "*"), false)))
    ])
    error_message = "models_additional_policy_statements must not contain Allow statements with a wildcard principal (\"*\" or { AWS = \"*\" }); name the principals explicitly."
  }
}

variable "force_destroy" {
  type        = bool
  default     = false
  nullable    = false
  description = "Allow Terraform to delete the buckets even if they contain objects. Keep false outside disposable environments."
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags applied to all buckets (in addition to the provider's default_tags)."

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters and must not start with \"aws:\", values at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }
}
