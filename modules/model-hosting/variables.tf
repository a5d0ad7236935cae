################################################################################
# Naming
################################################################################

variable "name_prefix" {
  type        = string
  description = "Prefix of every name this module creates, \"<prefix>-<stage>\" (e.g. \"mlops-staging\"). Must end with \"-<stage>\": the source account grants the model execution role by its deterministic name <prefix>-<stage>-model-execution."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.name_prefix}\"."
  }

  validation {
    condition     = endswith(var.name_prefix, "-${var.stage}")
    error_message = "name_prefix must end with \"-<stage>\" (stage = \"${var.stage}\"), because the source account grants the role <prefix>-<stage>-model-execution by name; got \"${var.name_prefix}\"."
  }
}

variable "stage" {
  type        = string
  description = "The deployment stage this account hosts (e.g. \"staging\", \"prod\"). Also the GitHub environment whose jobs may assume the projects' deploy roles (sub = repo:<owner>/<name>:environment:<stage>)."

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.stage))
    error_message = "stage must be 2-10 lowercase letters or digits starting with a letter (regex ^[a-z][a-z0-9]{1,9}$; no wildcards, colons or spaces); got \"${var.stage}\"."
  }
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

################################################################################
# Where the models come from (the dev account)
################################################################################

variable "source_account_id" {
  type        = string
  description = "The account whose approved models are deployed here (the dev account). Its model registry is read by the deploy roles; it must not be this account."

  validation {
    condition     = can(regex("^[0-9]{12}$", var.source_account_id))
    error_message = "source_account_id must be a 12-digit account id; got \"${var.source_account_id}\"."
  }

  validation {
    condition     = var.source_account_id != data.aws_caller_identity.current.account_id
    error_message = "source_account_id must be another account than this one (${data.aws_caller_identity.current.account_id}): models are trained in dev and hosted in separate staging/prod accounts; got \"${var.source_account_id}\"."
  }
}

variable "source_name_prefix" {
  type        = string
  description = "Name prefix of the source environment (e.g. \"mlops-dev\"). The deploy roles may read the source account's model package groups and packages named <source_name_prefix>-*."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.source_name_prefix))
    error_message = "source_name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.source_name_prefix}\"."
  }
}

variable "source_models_bucket_arn" {
  type        = string
  description = "ARN of the source account's models bucket (e.g. arn:aws:s3:::mlops-dev-models-<source account>). The model execution role may read its objects (s3:GetObject, s3:GetObjectVersion); the bucket policy of the source account must allow it too."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.source_models_bucket_arn))
    error_message = "source_models_bucket_arn must be an S3 bucket ARN arn:<partition>:s3:::<bucket name> (no object path, no wildcard); got \"${var.source_models_bucket_arn}\"."
  }
}

variable "source_data_key_alias_arn" {
  type        = string
  description = "ARN of the alias of the source account's KMS key that encrypts the models bucket, e.g. arn:aws:kms:<region>:<source account>:alias/mlops-dev-data (deterministic, unlike the key's ARN, so this account plans without the source account's state). The model execution role may decrypt with the key carrying this alias, only through S3 of this region; the key policy of the source account must allow it too."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:alias/[A-Za-z0-9/_-]+$", var.source_data_key_alias_arn)) && !can(regex(":alias/aws/", var.source_data_key_alias_arn))
    error_message = "source_data_key_alias_arn must be a customer alias ARN arn:<partition>:kms:<region>:<12-digit account>:alias/<name> (not a key ARN, not an AWS managed alias/aws/..., no wildcard); got \"${var.source_data_key_alias_arn}\"."
  }

  validation {
    condition     = try(split(":", var.source_data_key_alias_arn)[4] == var.source_account_id, false)
    error_message = "source_data_key_alias_arn must be an alias of source_account_id (${var.source_account_id}); got \"${var.source_data_key_alias_arn}\"."
  }

  validation {
    condition     = try(split(":", var.source_data_key_alias_arn)[3] == data.aws_region.current.name, false)
    error_message = "source_data_key_alias_arn must be in this region (${data.aws_region.current.name}): SageMaker reads model artifacts from S3 of its own region only; got \"${var.source_data_key_alias_arn}\"."
  }
}

