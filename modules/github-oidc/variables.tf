variable "name_prefix" {
  type        = string
  description = "Prefix of every name this module creates and of every resource the apply role may manage, usually \"<project>-<environment>\" (e.g. \"mlops-dev\"). Roles become <name_prefix>-github-plan and <name_prefix>-github-apply."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,19}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-21 characters (the longest <prefix>-<environment> env.yaml allows; the CI boundary must fit IAM's 6,144 characters with it) of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,19}[a-z0-9]$); got \"${var.name_prefix}\"."
  }
}

variable "repository" {
  type = object({
    owner = string
    name  = string
  })
  description = "The one GitHub repository whose workflows may assume the roles, as { owner = \"<owner>\", name = \"<repo>\" } for github.com/<owner>/<repo>. Written with the same letter case as on GitHub: the sub claim comparison is case-sensitive. (Two parts rather than \"<owner>/<repo>\" so that checkov can see the repository pinned in the trust policy's sub claim.)"

  validation {
    condition     = var.repository != null && can(regex("^[A-Za-z0-9_.-]+$", var.repository.owner)) && can(regex("^[A-Za-z0-9_.-]+$", var.repository.name))
    error_message = "repository.owner and repository.name must each be non-empty letters, digits, '_', '.' and '-' (together ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$), without wildcards (* ?), colons or slashes; got ${jsonencode(var.repository)}."
  }

  validation {
    condition     = var.repository == null ? true : !contains([".", ".."], var.repository.owner) && !contains([".", ".."], var.repository.name)
    error_message = "repository.owner and repository.name must not be \".\" or \"..\"; got ${jsonencode(var.repository)}."
  }
}

variable "github_environment" {
  type        = string
  description = "The GitHub environment (Settings > Environments, e.g. \"dev\", \"staging\", \"prod\") whose jobs may assume the apply role. Protect it with required reviewers and deployment branch rules: those rules are what gate the apply role."

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$", var.github_environment))
    error_message = "github_environment must be 1-255 characters of letters, digits, '_', '.' and '-', starting with a letter or digit (regex ^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$; no wildcards, spaces or colons); got \"${var.github_environment}\"."
  }
}

variable "plan_branch" {
  type        = string
  description = "The protected branch whose jobs without a GitHub environment (the plan before a reviewed apply, the scheduled drift check) may assume the read-only plan role, besides pull requests. Protect it: only reviewed merges should land there."

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$", var.plan_branch)) && !can(regex("(\\.\\.|//|/$|\\.lock$)", var.plan_branch))
    error_message = "plan_branch must be one branch name: letters, digits, '_', '.', '/' and '-', starting with a letter or digit, without '..', '//', a trailing '/' or '.lock' (no wildcards, spaces or colons); got \"${var.plan_branch}\"."
  }
}

variable "apply_branch" {
  type        = string
  default     = "main"
  nullable    = false
  description = "The protected branch whose jobs in github_environment may assume the apply role; jobs of the environment on any other branch or tag are refused by the trust itself (the subject carries the ref: see subject_claim_keys). Usually the same branch as plan_branch."

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$", var.apply_branch)) && !can(regex("(\\.\\.|//|/$|\\.lock$)", var.apply_branch))
    error_message = "apply_branch must be one branch name: letters, digits, '_', '.', '/' and '-', starting with a letter or digit, without '..', '//', a trailing '/' or '.lock' (no wildcards, spaces or colons); got \"${var.apply_branch}\"."
  }
}

variable "create_oidc_provider" {
  type        = bool
  default     = true
  description = "Create the account's IAM OIDC provider for token.actions.githubusercontent.com. Set to false when it already exists (an account has at most one per URL) and pass existing_oidc_provider_arn."

  validation {
    condition     = var.create_oidc_provider != null
    error_message = "create_oidc_provider must be true or false, not null."
  }
}

variable "existing_oidc_provider_arn" {
  type        = string
  default     = null
  description = "ARN of the account's existing GitHub OIDC provider, arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com. Required when create_oidc_provider is false, must be null otherwise."

  validation {
    condition = (
      var.create_oidc_provider ?
      var.existing_oidc_provider_arn == null :
      can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.existing_oidc_provider_arn))
    )
    error_message = "existing_oidc_provider_arn must be null when create_oidc_provider is true, and an ARN of the form arn:<partition>:iam::<12-digit account>:oidc-provider/token.actions.githubusercontent.com when create_oidc_provider is false."
  }
}

