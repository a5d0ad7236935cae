################################################################################
# Naming and tagging
################################################################################

variable "name_prefix" {
  type        = string
  description = "Prefix of every name this module creates, \"<prefix>-<environment>\" (e.g. \"mlops-dev\"). The portfolio is <name_prefix>-sagemaker-projects, the template bucket <name_prefix>-sc-templates-<account id>, products default to <name_prefix>-<product key>."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "The variable name_prefix must be 3-32 characters of lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$); got \"${var.name_prefix}\"."
  }
}

variable "tags" {
  type        = map(string)
  default     = {}
  nullable    = false
  description = "Tags applied to the portfolio, the products and the template bucket (not to template objects: S3 allows 10 tags per object). The products always get sagemaker:studio-visibility = \"true\" in addition (it cannot be overridden)."

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:")])
    error_message = "The variable tags must have keys of 1-128 characters that do not start with \"aws:\" and values of at most 256 characters; invalid keys: ${jsonencode([for k, v in var.tags : k if !(length(k) >= 1 && length(k) <= 128 && length(v) <= 256 && !startswith(lower(k), "aws:"))])}."
  }

  validation {
    condition     = length([for k, v in var.tags : k if k == "sagemaker:studio-visibility" && v != "true"]) == 0
    error_message = "The variable tags must not set sagemaker:studio-visibility to anything but \"true\": the products must stay visible in SageMaker Studio; got \"${lookup(var.tags, "sagemaker:studio-visibility", "")}\"."
  }
}

variable "template_distribution" {
  type        = string
  default     = "s3"
  nullable    = false
  description = "How SageMaker Studio offers the templates. \"s3\" (AWS's recommendation): the current version of each product is an object under s3://<template bucket>/templates/ tagged sagemaker:studio-visibility = true, and the Studio domain's sagemaker:projectS3TemplatesLocation tag (the sagemaker-studio module's project_templates_location, from the templates_location output) points Studio at it; projects are created with CreateProject TemplateProviders (CfnTemplateProvider) and the launch role as its RoleARN. \"service_catalog\": the portfolio, products, versions, launch constraints and principal associations of earlier releases. Switching destroys the other mode's resources (see the README's migration note)."

  validation {
    condition     = contains(["s3", "service_catalog"], var.template_distribution)
    error_message = "The variable template_distribution must be \"s3\" or \"service_catalog\"; got \"${var.template_distribution}\"."
  }
}

################################################################################
# Template bucket
################################################################################

variable "kms_key_arn" {
  type        = string
  nullable    = false
  description = "ARN of the customer-managed KMS key (normally the environment's data key) used for the template bucket's default encryption and for every template object. The principal running Terraform and the principal creating Service Catalog products must be allowed to use it (GenerateDataKey, Decrypt). Must be a key ARN, not an alias."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", var.kms_key_arn))
    error_message = "The variable kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>; aliases are not accepted because the bucket policy compares the key ARN); got \"${var.kms_key_arn}\"."
  }
}

variable "access_log_bucket_name" {
  type        = string
  nullable    = false
  description = "Name of the environment's S3 server access log bucket (the storage module's access_log_bucket_name). The template bucket logs to it under s3/<template bucket>/."

  validation {
    condition     = length(var.access_log_bucket_name) >= 3 && length(var.access_log_bucket_name) <= 63 && can(regex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$", var.access_log_bucket_name))
    error_message = "The variable access_log_bucket_name must be an S3 bucket name (3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit); got \"${var.access_log_bucket_name}\"."
  }
}

variable "allowed_vpc_endpoint_ids" {
  type        = list(string)
  nullable    = false
  description = "S3 VPC endpoint ids (vpce-...) of the environment. Every request to the template bucket that does not come through one of them is denied, except requests of vpce_exempt_principal_arns and of AWS service principals."

  validation {
    condition     = length(var.allowed_vpc_endpoint_ids) > 0
    error_message = "The variable allowed_vpc_endpoint_ids must contain at least one S3 VPC endpoint id (vpce-...); got []."
  }

  validation {
    condition     = alltrue([for id in var.allowed_vpc_endpoint_ids : can(regex("^vpce-[0-9a-f]+$", id))])
    error_message = "The variable allowed_vpc_endpoint_ids must contain only ids matching ^vpce-[0-9a-f]+$; invalid: ${jsonencode([for id in var.allowed_vpc_endpoint_ids : id if !can(regex("^vpce-[0-9a-f]+$", id))])}."
  }
}

variable "vpce_exempt_principal_arns" {
  type        = list(string)
  nullable    = false
  description = "IAM principal ARNs that may use the template bucket from outside allowed_vpc_endpoint_ids: at least the role that runs Terraform (it uploads the templates and creates the products, and Service Catalog reads the template URL with its permissions)."

  validation {
    condition     = length(var.vpce_exempt_principal_arns) > 0
    error_message = "The variable vpce_exempt_principal_arns must name at least the role that runs Terraform, otherwise it cannot upload templates from outside the VPC; got []."
  }

  validation {
    condition     = alltrue([for a in var.vpce_exempt_principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*)$", a))])
    error_message = "The variable vpce_exempt_principal_arns must contain IAM role/user ARNs or patterns (arn:<partition>:iam::<account>:(role|user)/<name>) or an account root ARN; invalid: ${jsonencode([for a in var.vpce_exempt_principal_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:(root|(role|user)/[A-Za-z0-9+=,.@_/-][A-Za-z0-9+=,.@_/*?-]*)$", a))])}."
  }
}

