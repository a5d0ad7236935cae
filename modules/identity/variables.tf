################################################################################
# Naming and tagging
################################################################################

variable "name_prefix" {
  description = "Prefix of every name this module creates, \"<prefix>-<environment>\" (e.g. \"mlops-dev\"). Roles are <name_prefix>-<role>, policies <name_prefix>-permission-boundary and <name_prefix>-sagemaker-guardrails."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "The variable name_prefix must be 3-32 characters of lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$), e.g. \"mlops-dev\"."
  }
}

variable "prefix" {
  description = "Project prefix without the environment (e.g. \"mlops\"). Used only to build the model execution role ARNs of the target accounts: arn:<partition>:iam::<account>:role/<prefix>-<stage>-model-execution. name_prefix must start with \"<prefix>-\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}[a-z0-9]$", var.prefix))
    error_message = "The variable prefix must be 2-22 characters of lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (regex ^[a-z][a-z0-9-]{0,20}[a-z0-9]$), e.g. \"mlops\"."
  }

  validation {
    condition     = startswith(var.name_prefix, "${var.prefix}-")
    error_message = "The variable prefix must be the leading part of name_prefix: name_prefix must have the form \"<prefix>-<environment>\" (got prefix \"${var.prefix}\", name_prefix \"${var.name_prefix}\")."
  }
}

variable "tags" {
  description = "Tags applied to every role and policy this module creates."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "The variable tags must have keys of 1-128 characters that do not start with \"aws:\" and values of at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }
}

################################################################################
# Data perimeter: buckets and keys
################################################################################

variable "bucket_arns" {
  description = "ARNs (arn:<partition>:s3:::<bucket>) of the environment's buckets (data, models, access logs). They, their objects and aws_service_bucket_arns are the only S3 resources any role of this module may touch; every other bucket is denied by the guardrails."
  type        = list(string)

  validation {
    condition     = length(var.bucket_arns) > 0
    error_message = "The variable bucket_arns must contain at least one bucket ARN of the form arn:<partition>:s3:::<bucket-name>."
  }

  validation {
    condition     = alltrue([for b in var.bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])
    error_message = "The variable bucket_arns must contain only bucket ARNs of the form arn:<partition>:s3:::<bucket-name> (no object path, no wildcard; regex ^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$); invalid: ${jsonencode([for b in var.bucket_arns : b if !can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])}."
  }

  validation {
    condition     = length(distinct(var.bucket_arns)) == length(var.bucket_arns)
    error_message = "The variable bucket_arns must not contain duplicate ARNs."
  }
}

variable "read_only_bucket_arns" {
  description = "Entries of bucket_arns that workloads may read but never write or delete (e.g. the S3 access-log bucket). At least one entry of bucket_arns must stay writable."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for b in var.read_only_bucket_arns : contains(var.bucket_arns, b)])
    error_message = "The variable read_only_bucket_arns must only contain ARNs that are also listed in bucket_arns; not in bucket_arns: ${jsonencode([for b in var.read_only_bucket_arns : b if !contains(var.bucket_arns, b)])}."
  }

  validation {
    condition     = length(var.bucket_arns) == 0 || length(setsubtract(var.bucket_arns, var.read_only_bucket_arns)) > 0
    error_message = "The variable read_only_bucket_arns must leave at least one entry of bucket_arns writable (workloads need somewhere to write data and model artifacts)."
  }
}

variable "model_artifact_bucket_arns" {
  description = "Entries of bucket_arns that hold model artifacts (the models bucket): the personas read them but never write or delete there, so the model.tar.gz or evaluation report behind a registered package cannot be swapped by a person; the pipeline's and SageMaker's execution roles write them."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for b in var.model_artifact_bucket_arns : contains(var.bucket_arns, b)])
    error_message = "The variable model_artifact_bucket_arns must only contain ARNs that are also listed in bucket_arns; not in bucket_arns: ${jsonencode([for b in var.model_artifact_bucket_arns : b if !contains(var.bucket_arns, b)])}."
  }
}

variable "aws_service_bucket_arns" {
  description = "ARNs (arn:<partition>:s3:::<bucket>) of AWS-owned buckets workloads may read (never write), e.g. the ECR image layer bucket arn:aws:s3:::prod-<region>-starport-layer-bucket."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for b in var.aws_service_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])
    error_message = "The variable aws_service_bucket_arns must contain only bucket ARNs of the form arn:<partition>:s3:::<bucket-name> (no object path, no wildcard); invalid: ${jsonencode([for b in var.aws_service_bucket_arns : b if !can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", b))])}."
  }

  validation {
    condition     = length(distinct(var.aws_service_bucket_arns)) == length(var.aws_service_bucket_arns) && length(setintersection(var.aws_service_bucket_arns, var.bucket_arns)) == 0
    error_message = "The variable aws_service_bucket_arns must not contain duplicates nor any ARN that is already in bucket_arns."
  }
}