################################################################################
# Network (created by the caller, e.g. modules/network)
################################################################################

variable "vpc_id" {
  type        = string
  description = "The VPC the endpoints run in. The model execution role may manage network interfaces only in it (ec2:Vpc)."

  validation {
    condition     = can(regex("^vpc-[0-9a-f]+$", var.vpc_id))
    error_message = "vpc_id must be a VPC id vpc-<lowercase hex>; got \"${var.vpc_id}\"."
  }
}

variable "subnet_ids" {
  type        = list(string)
  description = "Private subnets of vpc_id the models must run in (at least two, in different AZs, as SageMaker hosting requires). CreateModel is denied to the deploy roles with any other subnet."

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]+$", s))]) && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "subnet_ids must contain at least two distinct subnet ids subnet-<lowercase hex>; got ${jsonencode(var.subnet_ids)}."
  }
}

variable "endpoint_instance_types" {
  type        = list(string)
  description = "The only SageMaker instance types the deploy roles' endpoint configurations may use (env.yaml instance_types.endpoints of this environment). CreateEndpointConfig is denied if any production variant names another (sagemaker:InstanceTypes, ForAnyValue:StringNotLike); a serverless configuration names none and is not denied."

  validation {
    condition     = length(var.endpoint_instance_types) > 0 && alltrue([for t in var.endpoint_instance_types : can(regex("^ml\\.[a-z][a-z0-9-]*\\.[a-z0-9]+$", t))]) && length(distinct(var.endpoint_instance_types)) == length(var.endpoint_instance_types)
    error_message = "endpoint_instance_types must list at least one SageMaker instance type ml.<family>.<size> (e.g. ml.m5.large; no wildcards), each once; got ${jsonencode(var.endpoint_instance_types)}."
  }
}

variable "security_group_ids" {
  type        = list(string)
  description = "Security groups the models must use (1-5). CreateModel is denied to the deploy roles with any other group."

  validation {
    condition     = length(var.security_group_ids) >= 1 && length(var.security_group_ids) <= 5 && alltrue([for g in var.security_group_ids : can(regex("^sg-[0-9a-f]+$", g))]) && length(distinct(var.security_group_ids)) == length(var.security_group_ids)
    error_message = "security_group_ids must contain 1-5 distinct security group ids sg-<lowercase hex>; got ${jsonencode(var.security_group_ids)}."
  }
}