variable "noncurrent_version_expiration_days" {
  type        = number
  default     = 365
  nullable    = false
  description = "Days after which noncurrent versions of template objects expire. Every template version has its own object key, so noncurrent versions only appear when a version is removed from products."

  validation {
    condition     = var.noncurrent_version_expiration_days >= 1 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "The variable noncurrent_version_expiration_days must be a whole number >= 1; got ${var.noncurrent_version_expiration_days}."
  }
}

variable "force_destroy" {
  type        = bool
  default     = false
  nullable    = false
  description = "Allow Terraform to delete the template bucket with its objects (all versions). Keep false outside disposable environments."
}

################################################################################
# Portfolio, products and access
################################################################################

variable "provider_name" {
  type        = string
  nullable    = false
  description = "Provider name shown for the portfolio (e.g. the platform team's name)."

  validation {
    condition     = length(trimspace(var.provider_name)) >= 1 && length(var.provider_name) <= 50
    error_message = "The variable provider_name must be 1-50 characters and not blank; got \"${var.provider_name}\"."
  }
}

variable "portfolio_description" {
  type        = string
  default     = "SageMaker project templates of the MLOps platform."
  nullable    = false
  description = "Description of the portfolio."

  validation {
    condition     = length(var.portfolio_description) <= 2000
    error_message = "The variable portfolio_description must be at most 2000 characters; got ${length(var.portfolio_description)}."
  }
}