variable "oidc_thumbprints" {
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]
  nullable    = false
  description = "SHA-1 thumbprints (40 hex characters) of the token.actions.githubusercontent.com certificate chain, 1-5 entries. AWS no longer relies on them for GitHub (it trusts the issuer's CA), but the API still requires at least one."

  validation {
    condition     = length(var.oidc_thumbprints) >= 1 && length(var.oidc_thumbprints) <= 5 && length(distinct([for t in var.oidc_thumbprints : lower(t)])) == length(var.oidc_thumbprints)
    error_message = "oidc_thumbprints must contain 1 to 5 distinct thumbprints; got ${length(var.oidc_thumbprints)} entries."
  }

  validation {
    condition     = alltrue([for t in var.oidc_thumbprints : can(regex("^[0-9a-fA-F]{40}$", t))])
    error_message = "oidc_thumbprints entries must be 40 hexadecimal characters (regex ^[0-9a-fA-F]{40}$); invalid: ${jsonencode([for t in var.oidc_thumbprints : t if !can(regex("^[0-9a-fA-F]{40}$", t))])}."
  }
}

variable "state_bucket_arn" {
  type        = string
  description = "ARN of the account's Terraform state bucket, arn:<partition>:s3:::<bucket> (e.g. the bootstrap's <name_prefix>-tfstate-<account>)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_arn))
    error_message = "state_bucket_arn must be a bucket ARN arn:<partition>:s3:::<bucket name> (regex ^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$; no object key, no wildcard); got \"${var.state_bucket_arn}\"."
  }
}