variable "s3_vpc_endpoint_ids" {
  type        = list(string)
  description = "S3 VPC endpoint ids (vpce-...). The data-capture and access-log buckets deny every request that does not come through one of them, except from vpce_exempt_principal_arns, the model execution role and AWS service principals."

  validation {
    condition     = length(var.s3_vpc_endpoint_ids) >= 1 && alltrue([for id in var.s3_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]+$", id))])
    error_message = "s3_vpc_endpoint_ids must contain at least one VPC endpoint id vpce-<lowercase hex>; got ${jsonencode(var.s3_vpc_endpoint_ids)}."
  }
}

variable "vpce_exempt_principal_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Exact IAM role/user ARNs that may reach the data-capture and access-log buckets from outside s3_vpc_endpoint_ids, e.g. the Terraform deploy role and the CI plan/apply roles (they run outside the VPC and manage the bucket configuration). The model execution role is always exempt (see README)."

  validation {
    condition     = alltrue([for a in var.vpce_exempt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "vpce_exempt_principal_arns must contain exact IAM role or user ARNs (no wildcards); invalid: ${jsonencode([for a in var.vpce_exempt_principal_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])}."
  }
}

################################################################################
# Deploy roles
################################################################################

variable "oidc_provider_arn" {
  type        = string
  description = "ARN of this account's GitHub Actions OIDC provider, arn:<partition>:iam::<this account>:oidc-provider/token.actions.githubusercontent.com (created by the account's bootstrap). The only principal the deploy roles trust."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be arn:<partition>:iam::<12-digit account>:oidc-provider/token.actions.githubusercontent.com; got \"${var.oidc_provider_arn}\"."
  }

  validation {
    condition     = try(split(":", var.oidc_provider_arn)[4] == data.aws_caller_identity.current.account_id, false)
    error_message = "oidc_provider_arn must be this account's provider (${data.aws_caller_identity.current.account_id}); got \"${var.oidc_provider_arn}\"."
  }
}

variable "projects" {
  type = map(object({
    repository = object({
      owner = string
      name  = string
    })
    serving = optional(string, "realtime")
    batch = optional(object({
      schedule_expression = optional(string, "cron(0 2 * * ? *)")
    }), {})
  }))
  default     = {}
  nullable    = false
  description = "ML projects deployed here: project name => { repository = { owner, name } } on GitHub. Each gets the role <name_prefix>-<project>-deploy, assumable only by workflows of that repository running in GitHub environment <stage>, managing SageMaker models, endpoint configurations and endpoints named <name_prefix>-<project>-*. Owner and name are case-sensitive, as on GitHub."

  validation {
    condition     = alltrue([for p in keys(var.projects) : can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", p)) && !strcontains(p, "--")])
    error_message = "projects keys (project names) must be 2-32 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen (regex ^[a-z][a-z0-9-]{0,30}[a-z0-9]$); invalid: ${jsonencode([for p in keys(var.projects) : p if !(can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", p)) && !strcontains(p, "--"))])}."
  }

  validation {
    condition     = alltrue([for p in keys(var.projects) : length("${var.name_prefix}-${p}-deploy") <= 64])
    error_message = "projects: the deploy role name <name_prefix>-<project>-deploy must fit IAM's 64 characters; too long: ${jsonencode([for p in keys(var.projects) : "${var.name_prefix}-${p}-deploy" if length("${var.name_prefix}-${p}-deploy") > 64])}."
  }

  validation {
    condition     = alltrue([for p in values(var.projects) : contains(["realtime", "batch"], p.serving)])
    error_message = "projects[*].serving must be \"realtime\" (an endpoint) or \"batch\" (a scheduled transform); invalid: ${jsonencode({ for k, p in var.projects : k => p.serving if !contains(["realtime", "batch"], p.serving) })}."
  }

  validation {
    condition     = alltrue([for k, p in var.projects : p.serving != "batch" || length("${var.name_prefix}-${k}-schedule") <= 64])
    error_message = "projects: a batch project's scheduler role <name_prefix>-<project>-schedule must fit IAM's 64 characters; too long: ${jsonencode([for k, p in var.projects : "${var.name_prefix}-${k}-schedule" if p.serving == "batch" && length("${var.name_prefix}-${k}-schedule") > 64])}."
  }

  validation {
    condition     = alltrue([for p in values(var.projects) : can(regex("^(cron\\([^()]+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))$", p.batch.schedule_expression))])
    error_message = "projects[*].batch.schedule_expression must be an EventBridge Scheduler cron(...) or rate(<n> minutes|hours|days) expression; invalid: ${jsonencode({ for k, p in var.projects : k => p.batch.schedule_expression if !can(regex("^(cron\\([^()]+\\)|rate\\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\\))$", p.batch.schedule_expression)) })}."
  }

  validation {
    condition = alltrue([
      for p in values(var.projects) :
      can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}$", p.repository.owner)) &&
      can(regex("^[A-Za-z0-9._-]{1,100}$", p.repository.name)) &&
      !contains([".", ".."], p.repository.name)
    ])
    error_message = "projects[*].repository must be { owner, name } of a GitHub repository: owner 1-39 letters, digits or hyphens (not starting with a hyphen), name 1-100 letters, digits, '.', '_' or '-' (not \".\" or \"..\"); no wildcards, slashes or colons; invalid: ${jsonencode({ for k, p in var.projects : k => p.repository if !(can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}$", p.repository.owner)) && can(regex("^[A-Za-z0-9._-]{1,100}$", p.repository.name)) && !contains([".", ".."], p.repository.name)) })}."
  }
}

