################################################################################
# Naming and tagging
################################################################################

variable "name_prefix" {
  description = "Prefix of every name this module creates, \"<prefix>-<environment>\" (e.g. \"mlops-dev\"). The domain is <name_prefix>-studio, the lifecycle configurations <name_prefix>-sdk-<app>-<content hash>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "The variable name_prefix must be 3-32 characters of lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$), e.g. \"mlops-dev\"; got \"${var.name_prefix}\"."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource of this module (domain, lifecycle configurations, user profiles, SSM parameters). User profiles also get persona = <persona> (and team = <team> for a team's profile)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "The variable tags must have keys of 1-128 characters that do not start with \"aws:\" and values of at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }

  validation {
    condition     = !contains(keys(var.tags), "persona")
    error_message = "The variable tags must not contain the key \"persona\": the module sets it on every user profile from user_profiles."
  }
}

################################################################################
# Network placement
################################################################################

variable "vpc_id" {
  description = "VPC of the domain. Studio runs VpcOnly: every app reaches AWS only through this VPC (its endpoints, or its NAT if the environment has one)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "The variable vpc_id must be a VPC id of the form vpc-<8-17 hex digits>; got \"${var.vpc_id}\"."
  }
}

variable "subnet_ids" {
  description = "Private subnets of the domain's apps, also written into the SDK defaults as the VpcConfig subnets of every job and model. Must be subnets the IAM guardrails allow (sagemaker:VpcSubnets)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) > 0
    error_message = "The variable subnet_ids must not be empty: a VpcOnly Studio domain and every job it launches need at least one private subnet (got [])."
  }

  validation {
    condition     = length(var.subnet_ids) <= 16 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "The variable subnet_ids must contain at most 16 subnet ids (the SageMaker VpcConfig limit) and no duplicates; got ${jsonencode(var.subnet_ids)}."
  }

  validation {
    condition     = alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "The variable subnet_ids must contain only subnet ids of the form subnet-<8-17 hex digits>; invalid: ${jsonencode([for s in var.subnet_ids : s if !can(regex("^subnet-[0-9a-f]{8,17}$", s))])}."
  }
}

variable "security_group_ids" {
  description = "Security groups of the domain (domain_settings), of every user's apps (default and per-profile user settings) and, through the SDK defaults, of every job and model. Must be groups the IAM guardrails allow (sagemaker:VpcSecurityGroupIds)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) > 0
    error_message = "The variable security_group_ids must not be empty: VpcOnly Studio apps and the jobs they launch need at least one security group (got [])."
  }

  validation {
    condition     = length(var.security_group_ids) <= 3 && length(distinct(var.security_group_ids)) == length(var.security_group_ids)
    error_message = "The variable security_group_ids must contain at most 3 security group ids (the SageMaker limit for domain_settings; user settings and VpcConfig allow 5) and no duplicates; got ${jsonencode(var.security_group_ids)}."
  }

  validation {
    condition     = alltrue([for g in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", g))])
    error_message = "The variable security_group_ids must contain only security group ids of the form sg-<8-17 hex digits>; invalid: ${jsonencode([for g in var.security_group_ids : g if !can(regex("^sg-[0-9a-f]{8,17}$", g))])}."
  }
}

################################################################################
# Encryption and storage
################################################################################

variable "kms_key_arn" {
  description = "Customer-managed KMS key ARN that encrypts the domain's home EFS file system and the EBS volumes of its spaces (the environment's \"studio\" key), as a key ARN like every key input of the platform (modules/identity grants the roles these keys by ARN)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.kms_key_arn))
    error_message = "The variable kms_key_arn must be a KMS key ARN of the form arn:<partition>:kms:<region>:<account>:key/<key id> (no alias, no bare key id); got \"${var.kms_key_arn}\"."
  }
}