variable "teams" {
  description = "Data-science teams (env.yaml teams:), team name => users (Studio user profile => persona), projects (names of the projects stack: their <project>/ prefixes of the data and models buckets and their model package groups <name_prefix>-<project>), data_prefixes (key prefixes of the data bucket, each ending with \"/\") and execution_role: per_team creates <name_prefix>-team-<team>-execution, per_user <name_prefix>-team-<team>-user-<user> for each user. Each role reaches only its team's prefixes, its projects' models (read) and model package groups, carries tag team = <team> and is denied SageMaker resources tagged with another team. Empty (the default): no team role, and no other document changes."
  type = map(object({
    users          = map(string)
    projects       = list(string)
    data_prefixes  = list(string)
    execution_role = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for team in keys(var.teams) : can(regex("^[a-z][a-z0-9]{1,19}$", team))])
    error_message = "The variable teams must use team names of 2-20 lowercase letters or digits starting with a letter; invalid: ${jsonencode([for team in keys(var.teams) : team if !can(regex("^[a-z][a-z0-9]{1,19}$", team))])}."
  }

  validation {
    condition     = alltrue([for t in values(var.teams) : contains(["per_team", "per_user"], t.execution_role)])
    error_message = "The variable teams must give each team execution_role \"per_team\" or \"per_user\"; got ${jsonencode({ for team, t in var.teams : team => t.execution_role })}."
  }

  validation {
    condition     = alltrue([for t in values(var.teams) : length(t.data_prefixes) > 0 && alltrue([for p in t.data_prefixes : can(regex("^([a-z0-9][a-z0-9_.-]{0,62}/){1,8}$", p)) && !can(regex("(^|/)[.]+/", p))])])
    error_message = "The variable teams must give each team 1 or more data_prefixes of lowercase path segments, each ending with \"/\" (no wildcard, no \".\" or \"..\" segment), e.g. teams/<team>/."
  }

  validation {
    condition     = alltrue([for t in values(var.teams) : alltrue([for p in t.projects : can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", p))]) && length(distinct(t.projects)) == length(t.projects)])
    error_message = "The variable teams must name each team's projects once, as project names (2-32 lowercase letters, digits or hyphens)."
  }

  validation {
    condition     = length(flatten([for t in values(var.teams) : keys(t.users)])) == length(distinct(flatten([for t in values(var.teams) : keys(t.users)]))) && length(flatten([for t in values(var.teams) : t.projects])) == length(distinct(flatten([for t in values(var.teams) : t.projects])))
    error_message = "The variable teams must give every user and every project to one team only."
  }

  validation {
    condition     = alltrue([for t in values(var.teams) : alltrue([for u, persona in t.users : can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", u)) && contains(["data_science_admin", "team_lead", "data_scientist"], persona)])])
    error_message = "The variable teams must map Studio user profile names to a persona (data_science_admin, team_lead, data_scientist)."
  }
}

variable "team_bucket_arns" {
  description = "The data and models buckets (data, models: bucket ARNs of bucket_arns) the teams' prefixes are in; required with teams."
  type = object({
    data   = string
    models = string
  })
  default = null

  validation {
    condition     = var.team_bucket_arns == null || (contains(var.bucket_arns, try(var.team_bucket_arns.data, "")) && contains(var.bucket_arns, try(var.team_bucket_arns.models, "")))
    error_message = "The variable team_bucket_arns must name two buckets of bucket_arns (data and models)."
  }
}

variable "kms_key_arns" {
  description = "Customer-managed key ARNs by purpose. Must contain \"data\", \"ebs\" and \"studio\": the roles may use exactly these three keys. Other purposes (e.g. \"logs\", used by CloudWatch Logs through its key policy) are accepted and granted to no role. Keys must be in this region."
  type        = map(string)

  validation {
    condition     = alltrue([for purpose in ["data", "ebs", "studio"] : contains(keys(var.kms_key_arns), purpose)])
    error_message = "The variable kms_key_arns must contain the purposes \"data\", \"ebs\" and \"studio\" (purpose => key ARN); missing: ${jsonencode([for purpose in ["data", "ebs", "studio"] : purpose if !contains(keys(var.kms_key_arns), purpose)])}."
  }

  validation {
    condition     = alltrue([for purpose in keys(var.kms_key_arns) : can(regex("^[a-z][a-z0-9-]{0,30}$", purpose))])
    error_message = "The variable kms_key_arns must use purpose names matching ^[a-z][a-z0-9-]{0,30}$ as map keys; invalid: ${jsonencode([for purpose in keys(var.kms_key_arns) : purpose if !can(regex("^[a-z][a-z0-9-]{0,30}$", purpose))])}."
  }

  validation {
    condition     = alltrue([for arn in values(var.kms_key_arns) : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", arn))])
    error_message = "The variable kms_key_arns must map every purpose to a KMS key ARN of the form arn:<partition>:kms:<region>:<account>:key/<key-id> (aliases are not accepted: IAM matches key ARNs, not aliases); invalid purposes: ${jsonencode([for purpose, arn in var.kms_key_arns : purpose if !can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", arn))])}."
  }
}

variable "ssm_parameter_arn_prefix" {
  description = "ARN of the environment's SSM parameter path, without a trailing slash, e.g. \"arn:aws:ssm:<region>:<account-id>:parameter/mlops/dev\". Roles may read the path and every parameter below it (<prefix>/*). Must be in this account and region."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter(/[A-Za-z0-9_.-]+)+$", var.ssm_parameter_arn_prefix))
    error_message = "The variable ssm_parameter_arn_prefix must be an SSM parameter path ARN of the form arn:<partition>:ssm:<region>:<account>:parameter/<prefix>/<environment> (at least one path segment of letters, digits, _ . -; no trailing slash, no wildcard); got \"${var.ssm_parameter_arn_prefix}\"."
  }
}

################################################################################
# Network placement allowed for SageMaker jobs
################################################################################

variable "subnet_ids" {
  description = "The only subnets SageMaker jobs, models, notebook instances and Studio domains may be placed in (sagemaker:VpcSubnets)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 1 && length(var.subnet_ids) <= 16 && length(distinct(var.subnet_ids)) == length(var.subnet_ids)
    error_message = "The variable subnet_ids must contain 1-16 subnet ids (the SageMaker VpcConfig limit) and no duplicates."
  }

  validation {
    condition     = alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "The variable subnet_ids must contain only subnet ids of the form subnet-<8-17 hex digits>; invalid: ${jsonencode([for s in var.subnet_ids : s if !can(regex("^subnet-[0-9a-f]{8,17}$", s))])}."
  }
}

variable "security_group_ids" {
  description = "The only security groups SageMaker jobs, models, notebook instances and Studio domains may use (sagemaker:VpcSecurityGroupIds)."
  type        = list(string)

  validation {
    condition     = length(var.security_group_ids) >= 1 && length(var.security_group_ids) <= 5 && length(distinct(var.security_group_ids)) == length(var.security_group_ids)
    error_message = "The variable security_group_ids must contain 1-5 security group ids (the SageMaker VpcConfig limit) and no duplicates."
  }

  validation {
    condition     = alltrue([for g in var.security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", g))])
    error_message = "The variable security_group_ids must contain only security group ids of the form sg-<8-17 hex digits>; invalid: ${jsonencode([for g in var.security_group_ids : g if !can(regex("^sg-[0-9a-f]{8,17}$", g))])}."
  }
}

################################################################################
# Who may assume the personas, bring-your-own roles
################################################################################

variable "persona_principals" {
  description = "IAM role or user ARNs (e.g. roles of an identity account, IAM Identity Center roles) allowed to assume each persona role. A persona whose list is empty is not created (unless existing_role_arns names it)."
  type = object({
    data_science_admin = optional(list(string), [])
    team_lead          = optional(list(string), [])
    data_scientist     = optional(list(string), [])
  })
  default = {}

  validation {
    condition = alltrue([
      for p in flatten([var.persona_principals.data_science_admin, var.persona_principals.team_lead, var.persona_principals.data_scientist]) :
      can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", p))
    ])
    error_message = "The variable persona_principals must contain only exact IAM role or user ARNs of the form arn:<partition>:iam::<12-digit account>:(role|user)/<path/name> (no wildcard, no account root); invalid: ${jsonencode([for p in flatten([var.persona_principals.data_science_admin, var.persona_principals.team_lead, var.persona_principals.data_scientist]) : p if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]+$", p))])}."
  }

  validation {
    condition = alltrue([
      for l in [var.persona_principals.data_science_admin, var.persona_principals.team_lead, var.persona_principals.data_scientist] :
      length(distinct(l)) == length(l)
    ])
    error_message = "The variable persona_principals must not list the same principal twice for one persona."
  }
}