variable "ssm_parameter_path" {
  type        = string
  description = "Path of the platform's SSM contract in this account, \"/<prefix>/<stage>\" (e.g. \"/mlops/staging\"). The deploy roles may read the parameters under it."

  validation {
    condition     = can(regex("^(/[a-z0-9][a-z0-9-]*)+$", var.ssm_parameter_path))
    error_message = "ssm_parameter_path must be a parameter path such as \"/mlops/staging\" (segments of lowercase letters, digits and hyphens, no trailing slash, no wildcard); got \"${var.ssm_parameter_path}\"."
  }
}

variable "additional_ecr_repository_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "ECR repositories, besides this account's, the model execution role may pull images from (e.g. the regional SageMaker built-in algorithm repository arn:aws:ecr:<region>:<registry account>:repository/sagemaker-xgboost). Exact repository ARNs of this region."

  validation {
    condition     = alltrue([for a in var.additional_ecr_repository_arns : can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9][a-z0-9._/-]*$", a))])
    error_message = "additional_ecr_repository_arns must contain exact ECR repository ARNs arn:<partition>:ecr:<region>:<12-digit account>:repository/<name> (no wildcard); invalid: ${jsonencode([for a in var.additional_ecr_repository_arns : a if !can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9][a-z0-9._/-]*$", a))])}."
  }
}

################################################################################
# Keys
################################################################################

variable "kms_administrator_arns" {
  type        = list(string)
  description = "Exact IAM role/user ARNs that administer the endpoint key (management only, no cryptographic use). Must include the principal that runs Terraform."

  validation {
    condition     = length(var.kms_administrator_arns) > 0 && alltrue([for a in var.kms_administrator_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "kms_administrator_arns must contain at least one exact IAM role or user ARN (no wildcards); got ${jsonencode(var.kms_administrator_arns)}."
  }
}

variable "kms_read_only_arns" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Exact IAM role/user ARNs that may only read the endpoint key's metadata (e.g. the CI plan role)."

  validation {
    condition     = alltrue([for a in var.kms_read_only_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "kms_read_only_arns must contain exact IAM role or user ARNs (no wildcards); got ${jsonencode(var.kms_read_only_arns)}."
  }
}

variable "kms_deletion_window_days" {
  type        = number
  default     = 30
  nullable    = false
  description = "Waiting period (7-30 days) before the endpoint key is deleted after being scheduled for deletion."

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30 && floor(var.kms_deletion_window_days) == var.kms_deletion_window_days
    error_message = "kms_deletion_window_days must be a whole number between 7 and 30; got ${var.kms_deletion_window_days}."
  }
}

variable "kms_rotation_period_days" {
  type        = number
  default     = 365
  nullable    = false
  description = "Automatic rotation period of the endpoint key (90-2560 days); rotation is always on."

  validation {
    condition     = var.kms_rotation_period_days >= 90 && var.kms_rotation_period_days <= 2560 && floor(var.kms_rotation_period_days) == var.kms_rotation_period_days
    error_message = "kms_rotation_period_days must be a whole number between 90 and 2560; got ${var.kms_rotation_period_days}."
  }
}

################################################################################
# Buckets
################################################################################

variable "data_capture_retention_days" {
  type        = number
  default     = 365
  nullable    = true
  description = "Days after which captured requests/responses expire (current versions); null keeps them. Noncurrent versions expire after noncurrent_version_expiration_days."

  validation {
    condition     = var.data_capture_retention_days == null || try(var.data_capture_retention_days >= 1 && floor(var.data_capture_retention_days) == var.data_capture_retention_days, false)
    error_message = "data_capture_retention_days must be null or a whole number >= 1; got ${jsonencode(var.data_capture_retention_days)}."
  }
}

variable "access_log_retention_days" {
  type        = number
  default     = 365
  nullable    = false
  description = "Days after which S3 server access logs of the data-capture bucket expire (>= 90)."

  validation {
    condition     = var.access_log_retention_days >= 90 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number >= 90; got ${var.access_log_retention_days}."
  }
}

variable "noncurrent_version_expiration_days" {
  type        = number
  default     = 90
  nullable    = false
  description = "Days after which noncurrent object versions of both buckets expire."

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number >= 1; got ${var.noncurrent_version_expiration_days}."
  }
}

variable "force_destroy" {
  type        = bool
  default     = false
  nullable    = false
  description = "Let destroy delete the buckets with their objects (throw-away environments only)."
}

################################################################################
# Monitoring and notifications
################################################################################

variable "notification_emails" {
  type        = list(string)
  default     = []
  nullable    = false
  description = "Email addresses subscribed to the alerts topic <name_prefix>-model-alerts (endpoint alarms, endpoint state changes, deployment results). Each must confirm its subscription from the email AWS sends."

  validation {
    condition     = alltrue([for e in var.notification_emails : can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", e))]) && length(distinct(var.notification_emails)) == length(var.notification_emails)
    error_message = "notification_emails must be distinct email addresses (name@domain.tld); invalid: ${jsonencode([for e in var.notification_emails : e if !can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", e))])}."
  }
}