variable "products" {
  type = map(object({
    display_name        = optional(string)
    description         = string
    owner               = string
    distributor         = optional(string)
    support_description = optional(string)
    support_email       = optional(string)
    support_url         = optional(string)
    versions = list(object({
      name          = string
      description   = string
      template_path = string
    }))
  }))
  nullable    = false
  description = "SageMaker project templates by product key. display_name defaults to <name_prefix>-<key>. versions is append-only and ordered oldest first: the first entry becomes the product's initial provisioning artifact, every further entry its own artifact; the last one is the current (DEFAULT) version, older ones are DEPRECATED. A published version is immutable: change a template by appending a version. template_path is a CloudFormation YAML file (use an absolute path or one built from path.module/path.root)."

  validation {
    condition     = length(var.products) > 0
    error_message = "The variable products must contain at least one product; got {}."
  }

  validation {
    condition     = alltrue([for key in keys(var.products) : can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", key))])
    error_message = "The variable products must use keys of 2-40 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit (they become object key prefixes and resource keys); invalid: ${jsonencode([for key in keys(var.products) : key if !can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", key))])}."
  }

  validation {
    condition     = alltrue([for p in values(var.products) : length(p.versions) >= 1])
    error_message = "The variable products must give every product at least one version; without versions: ${jsonencode([for key, p in var.products : key if length(p.versions) == 0])}."
  }

  validation {
    condition     = alltrue([for p in values(var.products) : length(distinct([for v in p.versions : v.name])) == length(p.versions)])
    error_message = "The variable products must not repeat a version name within a product; duplicates: ${jsonencode({ for key, p in var.products : key => distinct([for v in p.versions : v.name if length([for w in p.versions : w if w.name == v.name]) > 1]) if length(distinct([for v in p.versions : v.name])) != length(p.versions) })}."
  }

  validation {
    condition     = alltrue(flatten([for p in values(var.products) : [for v in p.versions : can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", v.name))]]))
    error_message = "The variable products must use version names of 1-64 letters, digits, dots, underscores and hyphens starting with a letter or digit (e.g. \"1.0.0\"); invalid: ${jsonencode(flatten([for key, p in var.products : [for v in p.versions : "${key}/${v.name}" if !can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", v.name))]]))}."
  }

  validation {
    condition     = alltrue(flatten([for p in values(var.products) : [for v in p.versions : can(regex("\\.ya?ml$", v.template_path)) && fileexists(v.template_path)]]))
    error_message = "The variable products must point every version's template_path at an existing CloudFormation YAML file (.yaml or .yml); missing or not YAML: ${jsonencode(flatten([for key, p in var.products : [for v in p.versions : "${key}/${v.name}: ${v.template_path}" if !(can(regex("\\.ya?ml$", v.template_path)) && fileexists(v.template_path))]]))}."
  }

  validation {
    condition     = alltrue(flatten([for p in values(var.products) : [for v in p.versions : length(v.description) <= 8192]]))
    error_message = "The variable products must keep version descriptions at most 8192 characters; too long: ${jsonencode(flatten([for key, p in var.products : [for v in p.versions : "${key}/${v.name}" if length(v.description) > 8192]]))}."
  }

  validation {
    condition     = alltrue([for p in values(var.products) : length(trimspace(p.owner)) >= 1 && length(p.owner) <= 8191 && length(p.description) <= 8191 && (p.display_name == null || try(length(trimspace(p.display_name)) >= 1 && length(p.display_name) <= 8191, false))])
    error_message = "The variable products must give every product a non-blank owner, and display_name (when set) must not be blank; invalid: ${jsonencode([for key, p in var.products : key if !(length(trimspace(p.owner)) >= 1 && length(p.owner) <= 8191 && length(p.description) <= 8191 && (p.display_name == null || try(length(trimspace(p.display_name)) >= 1 && length(p.display_name) <= 8191, false)))])}."
  }

  validation {
    condition     = alltrue([for p in values(var.products) : p.support_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(p.support_email, "-")))])
    error_message = "The variable products must use an e-mail address for support_email; invalid: ${jsonencode({ for key, p in var.products : key => p.support_email if !(p.support_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", coalesce(p.support_email, "-")))) })}."
  }

  validation {
    condition     = alltrue([for p in values(var.products) : p.support_url == null || can(regex("^https://[^\\s]+$", coalesce(p.support_url, "-")))])
    error_message = "The variable products must use an https:// URL for support_url; invalid: ${jsonencode({ for key, p in var.products : key => p.support_url if !(p.support_url == null || can(regex("^https://[^\\s]+$", coalesce(p.support_url, "-")))) })}."
  }
}

variable "launch_role_arn" {
  type        = string
  nullable    = false
  description = "ARN of the Service Catalog launch role (the identity module's role_arns.launch, which carries the permission boundary). Every product gets a LAUNCH constraint with it, so projects are provisioned with this role and never with the end user's permissions. Must be a role of this account."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", var.launch_role_arn)) && !strcontains(var.launch_role_arn, "*")
    error_message = "The variable launch_role_arn must be an IAM role ARN (arn:<partition>:iam::<account>:role/<path/name>, no wildcard); got \"${var.launch_role_arn}\"."
  }
}

variable "principal_arns" {
  type        = list(string)
  nullable    = false
  description = "The persona roles allowed to launch the templates (e.g. the identity module's data scientist, team lead and data science admin roles). The portfolio is associated with exactly these roles and shared with nobody else (no account or organization share). Exact role ARNs of this account, no wildcards."

  validation {
    condition     = length(var.principal_arns) > 0
    error_message = "The variable principal_arns must name at least one persona role, otherwise nobody can create a project; got []."
  }

  validation {
    condition     = alltrue([for a in var.principal_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])
    error_message = "The variable principal_arns must contain only exact IAM role ARNs (arn:<partition>:iam::<account>:role/<path/name>, no wildcard, no users, no root); invalid: ${jsonencode([for a in var.principal_arns : a if !can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$", a))])}."
  }

  validation {
    condition     = length(distinct(var.principal_arns)) == length(var.principal_arns)
    error_message = "The variable principal_arns must not contain duplicates; got ${jsonencode(var.principal_arns)}."
  }
}