variable "existing_role_arns" {
  description = "Bring-your-own roles. For each key that is set, the module does NOT create that role and uses the given ARN everywhere (role_arns output, PassRole grants, boundary protections). Keys: data_science_admin, team_lead, data_scientist, sagemaker_execution, pipeline_execution, launch. The roles must be in this account."
  type = object({
    data_science_admin  = optional(string)
    team_lead           = optional(string)
    data_scientist      = optional(string)
    sagemaker_execution = optional(string)
    pipeline_execution  = optional(string)
    launch              = optional(string)
  })
  default = {}

  validation {
    condition = alltrue([
      for arn in values(var.existing_role_arns) :
      arn == null ? true : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", arn))
    ])
    error_message = "The variable existing_role_arns must map each set key to an exact IAM role ARN of the form arn:<partition>:iam::<12-digit account>:role/<path/name> (no wildcard); invalid keys: ${jsonencode([for k, arn in var.existing_role_arns : k if arn != null && !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", coalesce(arn, "-")))])}."
  }
}

################################################################################
# Studio, project templates and target accounts
################################################################################

variable "studio_domain_id" {
  description = "Id of the environment's SageMaker Studio domain (d-xxxxxxxxxxxx). When set, Studio permissions (presigned URLs, apps, user profiles, spaces) are limited to this domain; when null (the domain is usually created after the roles, because it needs the execution role) they apply to any domain of this account and region."
  type        = string
  default     = null

  validation {
    condition     = var.studio_domain_id == null || can(regex("^d-[a-z0-9]{12}$", coalesce(var.studio_domain_id, "-")))
    error_message = "The variable studio_domain_id must be null or a SageMaker domain id of the form d-<12 lower-case letters or digits>."
  }
}