variable "model_monitor_image_repository_arn" {
  type        = string
  description = "ARN of the regional Model Monitor analyzer repository (arn:<partition>:ecr:<region>:<registry account>:repository/sagemaker-model-monitor-analyzer) the monitoring role pulls the baseline and monitoring jobs' image from."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/sagemaker-model-monitor-analyzer$", var.model_monitor_image_repository_arn))
    error_message = "model_monitor_image_repository_arn must be arn:<partition>:ecr:<region>:<12-digit account>:repository/sagemaker-model-monitor-analyzer; got \"${var.model_monitor_image_repository_arn}\"."
  }

  validation {
    condition     = try(split(":", var.model_monitor_image_repository_arn)[3] == data.aws_region.current.name, false)
    error_message = "model_monitor_image_repository_arn must be in this region (${data.aws_region.current.name}); got \"${var.model_monitor_image_repository_arn}\"."
  }
}

################################################################################
# Batch inference (projects with serving = "batch", batch.tf)
################################################################################

variable "transform_instance_types" {
  type        = list(string)
  default     = ["ml.m5.large", "ml.m5.xlarge"]
  nullable    = false
  description = "The only SageMaker instance types the batch projects' transform jobs may use (env.yaml instance_types.transform of this environment). CreateTransformJob is denied to the batch pipeline roles without an instance type or with another (sagemaker:InstanceTypes)."

  validation {
    condition     = length(var.transform_instance_types) > 0 && alltrue([for t in var.transform_instance_types : can(regex("^ml\\.[a-z][a-z0-9-]*\\.[a-z0-9]+$", t))]) && length(distinct(var.transform_instance_types)) == length(var.transform_instance_types)
    error_message = "transform_instance_types must list at least one SageMaker instance type ml.<family>.<size> (e.g. ml.m5.large; no wildcards), each once; got ${jsonencode(var.transform_instance_types)}."
  }
}

variable "batch_retention_days" {
  type        = number
  default     = 365
  nullable    = true
  description = "Days after which the batch bucket's objects (inputs and predictions) expire (current versions); null keeps them."

  validation {
    condition     = var.batch_retention_days == null || try(var.batch_retention_days >= 1 && floor(var.batch_retention_days) == var.batch_retention_days, false)
    error_message = "batch_retention_days must be null or a whole number >= 1; got ${jsonencode(var.batch_retention_days)}."
  }
}
