variable "name_prefix" {
  type        = string
  description = "Prefix of the environment's names, \"<prefix>-<environment>\" (e.g. \"mlops-dev\"). Every name of the project starts with <name_prefix>-<project_name>."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.name_prefix}\"."
  }
}

variable "prefix" {
  type        = string
  description = "Platform prefix without the environment (e.g. \"mlops\"). Used only to build the deterministic role ARNs of the target accounts, arn:<partition>:iam::<account>:role/<prefix>-<stage>-<suffix>. name_prefix must start with \"<prefix>-\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,28}[a-z0-9]$", var.prefix)) && startswith(var.name_prefix, "${var.prefix}-")
    error_message = "prefix must be 2-30 characters of lowercase letters, digits and hyphens (regex ^[a-z][a-z0-9-]{0,28}[a-z0-9]$) and name_prefix (\"${var.name_prefix}\") must start with \"<prefix>-\"; got prefix \"${var.prefix}\"."
  }
}

variable "project_name" {
  type        = string
  description = "Name of the ML project: 2-32 lowercase letters, digits and hyphens, starting with a letter (e.g. \"churn\"). Together with name_prefix it must fit the artifact bucket name <name_prefix>-<project_name>-artifacts-<account> (63 characters)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", var.project_name)) && !strcontains(var.project_name, "--")
    error_message = "project_name must be 2-32 characters of lowercase letters, digits and single hyphens, start with a letter and end with a letter or digit (regex ^[a-z][a-z0-9-]{0,30}[a-z0-9]$, no \"--\"); got \"${var.project_name}\"."
  }

  validation {
    condition     = length(var.name_prefix) + length(var.project_name) <= 39
    error_message = "project_name \"${var.project_name}\" is too long for name_prefix \"${var.name_prefix}\": together they may have at most 39 characters (got ${length(var.name_prefix) + length(var.project_name)}), so that the artifact bucket <name_prefix>-<project_name>-artifacts-<account> fits S3's 63 characters."
  }

  validation {
    condition     = !startswith("${var.project_name}-", "project-")
    error_message = "project_name must not be \"project\" nor start with \"project-\": <name_prefix>-project-* names belong to SageMaker project templates, whose roles the permission boundary forbids to create jobs or register models; got \"${var.project_name}\"."
  }
}

variable "repository" {
  type = object({
    owner = string
    name  = string
  })
  description = "The project's GitHub repository as { owner = \"<owner>\", name = \"<repo>\" } (github.com/<owner>/<repo>), with GitHub's letter case: the OIDC sub claim comparison is case-sensitive. Its build workflow may assume the CI role; approval decisions are dispatched to it."

  validation {
    condition     = var.repository != null && can(regex("^[A-Za-z0-9_.-]+$", var.repository.owner)) && can(regex("^[A-Za-z0-9_.-]+$", var.repository.name))
    error_message = "repository.owner and repository.name must each be non-empty letters, digits, '_', '.' and '-' (regex ^[A-Za-z0-9_.-]+$), without wildcards (* ?), colons or slashes; got ${jsonencode(var.repository)}."
  }

  validation {
    condition     = var.repository == null ? true : !contains([".", ".."], var.repository.owner) && !contains([".", ".."], var.repository.name)
    error_message = "repository.owner and repository.name must not be \".\" or \"..\"; got ${jsonencode(var.repository)}."
  }
}

variable "github_environment_build" {
  type        = string
  default     = "build"
  description = "The GitHub environment of the project repository whose jobs may assume the CI role (OIDC sub repo:<owner>/<repo>:environment:<this>). Its deployment branch rule must allow only the main branch: that rule is what limits the role to merged code (see README)."

  validation {
    condition     = var.github_environment_build != null && can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$", var.github_environment_build))
    error_message = "github_environment_build must be 1-255 characters of letters, digits, '_', '.' and '-', starting with a letter or digit (regex ^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$; no wildcards, spaces or colons); got \"${coalesce(var.github_environment_build, "null")}\"."
  }
}

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of this account's IAM OIDC provider for GitHub Actions (created by the bootstrap), arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be arn:<partition>:iam::<12-digit account>:oidc-provider/token.actions.githubusercontent.com (no wildcard, no other issuer); got \"${var.oidc_provider_arn}\"."
  }
}

