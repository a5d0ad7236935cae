variable "bucket_name" {
  type        = string
  description = "Globally unique bucket name (S3 general purpose bucket naming rules: 3-63 characters, lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no \"..\", not formatted like an IP address, no reserved prefixes/suffixes)."

  validation {
    condition = (
      length(var.bucket_name) >= 3 && length(var.bucket_name) <= 63 &&
      can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", var.bucket_name)) &&
      !strcontains(var.bucket_name, "..") &&
      !can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$", var.bucket_name)) &&
      !can(regex("^(xn--|sthree-|amzn-s3-demo-)", var.bucket_name)) &&
      !can(regex("(-s3alias|--ol-s3|\\.mrap|--x-s3|--table-s3)$", var.bucket_name))
    )
    error_message = "bucket_name must follow the S3 naming rules: 3-63 characters of lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit, without \"..\", not an IP address, not starting with xn--, sthree- or amzn-s3-demo- and not ending with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3; got \"${var.bucket_name}\"."
  }
}

variable "kms_key_arn" {
  type        = string
  default     = null
  nullable    = true
  description = "ARN of the customer-managed KMS key used for default encryption (SSE-KMS with S3 Bucket Keys). Required unless access_log_target = true, in which case it must be null (S3 server access logs can only be delivered to SSE-S3 buckets). Must be a key ARN, not an alias."

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>; aliases are not accepted because the bucket policy compares the key ARN); got \"${coalesce(var.kms_key_arn, "null")}\"."
  }

  validation {
    condition     = var.access_log_target ? var.kms_key_arn == null : var.kms_key_arn != null
    error_message = "kms_key_arn must be null when access_log_target = true (AWS only delivers server access logs to SSE-S3 buckets) and must be set when access_log_target = false; got access_log_target = ${var.access_log_target} and kms_key_arn = \"${coalesce(var.kms_key_arn, "null")}\"."
  }
}

variable "access_log_target" {
  type        = bool
  default     = false
  nullable    = false
  description = "True if this bucket RECEIVES S3 server access logs. The bucket then uses SSE-S3 (AES256) default encryption, kms_key_arn must be null, and the S3 logging service is allowed to write objects for the buckets in log_source_bucket_arns."
}

variable "log_source_bucket_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "ARNs (ArnLike patterns allowed) of the buckets whose server access logs may be delivered here. Required (non-empty) when access_log_target = true, must be empty otherwise."

  validation {
    condition     = alltrue([for a in var.log_source_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.*?-]*$", a))])
    error_message = "log_source_bucket_arns entries must be S3 bucket ARNs (arn:<partition>:s3:::<bucket name or pattern>, the name starting with a letter or digit); invalid: ${jsonencode([for a in var.log_source_bucket_arns : a if !can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.*?-]*$", a))])}."
  }

  validation {
    condition     = var.access_log_target ? length(var.log_source_bucket_arns) > 0 : length(var.log_source_bucket_arns) == 0
    error_message = "log_source_bucket_arns must be non-empty when access_log_target = true and empty when access_log_target = false; got access_log_target = ${var.access_log_target} with ${length(var.log_source_bucket_arns)} source bucket(s)."
  }
}

variable "logging" {
  type = object({
    target_bucket = string
    target_prefix = string
  })
  default     = null
  nullable    = true
  description = "Where THIS bucket's server access logs are delivered (target bucket name and key prefix, e.g. \"s3/<bucket>/\"). null disables access logging (only appropriate for the access-log bucket itself)."

  validation {
    condition = var.logging == null || (
      try(length(var.logging.target_bucket) >= 3 && length(var.logging.target_bucket) <= 63, false) &&
      can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", var.logging.target_bucket)) &&
      try(var.logging.target_bucket != var.bucket_name, false)
    )
    error_message = "logging.target_bucket must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens) other than bucket_name itself (logging a bucket into itself creates a feedback loop); got \"${try(var.logging.target_bucket, "null")}\"."
  }

  validation {
    condition     = var.logging == null || try(var.logging.target_prefix != null && length(var.logging.target_prefix) <= 512 && !startswith(var.logging.target_prefix, "/"), false)
    error_message = "logging.target_prefix must be a string of at most 512 characters that does not start with \"/\" (use \"\" for no prefix); got \"${try(coalesce(var.logging.target_prefix, "null"), "")}\"."
  }
}

