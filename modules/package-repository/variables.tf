variable "name_prefix" {
  description = "Prefix of every name this module creates, usually \"<prefix>-<environment>\" (e.g. \"mlops-dev\"); the domain is <name_prefix>-packages. 3-32 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.name_prefix}\"."
  }
}

variable "encryption_key_arn" {
  description = "ARN of the customer managed KMS key that encrypts the domain's package assets (the environment's key). Its key policy must let the role that creates the domain create grants for AWS resources."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$|^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/mrk-[0-9a-f]{32}$", var.encryption_key_arn))
    error_message = "encryption_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>), not an alias; got \"${var.encryption_key_arn}\"."
  }
}

variable "public_upstream" {
  description = "Whether the curated repository has an upstream repository connected to the public index (external connection public:pypi): packages not published to the curated repository are then fetched from PyPI through CodeArtifact. false: only what the platform team publishes can be installed."
  type        = bool
  default     = false
  nullable    = false
}

variable "reader_role_arn_patterns" {
  description = "IAM role ARN patterns (ArnLike, e.g. arn:aws:iam::<account>:role/mlops-dev-*) of the roles that may obtain authorization tokens and read the repositories: the domain and repository policies deny every other principal. Each in this module's account; whether a matching role may actually read is decided by its own IAM policy."
  type        = list(string)

  validation {
    condition     = length(var.reader_role_arn_patterns) > 0 && alltrue([for p in var.reader_role_arn_patterns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/*-]+$", p))])
    error_message = "reader_role_arn_patterns must hold at least one IAM role ARN pattern arn:<partition>:iam::<12-digit account>:role/<name or pattern>; got ${jsonencode(var.reader_role_arn_patterns)}."
  }
}

variable "publisher_role_arns" {
  description = "Exact ARNs of the roles that may publish packages to the curated repository (the platform administrator persona and the deploy role): the repository policy denies publishing, changing and deleting package versions to every other principal. The public upstream repository takes no publications at all."
  type        = list(string)

  validation {
    condition     = length(var.publisher_role_arns) > 0 && alltrue([for arn in var.publisher_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "publisher_role_arns must hold at least one exact IAM role ARN (no wildcards); got ${jsonencode(var.publisher_role_arns)}."
  }
}

variable "tags" {
  description = "Tags of the domain and the repositories (a Name tag is added to each)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters not starting with \"aws:\", values at most 256 characters."
  }
}