variable "target_accounts" {
  type        = map(list(string))
  description = "Stage name => account ids of the accounts the project's approved models are deployed to (e.g. { staging = [\"<id>\"], prod = [\"<id>\", \"<id>\"] }). Their roles <prefix>-<stage>-<target_role_suffixes> may read this project's model packages. At least one account per stage; never this account."

  validation {
    condition     = var.target_accounts != null && length(var.target_accounts) > 0 && alltrue([for accounts in values(coalesce(var.target_accounts, {})) : length(accounts) > 0])
    error_message = "target_accounts must name at least one deployment account (stage => 12-digit account ids, at least one per stage); got ${jsonencode(var.target_accounts)}."
  }

  validation {
    condition     = var.target_accounts == null ? true : alltrue([for stage, accounts in var.target_accounts : can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", stage)) && alltrue([for account in accounts : can(regex("^[0-9]{12}$", account))])])
    error_message = "target_accounts keys must be stage names of 2-16 lowercase letters, digits and hyphens (regex ^[a-z][a-z0-9-]{0,14}[a-z0-9]$) and values lists of 12-digit account ids; got ${jsonencode(var.target_accounts)}."
  }
}

variable "target_waves" {
  type = map(object({
    canary       = string
    rest         = list(string)
    max_parallel = number
  }))
  default     = null
  description = "Stage name => how the project's deploy workflow rolls a decision out to that stage's accounts: the canary account alone first, then the rest, at most max_parallel at a time (the projects stack passes env.yaml target_accounts.<stage>.waves as orchestrator/accounts/waves.py plans them). Sent in every model-approval dispatch as client_payload.targets; it must hold exactly the accounts of target_accounts. null: the dispatch carries no targets and the workflow deploys to its repository variables STAGING_ACCOUNT_ID / PROD_ACCOUNT_ID."

  validation {
    condition = alltrue([for stage, plan in(var.target_waves == null ? {} : var.target_waves) : (
      can(regex("^[a-z][a-z0-9-]{0,14}[a-z0-9]$", stage)) && can(regex("^[0-9]{12}$", plan.canary)) &&
      alltrue([for account in plan.rest : can(regex("^[0-9]{12}$", account))]) && length(plan.rest) <= 255 &&
      length(distinct(plan.rest)) == length(plan.rest) && !contains(plan.rest, plan.canary) &&
      floor(plan.max_parallel) == plan.max_parallel && plan.max_parallel >= 1 && plan.max_parallel <= 256
    )])
    error_message = "target_waves must map stage names (regex ^[a-z][a-z0-9-]{0,14}[a-z0-9]$) to { canary = <12-digit account id>, rest = at most 255 distinct 12-digit account ids without the canary, max_parallel = a whole number from 1 to 256 }; got ${jsonencode(var.target_waves)}."
  }

  validation {
    condition = var.target_waves == null ? true : (
      sort(keys(var.target_waves)) == sort(keys(coalesce(var.target_accounts, {}))) &&
      alltrue([for stage, plan in var.target_waves : sort(concat([plan.canary], plan.rest)) == sort(lookup(coalesce(var.target_accounts, {}), stage, []))])
    )
    error_message = "target_waves must plan exactly the stages and accounts of target_accounts (each stage's canary and rest together are its accounts); got target_waves ${jsonencode(var.target_waves)} and target_accounts ${jsonencode(var.target_accounts)}."
  }
}

variable "target_role_suffixes" {
  type        = list(string)
  default     = ["model-execution", "model-deploy"]
  nullable    = false
  description = "Role names, without \"<prefix>-<stage>-\", that read model packages in each target account: the model execution role (<prefix>-<stage>-model-execution, as the foundation stack grants the models bucket to) and the role that creates models there from a package (<prefix>-<stage>-model-deploy). Exact names, no wildcards."

  validation {
    condition     = length(var.target_role_suffixes) > 0 && length(distinct(var.target_role_suffixes)) == length(var.target_role_suffixes) && alltrue([for s in var.target_role_suffixes : can(regex("^[a-z0-9][a-z0-9-]{0,46}[a-z0-9]$", s))])
    error_message = "target_role_suffixes must be a non-empty list of distinct role-name suffixes of 2-48 lowercase letters, digits and hyphens (regex ^[a-z0-9][a-z0-9-]{0,46}[a-z0-9]$; no wildcards); got ${jsonencode(var.target_role_suffixes)}."
  }

  validation {
    condition     = alltrue(flatten([for stage in keys(coalesce(var.target_accounts, {})) : [for s in var.target_role_suffixes : length(var.prefix) + length(stage) + length(s) + 2 <= 64]]))
    error_message = "target_role_suffixes must give role names <prefix>-<stage>-<suffix> of at most 64 characters (IAM's limit) for every stage of target_accounts; got prefix ${jsonencode(var.prefix)}, stages ${jsonencode(keys(coalesce(var.target_accounts, {})))} and suffixes ${jsonencode(var.target_role_suffixes)}."
  }
}

variable "kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key (of this account) that encrypts the artifact bucket, usually the environment's data key; the models bucket (models_bucket_name) must be encrypted with it too. The CI role may use it through S3 only."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key id> (aliases and wildcards are rejected); got \"${var.kms_key_arn}\"."
  }
}