variable "home_efs_retention" {
  description = "What happens to the domain's home EFS file system (every user's home directory) when the domain is deleted: \"Retain\" keeps it (data survives, but the file system, its mount targets and the two NFS security groups SageMaker created stay behind and keep costing until removed), \"Delete\" removes it with the domain (user home data is lost for good)."
  type        = string
  default     = "Retain"

  validation {
    condition     = contains(["Retain", "Delete"], var.home_efs_retention)
    error_message = "The variable home_efs_retention must be \"Retain\" or \"Delete\" (case-sensitive); got \"${var.home_efs_retention}\"."
  }
}

################################################################################
# Execution roles and users
################################################################################

variable "execution_role_arn" {
  description = "Default execution role of the domain: used by apps of users without a profile-level role and by shared spaces. Usually the SageMaker execution role of modules/identity."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.execution_role_arn))
    error_message = "The variable execution_role_arn must be an IAM role ARN of the form arn:<partition>:iam::<12-digit account>:role/<path/name>; got \"${var.execution_role_arn}\"."
  }
}

variable "persona_execution_role_arns" {
  description = "Execution role ARN per persona (persona name => role ARN), e.g. { data_scientist = \"arn:aws:iam::<account>:role/mlops-dev-sagemaker-execution\" }. Every persona used in user_profiles must be a key."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for p in keys(var.persona_execution_role_arns) : can(regex("^[a-z][a-z0-9_-]{0,62}$", p))])
    error_message = "The variable persona_execution_role_arns must use persona names of 1-63 lower-case letters, digits, \"_\" and \"-\" starting with a letter (regex ^[a-z][a-z0-9_-]{0,62}$) as keys; invalid: ${jsonencode([for p in keys(var.persona_execution_role_arns) : p if !can(regex("^[a-z][a-z0-9_-]{0,62}$", p))])}."
  }

  validation {
    condition     = alltrue([for arn in values(var.persona_execution_role_arns) : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])
    error_message = "The variable persona_execution_role_arns must map every persona to an IAM role ARN of the form arn:<partition>:iam::<12-digit account>:role/<path/name>; invalid personas: ${jsonencode([for p, arn in var.persona_execution_role_arns : p if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))])}."
  }
}

