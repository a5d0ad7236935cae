variable "prefix" {
  description = "Platform name prefix; resources are named <prefix>-<environment>-<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.prefix))
    error_message = "prefix must be 2-10 lowercase letters or digits starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits starting with a letter."
  }
}

variable "deploy_role_arn" {
  description = "Role that runs Terraform in this account: administers the state key and reads/writes state."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.deploy_role_arn))
    error_message = "deploy_role_arn must be an IAM role ARN."
  }
}

variable "key_administrator_arns" {
  description = "Additional principals that administer (never use) the state key, e.g. a break-glass role."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.key_administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/.+$", arn))])
    error_message = "key_administrator_arns must contain IAM role or user ARNs only."
  }
}

variable "key_deletion_window_days" {
  description = "Days a deleted state key stays recoverable (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.key_deletion_window_days >= 7 && var.key_deletion_window_days <= 30
    error_message = "key_deletion_window_days must be between 7 and 30."
  }
}

variable "state_noncurrent_version_days" {
  description = "Days to keep previous versions of state files (recovery window after a bad apply)."
  type        = number
  default     = 365

  validation {
    condition     = var.state_noncurrent_version_days >= 30
    error_message = "state_noncurrent_version_days must be at least 30: old state versions are the way back from a bad apply."
  }
}

variable "github_repository" {
  description = "GitHub repository (org/repo) whose workflows get the plan role (pull requests) and the apply role (GitHub environment named like this environment)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be org/repo, without wildcards."
  }
}

variable "github_plan_branch" {
  description = "The protected branch whose jobs without a GitHub environment may use the read-only plan role (plan before a reviewed apply, scheduled drift), besides pull requests, and the only branch whose jobs in the env's GitHub environment may use the apply role."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$", var.github_plan_branch))
    error_message = "github_plan_branch must be one branch name (letters, digits, '_', '.', '/', '-'; no wildcards, spaces or colons)."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false when it already exists; then give existing_oidc_provider_arn)."
  type        = bool
  default     = true
}

variable "existing_oidc_provider_arn" {
  description = "ARN of the account's existing token.actions.githubusercontent.com OIDC provider, when create_oidc_provider is false."
  type        = string
  default     = null
}

variable "organizations_read_role_arn" {
  description = "The AWS Organizations read role of a dev environment whose stages name an OU (env.yaml organizations.read_role_arn): this account's GitHub plan role may assume exactly it, so that the deploy workflow's waves jobs list the OU's accounts (modules/github-oidc). null: no such permission."
  type        = string
  default     = null

  validation {
    condition     = var.organizations_read_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.organizations_read_role_arn))
    error_message = "organizations_read_role_arn must be null or one exact role ARN (arn:<partition>:iam::<12-digit account>:role/<path/name>, no wildcards)."
  }
}

variable "s3_public_access_block_managed_by" {
  description = "Who sets the account's S3 Block Public Access: \"account\" (bootstrap turns all four settings on) or \"organization\" (an organization-level S3 Block Public Access policy sets and locks them; bootstrap then manages nothing). See modules/s3-account-public-access-block."
  type        = string
  default     = "account"
  nullable    = false

  validation {
    condition     = contains(["account", "organization"], var.s3_public_access_block_managed_by)
    error_message = "s3_public_access_block_managed_by must be \"account\" or \"organization\"."
  }
}

variable "endpoint_autoscaling" {
  type        = bool
  default     = false
  nullable    = false
  description = "Create Application Auto Scaling's SageMaker endpoint service-linked role (a target account: its endpoints are scaled)."
}