variable "access_log_bucket_name" {
  type        = string
  description = "Name of the environment's S3 access-log bucket (SSE-S3), which receives the artifact bucket's server access logs under s3/<artifact bucket>/. Its policy must list the artifact bucket as a log source."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_log_bucket_name))
    error_message = "access_log_bucket_name must be an S3 bucket name of 3-63 lowercase letters, digits, dots and hyphens (regex ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$); got \"${var.access_log_bucket_name}\"."
  }
}

variable "models_bucket_name" {
  type        = string
  description = "Name of the environment's models bucket (the foundation's storage/models-bucket), encrypted with kms_key_arn. The CI role may upload the pipeline's Processing scripts to s3://<models bucket>/<project_name>/code/ (the seed code's run-pipeline), where the project's jobs read them with the project's job role; nothing else of that bucket. The project's pipeline and job roles reach s3://<models bucket>/<project_name>/ only."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.models_bucket_name))
    error_message = "models_bucket_name must be an S3 bucket name of 3-63 lowercase letters, digits, dots and hyphens (regex ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$); got \"${var.models_bucket_name}\"."
  }
}

variable "allowed_vpc_endpoint_ids" {
  type        = list(string)
  nullable    = false
  description = "The environment's S3 gateway endpoint ids (vpce-...). The artifact bucket denies every request not made through one of them, except requests of vpce_exempt_principal_arns, of the CI role (GitHub-hosted runners are outside the VPC) and of AWS service principals."

  validation {
    condition     = length(var.allowed_vpc_endpoint_ids) > 0 && alltrue([for id in var.allowed_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]+$", id))])
    error_message = "allowed_vpc_endpoint_ids must be a non-empty list of ids matching ^vpce-[0-9a-f]+$ (the artifact bucket is reachable only through the environment's endpoint); got ${jsonencode(var.allowed_vpc_endpoint_ids)}."
  }
}

variable "vpce_exempt_principal_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Further exact IAM role ARNs allowed to reach the artifact bucket from outside allowed_vpc_endpoint_ids (e.g. the Terraform deploy role and the GitHub apply/plan roles). The CI role of this project is always exempt."

  validation {
    condition     = alltrue([for a in var.vpce_exempt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "vpce_exempt_principal_arns entries must be exact role ARNs arn:<partition>:iam::<12-digit account>:role/<path/name> without wildcards; invalid: ${jsonencode([for a in var.vpce_exempt_principal_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])}."
  }
}

variable "permissions_boundary_arn" {
  type        = string
  description = "ARN of the customer-managed policy (of this account) set as permissions boundary of the CI, pipeline, job and events roles. It must allow what they do (see README: the artifact bucket and events:InvokeApiDestination)."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be a customer-managed policy ARN arn:<partition>:iam::<12-digit account>:policy/<name> (no wildcard, no AWS-managed policy); got \"${var.permissions_boundary_arn}\"."
  }
}

variable "guardrails_policy_arn" {
  type        = string
  description = "ARN of the platform's SageMaker guardrails managed policy (of this account; identity/guardrails-policy-arn), attached to the project's pipeline and job roles: jobs only in the environment's subnets and security groups, with its keys and inter-container encryption, registration only pending approval, no bucket outside the environment."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.guardrails_policy_arn))
    error_message = "guardrails_policy_arn must be a customer-managed policy ARN arn:<partition>:iam::<12-digit account>:policy/<name> (no wildcard, no AWS-managed policy); got \"${var.guardrails_policy_arn}\"."
  }
}