variable "allowed_vpc_endpoint_ids" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "S3 VPC endpoint ids (vpce-...). When non-empty, every request that does not come through one of them is denied, except requests from vpce_exempt_principal_arns and from AWS service principals."

  validation {
    condition     = alltrue([for id in var.allowed_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]+$", id))])
    error_message = "allowed_vpc_endpoint_ids entries must match ^vpce-[0-9a-f]+$; invalid: ${jsonencode([for id in var.allowed_vpc_endpoint_ids : id if !can(regex("^vpce-[0-9a-f]+$", id))])}."
  }
}

variable "vpce_exempt_principal_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "IAM principal ARNs (ArnLike patterns allowed, e.g. the Terraform deploy role) that may access the bucket from outside allowed_vpc_endpoint_ids. Only meaningful together with allowed_vpc_endpoint_ids."

  validation {
    condition     = alltrue([for a in var.vpce_exempt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*)$", a))])
    error_message = "vpce_exempt_principal_arns entries must be IAM role/user ARNs or patterns (arn:<partition>:iam::<account>:(role|user)/<name>, name starting with a literal character) or an account root ARN; invalid: ${jsonencode([for a in var.vpce_exempt_principal_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*)$", a))])}."
  }

  validation {
    condition     = length(var.vpce_exempt_principal_arns) == 0 || length(var.allowed_vpc_endpoint_ids) > 0
    error_message = "vpce_exempt_principal_arns has no effect without allowed_vpc_endpoint_ids; set allowed_vpc_endpoint_ids or leave vpce_exempt_principal_arns empty (got ${jsonencode(var.vpce_exempt_principal_arns)})."
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
  description = "Bucket-wide lifecycle rule: days until noncurrent versions expire (default 90), days until incomplete multipart uploads are aborted (default 7), optional days until current versions move to STANDARD_IA (>= 30) and optional days until current versions expire."

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

variable "force_destroy" {
  type        = bool
  default     = false
  nullable    = false
  description = "Allow Terraform to delete the bucket even if it still contains objects (all versions are deleted). Keep false outside disposable environments."
}

variable "additional_policy_statements" {
  type        = any
  default     = []
  nullable    = false
  description = "Extra IAM policy statements (HCL objects with Sid/Effect/Principal/Action/Resource/Condition, as they should appear in the JSON) appended verbatim to the bucket policy, e.g. cross-account read grants. Typed as any (a list/tuple is required) so that statements of different shapes can be mixed; list(any) would force all statements into one object type."

  validation {
    condition     = can(concat(var.additional_policy_statements, [])) && alltrue([for s in try(concat(var.additional_policy_statements, []), []) : try(contains(["Allow", "Deny"], s.Effect), false)])
    error_message = "additional_policy_statements must be a list of policy statement objects, each with Effect = \"Allow\" or \"Deny\"."
  }

  validation {
    condition = alltrue([
      for s in try(concat(var.additional_policy_statements, []), []) :
      !(try(s.Effect, "") == "Allow" && (try(s.Principal == "*", false) || try(contains(flatten([s.Principal.AWS]), "*"), false)))
    ])
    error_message = "additional_policy_statements must not contain Allow statements with a wildcard principal (\"*\" or { AWS = \"*\" }); name the principals (accounts or roles) explicitly."
  }

  validation {
    condition = length(setintersection(
      toset([for s in try(concat(var.additional_policy_statements, []), []) : try(tostring(s.Sid), "")]),
      toset(["DenyInsecureTransport", "DenyWrongKmsKey", "DenyNonKmsEncryption", "DenyAccessOutsideVpcEndpoints", "AllowS3ServerAccessLogs"])
    )) == 0
    error_message = "additional_policy_statements must not reuse the module's reserved Sids (DenyInsecureTransport, DenyWrongKmsKey, DenyNonKmsEncryption, DenyAccessOutsideVpcEndpoints, AllowS3ServerAccessLogs)."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags applied to the bucket (in addition to the provider's default_tags)."

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters and must not start with \"aws:\", values at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }
}