variable "studio_user_profile_tag_key" {
  description = "Session/principal tag whose value is the caller's Studio user profile name. Data scientists and team leads may open (CreatePresignedDomainUrl) and create/delete apps only for the user profile named by this tag of their session, e.g. an IAM Identity Center attribute passed as session tag."
  type        = string
  default     = "studio-user-profile"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.:=+@-]{1,128}$", var.studio_user_profile_tag_key)) && !startswith(lower(var.studio_user_profile_tag_key), "aws:")
    error_message = "The variable studio_user_profile_tag_key must be a tag key of 1-128 characters from [A-Za-z0-9_.:=+@-] (no \"/\", which would break the policy variable) that does not start with \"aws:\"."
  }
}

variable "project_resource_prefix" {
  description = "Name prefix of the IAM roles and S3 buckets that SageMaker project templates (the Service Catalog launch role) may create and manage. null means \"<name_prefix>-project-\". Must start with \"<name_prefix>-\" and must not match any role of this module (including <name_prefix>-deploy-events), any brought role or any bucket of bucket_arns/aws_service_bucket_arns, so the launch role can never change platform roles or buckets."
  type        = string
  default     = null

  validation {
    condition     = var.project_resource_prefix == null || can(regex("^[a-z0-9][a-z0-9.-]{2,40}-$", coalesce(var.project_resource_prefix, "-")))
    error_message = "The variable project_resource_prefix must be null or 4-42 characters of lower-case letters, digits, dots and hyphens ending with a hyphen (regex ^[a-z0-9][a-z0-9.-]{2,40}-$), e.g. \"mlops-dev-project-\"."
  }

  validation {
    condition     = var.project_resource_prefix == null || startswith(coalesce(var.project_resource_prefix, "-"), "${var.name_prefix}-")
    error_message = "The variable project_resource_prefix must start with \"<name_prefix>-\" (\"${var.name_prefix}-\")."
  }

  validation {
    condition = alltrue([
      for name in concat(
        [for b in concat(var.bucket_arns, var.aws_service_bucket_arns) : try(split(":::", b)[1], b)],
        [for suffix in ["data-science-admin", "team-lead", "data-scientist", "sagemaker-execution", "pipeline-execution", "launch", "deploy-events"] : "${var.name_prefix}-${suffix}"],
        [for arn in values(var.existing_role_arns) : reverse(split("/", arn))[0] if arn != null],
      ) : !startswith(name, coalesce(var.project_resource_prefix, "${var.name_prefix}-project-"))
    ])
    error_message = "The variable project_resource_prefix (default \"<name_prefix>-project-\") must not be a prefix of any bucket in bucket_arns or aws_service_bucket_arns, of any role name of this module (including <name_prefix>-deploy-events) or of any role in existing_role_arns; the launch role could otherwise reconfigure them."
  }
}