variable "instance_types_policy_arn" {
  type        = string
  description = "ARN of the platform's instance-types managed policy (of this account; identity/instance-types-policy-arn), attached to the project's pipeline and job roles beside the guardrails: processing, training, tuning and transform jobs only on the environment's allowed instance types."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.instance_types_policy_arn))
    error_message = "instance_types_policy_arn must be a customer-managed policy ARN arn:<partition>:iam::<12-digit account>:policy/<name> (no wildcard, no AWS-managed policy); got \"${var.instance_types_policy_arn}\"."
  }
}

variable "data_bucket_name" {
  type        = string
  description = "Name of the environment's data bucket (the foundation's storage/data-bucket), encrypted with kms_key_arn. The project's pipeline and job roles reach s3://<data bucket>/<project_name>/ only."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.data_bucket_name))
    error_message = "data_bucket_name must be an S3 bucket name of 3-63 lowercase letters, digits, dots and hyphens (regex ^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$); got \"${var.data_bucket_name}\"."
  }
}

variable "volume_kms_key_arn" {
  type        = string
  description = "ARN of the customer-managed KMS key (of this account) of the jobs' volumes, usually the environment's ebs key (kms/ebs-key-arn). The project's pipeline and job roles use it, and kms_key_arn, through SageMaker only."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.volume_kms_key_arn))
    error_message = "volume_kms_key_arn must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit account>:key/<key id> (aliases and wildcards are rejected); got \"${var.volume_kms_key_arn}\"."
  }
}

