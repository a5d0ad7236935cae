# Platform of the dev environment: SageMaker Studio (domain, user profiles, lifecycle config,
# projects enabled) and the self-service project templates (S3-based: the domain's tag points
# Studio at them; the approval bus of the projects launched from them).
# Reads the foundation and identity stacks through their SSM contract (no shared state).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name_prefix = "${var.prefix}-${var.environment}"
  ssm_prefix  = "/${var.prefix}/${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition

  # Personas that exist in this environment (given principals or brought roles), as the identity
  # stack published them: identity/<persona>-role-arn.
  persona_contract_keys = { for persona in var.personas : persona => "identity/${replace(persona, "_", "-")}-role-arn" }
  # Each team user's execution role, as the identity stack published it (teams).
  team_user_contract_keys = merge({}, [
    for team, settings in var.teams : { for user in keys(settings.users) : user => "identity/teams/${team}/users/${user}/execution-role-arn" }
  ]...)
  # Studio user profiles: studio.users on their persona's role, each team's users on their team's
  # (or their own) role, tagged with the team.
  team_user_profiles = merge({}, [
    for team, settings in var.teams : {
      for user, persona in settings.users : user => {
        persona            = persona
        team               = team
        execution_role_arn = local.contract[local.team_user_contract_keys[user]]
      }
    }
  ]...)

  contract_keys = concat(
    [
      "network/vpc-id",
      "network/private-subnet-ids",
      "network/sagemaker-security-group-id",
      "network/s3-gateway-endpoint-id",
      "kms/data-key-arn",
      "kms/ebs-key-arn",
      "kms/studio-key-arn",
      "storage/access-log-bucket",
      "identity/sagemaker-execution-role-arn",
      "identity/launch-role-arn",
    ],
    values(local.persona_contract_keys),
    values(local.team_user_contract_keys),
  )
  # Contract parameters are plain String identifiers (the provider marks every value sensitive).
  contract = { for key, p in data.aws_ssm_parameter.contract : key => nonsensitive(p.value) }

  ci_role_arns = module.ci_role_names.role_arns

  # Every persona opens Studio with the environment's SageMaker execution role: in Studio the
  # execution role acts, and it may not approve models (approval is the team lead's persona role).
  execution_role_arn = local.contract["identity/sagemaker-execution-role-arn"]

  # Published template versions are immutable (the module refuses a changed digest): a new
  # version is a new file appended to the product's versions below.
  templates_dir = "${path.module}/../../../templates/sagemaker-projects"
}

# The GitHub Actions roles' names and ARNs: the platform's one rule (modules/ci-role-names).
module "ci_role_names" {
  source = "../../../modules/ci-role-names"

  name_prefix = local.name_prefix
  partition   = local.partition
  account_id  = local.account_id
}

data "aws_ssm_parameter" "contract" {
  for_each = toset(local.contract_keys)
  name     = "${local.ssm_prefix}/${each.key}"
}

module "studio" {
  source = "../../../modules/sagemaker-studio"

  name_prefix                 = local.name_prefix
  vpc_id                      = local.contract["network/vpc-id"]
  subnet_ids                  = split(",", local.contract["network/private-subnet-ids"])
  security_group_ids          = [local.contract["network/sagemaker-security-group-id"]]
  kms_key_arn                 = local.contract["kms/studio-key-arn"]
  home_efs_retention          = var.studio.home_efs_retention
  execution_role_arn          = local.execution_role_arn
  persona_execution_role_arns = { for persona in var.personas : persona => local.execution_role_arn }
  user_profiles               = merge({ for user, persona in var.studio.users : user => { persona = persona } }, local.team_user_profiles)
  idle_timeout_in_minutes     = var.studio.idle_timeout_minutes
  max_idle_timeout_in_minutes = max(480, var.studio.idle_timeout_minutes)
  jobs_volume_kms_key_arn     = local.contract["kms/ebs-key-arn"]
  jobs_output_kms_key_arn     = local.contract["kms/data-key-arn"]
  enable_projects             = var.studio.enable_projects
  ssm_prefix                  = local.ssm_prefix
  # sagemaker:projectS3TemplatesLocation: where Studio lists the S3-based project templates.
  project_templates_location = module.project_templates.templates_location
  # pip's index in Studio: the environment's CodeArtifact repository (packages.tf), or none.
  package_index = local.package_index
}

module "project_templates" {
  source = "../../../modules/project-templates"

  name_prefix              = local.name_prefix
  kms_key_arn              = local.contract["kms/data-key-arn"]
  access_log_bucket_name   = local.contract["storage/access-log-bucket"]
  allowed_vpc_endpoint_ids = [local.contract["network/s3-gateway-endpoint-id"]]
  # Terraform uploads the templates from outside the VPC: the deploy role and the CI roles.
  vpce_exempt_principal_arns = concat([var.deploy_role_arn], local.ci_role_arns)
  provider_name              = var.project_templates.provider_name
  force_destroy              = var.force_destroy
  products = {
    model-build = {
      display_name = "${local.name_prefix}-model-build"
      description  = "MLOps project: SageMaker Pipelines model building, training and registration, with a KMS-encrypted artifact bucket and a model package group."
      owner        = var.project_templates.provider_name
      versions = [
        { name = "v1", description = "Initial release", template_path = "${local.templates_dir}/model-build.yaml" },
      ]
    }
    # The second lineage of the deploy template. The first product (versions v1, typed-in account
    # ids, and v2) shared the registry with whole account roots, and the product resource cannot
    # deactivate its initial version: it was replaced by this product, whose only version is v3
    # (modules/project-templates README, "Retiring a product's initial version").
    model-deploy-2 = {
      display_name = "${local.name_prefix}-model-deploy"
      description  = "MLOps project: model building plus multi-account deployment (staging, prod) triggered by the model registry's approval events."
      owner        = var.project_templates.provider_name
      versions = [
        { name = "v3", description = "Model packages shared with the project's staging and prod deploy roles (exact ARNs, accounts from the platform's SSM contract); no account id typed in", template_path = "${local.templates_dir}/model-deploy-v3.yaml" },
        # S3-based: the approval rule targets the platform's approval bus with its delivery role
        # (both from the SSM contract); nothing but the project name is typed in.
        { name = "v4", description = "S3-based; approval decisions to the platform's approval bus (SSM contract); only the project name is typed in", template_path = "${local.templates_dir}/model-deploy-v4.yaml" },
      ]
    }
  }
  launch_role_arn = local.contract["identity/launch-role-arn"]
  principal_arns  = [for persona in var.project_templates.launch_personas : local.contract[local.persona_contract_keys[persona]]]
}

# What a CreateProject of an S3-based template needs, for Studio-less launches and the templates:
# where the templates are, the current deploy template's URL, the launch role (already at
# identity/launch-role-arn) and the approval bus the templates' rules deliver to.
resource "aws_ssm_parameter" "project_templates" {
  # checkov:skip=CKV2_AWS_34: The contract holds an S3 location, a URL and a bus ARN, not secrets; every platform role must read it without a decrypt grant.
  for_each = merge(
    {
      "project-templates/approval-event-bus-arn" = module.project_templates.approval_event_bus_arn
      "project-templates/template-distribution"  = module.project_templates.template_distribution
    },
    module.project_templates.templates_location == null ? {} : { "project-templates/location" = module.project_templates.templates_location },
    { for product, url in module.project_templates.current_template_urls : "project-templates/${product}/template-url" => url },
  )

  name        = "${local.ssm_prefix}/${each.key}"
  description = "Platform contract of ${local.name_prefix}: ${each.key}"
  type        = "String"
  value       = each.value
}