variable "user_profiles" {
  description = "Studio user profiles to create, keyed by user profile name (SageMaker rule ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$), each with the persona whose execution role its apps run as, e.g. { alice = { persona = \"data_scientist\" } }. A profile of a data-science team also gives team (tagged team = <team> on the profile) and execution_role_arn (its team's or its own role, instead of the persona's)."
  type = map(object({
    persona            = string
    team               = optional(string)
    execution_role_arn = optional(string)
  }))
  default = {}

  validation {
    condition     = alltrue([for u in keys(var.user_profiles) : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", u))])
    error_message = "The variable user_profiles has user profile names that break the SageMaker rule (letters, digits and single or repeated hyphens between them, 1-63 characters, regex ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$): ${jsonencode([for u in keys(var.user_profiles) : u if !can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", u))])}."
  }

  validation {
    condition     = alltrue([for u, p in var.user_profiles : contains(keys(var.persona_execution_role_arns), p.persona)])
    error_message = "The variable user_profiles refers to an unknown persona (not a key of persona_execution_role_arns ${jsonencode(keys(var.persona_execution_role_arns))}): ${join(", ", [for u, p in var.user_profiles : "user \"${u}\" has persona \"${p.persona}\"" if !contains(keys(var.persona_execution_role_arns), p.persona)])}."
  }

  validation {
    condition     = alltrue([for u, p in var.user_profiles : (p.team == null) == (p.execution_role_arn == null) && (p.team == null || can(regex("^[a-z][a-z0-9]{1,19}$", coalesce(p.team, "-")))) && (p.execution_role_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", coalesce(p.execution_role_arn, "-"))))])
    error_message = "The variable user_profiles must give team (2-20 lowercase letters or digits) and execution_role_arn (an IAM role ARN) together or neither; invalid: ${jsonencode([for u, p in var.user_profiles : u if(p.team == null) != (p.execution_role_arn == null)])}."
  }
}

################################################################################
# Idle shutdown
################################################################################

variable "idle_timeout_in_minutes" {
  description = "Minutes a JupyterLab or Code Editor app may stay idle before SageMaker shuts it down (idle shutdown is always on). AWS allows 60-525600."
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout_in_minutes >= 60 && var.idle_timeout_in_minutes <= 525600 && floor(var.idle_timeout_in_minutes) == var.idle_timeout_in_minutes
    error_message = "The variable idle_timeout_in_minutes must be a whole number of minutes from 60 to 525600 (the range AWS allows); got ${var.idle_timeout_in_minutes}."
  }

  validation {
    condition     = var.idle_timeout_in_minutes >= var.min_idle_timeout_in_minutes && var.idle_timeout_in_minutes <= var.max_idle_timeout_in_minutes
    error_message = "The variable idle_timeout_in_minutes (${var.idle_timeout_in_minutes}) must lie between min_idle_timeout_in_minutes (${var.min_idle_timeout_in_minutes}) and max_idle_timeout_in_minutes (${var.max_idle_timeout_in_minutes})."
  }
}

variable "min_idle_timeout_in_minutes" {
  description = "Lowest idle timeout a user may choose for their own apps. AWS allows 60-525600."
  type        = number
  default     = 60

  validation {
    condition     = var.min_idle_timeout_in_minutes >= 60 && var.min_idle_timeout_in_minutes <= 525600 && floor(var.min_idle_timeout_in_minutes) == var.min_idle_timeout_in_minutes
    error_message = "The variable min_idle_timeout_in_minutes must be a whole number of minutes from 60 to 525600 (the range AWS allows); got ${var.min_idle_timeout_in_minutes}."
  }
}

variable "max_idle_timeout_in_minutes" {
  description = "Highest idle timeout a user may choose for their own apps: the longest an idle app can keep running (and costing). AWS allows 60-525600; must be >= min_idle_timeout_in_minutes."
  type        = number
  default     = 480

  validation {
    condition     = var.max_idle_timeout_in_minutes >= 60 && var.max_idle_timeout_in_minutes <= 525600 && floor(var.max_idle_timeout_in_minutes) == var.max_idle_timeout_in_minutes
    error_message = "The variable max_idle_timeout_in_minutes must be a whole number of minutes from 60 to 525600 (the range AWS allows); got ${var.max_idle_timeout_in_minutes}."
  }

  validation {
    condition     = var.max_idle_timeout_in_minutes >= var.min_idle_timeout_in_minutes
    error_message = "The variable max_idle_timeout_in_minutes (${var.max_idle_timeout_in_minutes}) must not be lower than min_idle_timeout_in_minutes (${var.min_idle_timeout_in_minutes})."
  }
}

################################################################################
# SageMaker Python SDK defaults written by the lifecycle configuration
################################################################################

variable "jobs_volume_kms_key_arn" {
  description = "KMS key ARN the SDK defaults set as VolumeKmsKeyId of training, processing, transform, AutoML and monitoring jobs and as KmsKeyId of endpoint configurations (the environment's \"ebs\" key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.jobs_volume_kms_key_arn))
    error_message = "The variable jobs_volume_kms_key_arn must be a KMS key ARN of the form arn:<partition>:kms:<region>:<account>:key/<key id> (no alias, no bare key id); got \"${var.jobs_volume_kms_key_arn}\"."
  }
}

variable "jobs_output_kms_key_arn" {
  description = "KMS key ARN the SDK defaults set as the output KmsKeyId of training, processing, transform, AutoML, compilation and monitoring jobs, of data capture and feature store, and as the S3 key of remote functions (the environment's \"data\" key)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.jobs_output_kms_key_arn))
    error_message = "The variable jobs_output_kms_key_arn must be a KMS key ARN of the form arn:<partition>:kms:<region>:<account>:key/<key id> (no alias, no bare key id); got \"${var.jobs_output_kms_key_arn}\"."
  }
}