variable "target_account_ids" {
  description = "Stage name => 12-digit account id of the accounts models are deployed to (e.g. { staging = \"<account-id>\", prod = \"<account-id>\" }). Used only for the target_model_execution_role_arns output."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for stage in keys(var.target_account_ids) : can(regex("^[a-z][a-z0-9-]{0,15}$", stage))])
    error_message = "The variable target_account_ids must use stage names matching ^[a-z][a-z0-9-]{0,15}$ as keys; invalid: ${jsonencode([for stage in keys(var.target_account_ids) : stage if !can(regex("^[a-z][a-z0-9-]{0,15}$", stage))])}."
  }

  validation {
    condition     = alltrue([for id in values(var.target_account_ids) : can(regex("^[0-9]{12}$", id))])
    error_message = "The variable target_account_ids must map every stage to a 12-digit account id; invalid stages: ${jsonencode([for stage, id in var.target_account_ids : stage if !can(regex("^[0-9]{12}$", id))])}."
  }
}

variable "instance_types" {
  description = "SageMaker instance types each use may request; the instance-types policy denies every other (sagemaker:InstanceTypes, ForAnyValue:StringNotLike, so a request naming several is denied if any one is not listed). studio_apps: CreateApp (\"system\" is the JupyterServer app's type); processing: CreateProcessingJob; training: CreateTrainingJob and CreateHyperParameterTuningJob; transform: CreateTransformJob; endpoints: CreateEndpointConfig. Each a non-empty list of ml.<family>.<size> names."
  type = object({
    studio_apps = list(string)
    processing  = list(string)
    training    = list(string)
    transform   = list(string)
    endpoints   = list(string)
  })

  validation {
    condition     = alltrue([for use, types in var.instance_types : length(types) > 0])
    error_message = "The variable instance_types must list at least one instance type for every use; empty: ${jsonencode([for use, types in var.instance_types : use if length(types) == 0])}."
  }

  validation {
    condition = alltrue(flatten([
      for use, types in var.instance_types : [
        for type in types : can(regex("^ml\\.[a-z][a-z0-9-]*\\.[a-z0-9]+$", type)) || (use == "studio_apps" && type == "system")
      ]
    ]))
    error_message = "The variable instance_types must hold SageMaker instance types ml.<family>.<size> (e.g. ml.m5.xlarge; no wildcards), or \"system\" in studio_apps only; invalid: ${jsonencode(flatten([for use, types in var.instance_types : [for type in types : "${use}: ${type}" if !(can(regex("^ml\\.[a-z][a-z0-9-]*\\.[a-z0-9]+$", type)) || (use == "studio_apps" && type == "system"))]]))}."
  }

  validation {
    condition     = alltrue([for use, types in var.instance_types : length(distinct(types)) == length(types)])
    error_message = "The variable instance_types must list each instance type once per use; repeated in: ${jsonencode([for use, types in var.instance_types : use if length(distinct(types)) != length(types)])}."
  }
}

variable "package_repositories" {
  description = "The environment's CodeArtifact repository (modules/package-repository), as a list of at most one: empty when the environment has none. domain_arn: the domain; repository_arn: the repository pip reads from; package_arn_pattern: its packages (…:package/<domain>/<repository>/*). With one, the SageMaker execution role may get tokens for the domain and read the repository (and sts:GetServiceBearerToken for CodeArtifact only), the data science administrator may also publish to it, and the <name_prefix>-packages policy, attached to every created role, denies every other CodeArtifact domain and repository, bearer tokens for other services, and publishing to everyone but the data science administrator."
  type = list(object({
    domain_arn          = string
    repository_arn      = string
    package_arn_pattern = string
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
      startswith(r.repository_arn, "${replace(r.domain_arn, ":domain/", ":repository/")}/") &&
      r.package_arn_pattern == "${replace(r.repository_arn, ":repository/", ":package/")}/*"
    )])
    error_message = "package_repositories entries must be a CodeArtifact domain ARN, a repository ARN of that domain and the pattern of that repository's packages (…:package/<domain>/<repository>/*)."
  }
}