variable "subnet_ids" {
  type        = list(string)
  nullable    = false
  description = "The environment's private subnet ids (network/private-subnet-ids): the only subnets in which the job role may create the jobs' network interfaces."

  validation {
    condition     = length(var.subnet_ids) > 0 && alltrue([for id in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", id))])
    error_message = "subnet_ids must be a non-empty list of ids matching ^subnet-[0-9a-f]+$; got ${jsonencode(var.subnet_ids)}."
  }
}

variable "security_group_ids" {
  type        = list(string)
  nullable    = false
  description = "The environment's SageMaker security group ids (network/sagemaker-security-group-id): the only security groups the jobs' network interfaces may use."

  validation {
    condition     = length(var.security_group_ids) > 0 && alltrue([for id in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "security_group_ids must be a non-empty list of ids matching ^sg-[0-9a-f]+$; got ${jsonencode(var.security_group_ids)}."
  }
}

variable "ssm_prefix" {
  type        = string
  description = "SSM parameter path of the environment, /<prefix>/<environment> (e.g. \"/mlops/dev\"). The CI role reads the contract below it; the project's parameters are written under <ssm_prefix>/projects/<project_name>/."

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+){1,10}$", var.ssm_prefix)) && length(var.ssm_prefix) <= 200
    error_message = "ssm_prefix must be an absolute SSM path of 1-10 levels and at most 200 characters, without trailing slash or wildcard, e.g. \"/mlops/dev\" (regex ^(/[A-Za-z0-9_.-]+){1,10}$); got \"${var.ssm_prefix}\"."
  }

  validation {
    condition     = !startswith(lower(var.ssm_prefix), "/aws") && !startswith(lower(var.ssm_prefix), "/ssm")
    error_message = "ssm_prefix must not start with /aws or /ssm (reserved by AWS); got \"${var.ssm_prefix}\"."
  }
}

variable "key_administrator_arns" {
  type        = list(string)
  nullable    = false
  description = "Exact IAM role ARNs (of this account) that administer the project's events key (management only, no cryptographic use). Must include the principal that runs Terraform: KMS rejects a key policy that would lock it out. The principals must exist."

  validation {
    condition     = length(var.key_administrator_arns) > 0 && alltrue([for a in var.key_administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "key_administrator_arns must be a non-empty list of exact role ARNs arn:<partition>:iam::<12-digit account>:role/<path/name> without wildcards; got ${jsonencode(var.key_administrator_arns)}."
  }
}

variable "key_reader_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Exact IAM role ARNs (of this account) that may read the events key's metadata only (DescribeKey, GetKeyPolicy, GetKeyRotationStatus, ListResourceTags), e.g. the CI plan role, whose plans refresh the key. The principals must exist."

  validation {
    condition     = alltrue([for a in var.key_reader_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "key_reader_arns must be exact role ARNs arn:<partition>:iam::<12-digit account>:role/<path/name> without wildcards; got ${jsonencode(var.key_reader_arns)}."
  }
}

variable "key_deletion_window_days" {
  type        = number
  default     = 30
  nullable    = false
  description = "Waiting period (7-30 days) before the project's events key, once scheduled for deletion, is deleted."

  validation {
    condition     = var.key_deletion_window_days >= 7 && var.key_deletion_window_days <= 30 && floor(var.key_deletion_window_days) == var.key_deletion_window_days
    error_message = "key_deletion_window_days must be a whole number of days between 7 and 30; got ${var.key_deletion_window_days}."
  }
}

variable "dispatch_retry" {
  type = object({
    maximum_event_age_seconds = optional(number, 86400)
    maximum_retry_attempts    = optional(number, 185)
  })
  default     = {}
  nullable    = false
  description = "How long (60-86400 s) and how often (0-185) EventBridge retries a failed delivery of an approval decision to GitHub before it moves the event to the dead-letter queue. Defaults: EventBridge's maximums (24 hours, 185 attempts)."

  validation {
    condition = (
      var.dispatch_retry.maximum_event_age_seconds >= 60 && var.dispatch_retry.maximum_event_age_seconds <= 86400 &&
      floor(var.dispatch_retry.maximum_event_age_seconds) == var.dispatch_retry.maximum_event_age_seconds &&
      var.dispatch_retry.maximum_retry_attempts >= 0 && var.dispatch_retry.maximum_retry_attempts <= 185 &&
      floor(var.dispatch_retry.maximum_retry_attempts) == var.dispatch_retry.maximum_retry_attempts
    )
    error_message = "dispatch_retry.maximum_event_age_seconds must be a whole number between 60 and 86400 and dispatch_retry.maximum_retry_attempts a whole number between 0 and 185; got ${jsonencode(var.dispatch_retry)}."
  }
}

variable "force_destroy" {
  type        = bool
  default     = false
  nullable    = false
  description = "Let Terraform delete the artifact bucket with its objects (every version). Keep false outside disposable environments."
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags applied to every taggable resource (in addition to the provider's default_tags)."

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "tags keys must be 1-128 characters and must not start with \"aws:\", values at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }
}

variable "model_package_group_from_template" {
  description = "true for a project launched from the S3-based model-deploy template (env.yaml projects.<name>.registry = \"template\"): its stack created the model package group <name_prefix>-<project_name> with the deploy roles' read access, so this module creates neither the group nor its policy (everything else as usual; the approval rule matches the group by name)."
  type        = bool
  default     = false
  nullable    = false
}

variable "package_repositories" {
  description = "The environment's CodeArtifact repository (modules/package-repository), as a list of at most one: empty when the environment has none. domain_arn: the domain; repository_arn: the repository pip reads from. With one, the project's CI role may get tokens for the domain (and sts:GetServiceBearerToken for CodeArtifact only) and read the repository, to resolve the pipeline jobs' packages before it publishes the pipeline; it never publishes."
  type = list(object({
    domain_arn     = string
    repository_arn = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = length(var.package_repositories) <= 1
    error_message = "package_repositories holds at most one repository (the environment's); got ${length(var.package_repositories)}."
  }

  validation {
    condition = alltrue([for r in var.package_repositories : (
      can(regex("^arn:aws[a-z-]*:codeartifact:[a-z0-9-]+:[0-9]{12}:domain/[a-z][a-z0-9-]{0,48}[a-z0-9]$", r.domain_arn)) &&
      can(regex("^[a-z0-9][a-z0-9._-]{1,99}$", trimprefix(r.repository_arn, "${replace(r.domain_arn, ":domain/", ":repository/")}/")))
    )])
    error_message = "package_repositories entries must be a CodeArtifact domain ARN and the ARN of a repository of that domain; got ${jsonencode(var.package_repositories)}."
  }
}