variable "plan_readable_object_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "S3 object ARN patterns, arn:<partition>:s3:::<bucket>/<key pattern>, the plan role may read besides state: objects the stacks manage (aws_s3_object), which a plan refreshes with HeadObject and GetObjectTagging (s3:GetObject, s3:GetObjectTagging), e.g. the project templates bucket <name_prefix>-sc-templates-<account>/*. Only objects that hold no data: the plan role reads no data bucket."

  validation {
    condition     = alltrue([for a in var.plan_readable_object_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$", a))])
    error_message = "plan_readable_object_arns entries must be S3 object ARN patterns arn:<partition>:s3:::<bucket>/<key pattern> (the bucket named exactly); invalid: ${jsonencode([for a in var.plan_readable_object_arns : a if !can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$", a))])}."
  }
}

variable "state_key_arn" {
  type        = string
  description = "ARN of the KMS key that encrypts the state bucket and lock table, arn:<partition>:kms:<region>:<account>:key/<key id> (a key ARN, not an alias)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.state_key_arn))
    error_message = "state_key_arn must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key id> (regex ^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$; aliases and wildcards are rejected); got \"${var.state_key_arn}\"."
  }
}

variable "lock_table_arn" {
  type        = string
  description = "ARN of the DynamoDB state lock table, arn:<partition>:dynamodb:<region>:<account>:table/<name> (e.g. <name_prefix>-tflock)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.lock_table_arn))
    error_message = "lock_table_arn must be a DynamoDB table ARN arn:<partition>:dynamodb:<region>:<12-digit account>:table/<name> (regex ^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$; no wildcard); got \"${var.lock_table_arn}\"."
  }
}

variable "workload_boundary_policy_arn" {
  type        = string
  description = "ARN of the customer-managed policy, in this account, that must be the permissions boundary of every role the apply role creates or changes, arn:<partition>:iam::<account>:policy/<path/name>."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.workload_boundary_policy_arn))
    error_message = "workload_boundary_policy_arn must be a customer-managed policy ARN arn:<partition>:iam::<12-digit account>:policy/<name> (regex ^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$; no wildcard, no AWS-managed policy); got \"${var.workload_boundary_policy_arn}\"."
  }
}

variable "additional_boundary_policy_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Further customer-managed policies of this account that the apply role may set as a role's permissions boundary, for roles with a narrower boundary of their own (e.g. the network module's <name_prefix>-vpc-flow-logs-boundary). Like the workload boundary, the apply role can never change or delete them: they are created by the deploy role."

  validation {
    condition     = alltrue([for arn in var.additional_boundary_policy_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "additional_boundary_policy_arns entries must be customer-managed policy ARNs arn:<partition>:iam::<12-digit account>:policy/<name> (no wildcard, no AWS-managed policy); got ${jsonencode(var.additional_boundary_policy_arns)}."
  }
}

variable "ssm_parameter_prefix" {
  type        = string
  description = "SSM parameter path of the environment (e.g. \"/mlops/dev\"). The roles read, and the apply role manages, parameters under <ssm_parameter_prefix>/ only."

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+){1,14}$", var.ssm_parameter_prefix)) && length(var.ssm_parameter_prefix) <= 256
    error_message = "ssm_parameter_prefix must be an absolute SSM path of 1-14 levels and at most 256 characters, without trailing slash or wildcard, e.g. \"/mlops/dev\" (regex ^(/[A-Za-z0-9_.-]+){1,14}$); got \"${var.ssm_parameter_prefix}\"."
  }

  validation {
    condition     = !startswith(lower(var.ssm_parameter_prefix), "/aws") && !startswith(lower(var.ssm_parameter_prefix), "/ssm")
    error_message = "ssm_parameter_prefix must not start with /aws or /ssm (reserved by AWS); got \"${var.ssm_parameter_prefix}\"."
  }
}

variable "protected_role_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Existing roles whose names start with <name_prefix>- but which the apply role must never change, pass or delete, e.g. the account's Terraform deploy role arn:<partition>:iam::<account>:role/<name_prefix>-deploy. The two CI roles are always protected."

  validation {
    condition     = alltrue([for a in var.protected_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "protected_role_arns entries must be exact role ARNs arn:<partition>:iam::<12-digit account>:role/<path/name> without wildcards (regex ^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$); invalid: ${jsonencode([for a in var.protected_role_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])}."
  }
}

variable "protected_policy_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Existing customer-managed policies whose names start with <name_prefix>- but which the apply role must never change, delete or detach from any role (DenyGuardrailsDetach), e.g. the SageMaker guardrails or a policy attached to the deploy role. The CI boundary and workload_boundary_policy_arn are always protected."

  validation {
    condition     = alltrue([for a in var.protected_policy_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "protected_policy_arns entries must be exact customer-managed policy ARNs arn:<partition>:iam::<12-digit account>:policy/<path/name> without wildcards (regex ^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$); invalid: ${jsonencode([for a in var.protected_policy_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", a))])}."
  }
}

variable "organizations_read_role_arn" {
  type        = string
  default     = null
  description = "The AWS Organizations read role that lists a stage's OU accounts (env.yaml organizations.read_role_arn), in the management account or a delegated administrator. When set, the plan role may assume exactly this role (managed policy ci-organizations-read-<name_prefix>; the CI boundary allows sts:AssumeRole on this ARN only), for a deploy workflow's waves job; the role's trust must name the plan role. null (default): no such permission."

  validation {
    condition     = var.organizations_read_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.organizations_read_role_arn))
    error_message = "organizations_read_role_arn must be null or one exact role ARN arn:<partition>:iam::<12-digit account>:role/<path/name> without wildcards (regex ^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$); got ${jsonencode(var.organizations_read_role_arn)}."
  }
}

variable "max_session_duration" {
  type        = number
  default     = 3600
  nullable    = false
  description = "Maximum session duration of both roles, in seconds. IAM accepts 3600-43200 for a role and this module caps CI sessions at one hour, so 3600 is the only accepted value (kept as an input so that raising it is a visible, reviewed change). Jobs request shorter sessions (900-3600) with role-duration-seconds."

  validation {
    condition     = var.max_session_duration == 3600
    error_message = "max_session_duration must be 3600: IAM's minimum for a role is 3600 seconds and this module caps CI sessions at one hour; request shorter sessions (900-3600) in the workflow with role-duration-seconds. Got ${var.max_session_duration}."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags applied to every resource (in addition to the provider's default_tags)."

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters and must not start with \"aws:\", values at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }
}
