variable "name_prefix" {
  type        = string
  description = "Prefix of the environment's names, \"<prefix>-<environment>\" (e.g. \"mlops-dev\"). The roles are <name_prefix>-github-plan, <name_prefix>-github-apply and <name_prefix>-<project>-ci."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.name_prefix}\"."
  }
}

variable "partition" {
  type        = string
  description = "AWS partition of the account (data.aws_partition.current.partition of the caller), e.g. \"aws\"."

  validation {
    condition     = can(regex("^aws(-[a-z]+)*$", var.partition))
    error_message = "partition must be an AWS partition name (aws, aws-cn, aws-us-gov, ...); got \"${var.partition}\"."
  }
}

variable "account_id" {
  type        = string
  description = "12-digit id of the account the roles live in (data.aws_caller_identity.current.account_id of the caller)."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be 12 digits; got \"${var.account_id}\"."
  }
}

variable "project_names" {
  type        = list(string)
  description = "Names of the environment's ML projects whose CI role names and ARNs are wanted (env.yaml projects); empty for none."
  default     = []

  validation {
    condition     = alltrue([for project in var.project_names : can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", project))])
    error_message = "project_names entries must be 2-32 characters of lowercase letters, digits and hyphens, start with a letter and end with a letter or digit; got ${jsonencode(var.project_names)}."
  }
}