variable "jobs_enable_network_isolation" {
  description = "Whether the SDK defaults also turn on EnableNetworkIsolation for training jobs, processing jobs, monitoring jobs and models. Isolated containers cannot open any connection, not even to the VPC endpoints: scripts that call AWS APIs themselves (boto3 reads from S3, remote functions) then fail. The VPC, KMS and encryption defaults apply either way."
  type        = bool
  default     = false
  nullable    = false
}

variable "sdk_default_bucket" {
  description = "Bucket name the SDK defaults set as Session.DefaultS3Bucket (e.g. the environment's data bucket). The guardrails deny creating the SDK's own sagemaker-<region>-<account> bucket, so without this every notebook must pass a bucket. null leaves it unset."
  type        = string
  default     = null

  validation {
    condition     = var.sdk_default_bucket == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", coalesce(var.sdk_default_bucket, "-")))
    error_message = "The variable sdk_default_bucket must be null or an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit); got \"${coalesce(var.sdk_default_bucket, "null")}\"."
  }
}

################################################################################
# Projects and SSM contract
################################################################################

variable "enable_projects" {
  description = "Enable SageMaker projects (the SageMaker Service Catalog portfolio). This is a setting of the whole account and region, not of this domain: destroying the module or setting false later does NOT disable projects again (the provider's delete is a no-op); false simply leaves the setting alone."
  type        = bool
  default     = true
  nullable    = false
}

variable "project_templates_location" {
  description = "s3://<bucket>/<prefix>/ of the S3-based SageMaker project templates (the project-templates module's templates_location output), set as the domain tag sagemaker:projectS3TemplatesLocation so that Studio lists the templates there tagged sagemaker:studio-visibility = true. null: no tag (Service Catalog templates, or none)."
  type        = string
  default     = null

  validation {
    condition     = var.project_templates_location == null || can(regex("^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[A-Za-z0-9!_.*'()/-]*)?$", coalesce(var.project_templates_location, "-")))
    error_message = "The variable project_templates_location must be s3://<bucket>[/<prefix>/] (a valid bucket name, an optional key prefix); got \"${coalesce(var.project_templates_location, "null")}\"."
  }
}

variable "ssm_prefix" {
  description = "SSM path under which the module publishes its contract, without a trailing slash, e.g. \"/mlops/dev\": <ssm_prefix>/studio/domain-id, .../domain-arn, .../home-efs-id, .../lifecycle-config-arn, .../user-profiles."
  type        = string

  validation {
    condition     = can(regex("^(/[A-Za-z0-9_.-]+)+$", var.ssm_prefix))
    error_message = "The variable ssm_prefix must start with \"/\", not end with \"/\" and consist of path segments of letters, digits, \"_\", \".\" and \"-\" (e.g. \"/mlops/dev\"); got \"${var.ssm_prefix}\"."
  }
}

variable "package_index" {
  description = "The environment's CodeArtifact repository pip installs from (modules/package-repository), or null for none. With one, the lifecycle configuration installs scripts/pip-index.py as ~/.local/bin/pip-index-login and runs it at every app start: a token of the user's execution role and the repository's PyPI endpoint become pip's only index (~/.config/pip/pip.conf, mode 0600). No token passes through Terraform."
  type = object({
    domain       = string
    domain_owner = string
    repository   = string
    region       = string
  })
  default = null

  validation {
    condition = var.package_index == null || (
      can(regex("^[a-z][a-z0-9-]{0,48}[a-z0-9]$", var.package_index.domain)) &&
      can(regex("^[0-9]{12}$", var.package_index.domain_owner)) &&
      can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$", var.package_index.repository)) &&
      can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.package_index.region))
    )
    error_message = "package_index must name a CodeArtifact domain (2-50 of a-z, 0-9, -), its 12-digit owner account, a repository (2-100 of A-Z, a-z, 0-9, ., _, -) and a region name."
  }
}
