################################################################################
# SageMaker Python SDK defaults ("intelligent defaults")
#
# Written by the lifecycle configuration to ~/.config/sagemaker/config.yaml in
# every JupyterLab and Code Editor space. Key names follow the SDK's config
# schema (sagemaker.config.config_schema, SchemaVersion "1.0"); the schema
# rejects unknown keys, so only keys it defines are used. The values are
# exactly what the IAM guardrails require: VPC subnets and security groups,
# a volume key, an output key and inter-container traffic encryption.
################################################################################

locals {
  domain_name = "${var.name_prefix}-studio"

  vpc_config = {
    SecurityGroupIds = var.security_group_ids
    Subnets          = var.subnet_ids
  }

  sdk_session_defaults = var.sdk_default_bucket == null ? {} : {
    Session = { DefaultS3Bucket = var.sdk_default_bucket }
  }

  sdk_config = {
    SchemaVersion = "1.0"
    SageMaker = {
      PythonSDK = {
        Modules = merge(local.sdk_session_defaults, {
          RemoteFunction = {
            EnableInterContainerTrafficEncryption = true
            S3KmsKeyId                            = var.jobs_output_kms_key_arn
            VolumeKmsKeyId                        = var.jobs_volume_kms_key_arn
            VpcConfig                             = local.vpc_config
          }
        })
      }
      TrainingJob = {
        EnableInterContainerTrafficEncryption = true
        EnableNetworkIsolation                = var.jobs_enable_network_isolation
        OutputDataConfig                      = { KmsKeyId = var.jobs_output_kms_key_arn }
        ResourceConfig                        = { VolumeKmsKeyId = var.jobs_volume_kms_key_arn }
        VpcConfig                             = local.vpc_config
      }
      ProcessingJob = {
        NetworkConfig = {
          EnableInterContainerTrafficEncryption = true
          EnableNetworkIsolation                = var.jobs_enable_network_isolation
          VpcConfig                             = local.vpc_config
        }
        ProcessingOutputConfig = { KmsKeyId = var.jobs_output_kms_key_arn }
        ProcessingResources    = { ClusterConfig = { VolumeKmsKeyId = var.jobs_volume_kms_key_arn } }
      }
      TransformJob = {
        DataCaptureConfig  = { KmsKeyId = var.jobs_output_kms_key_arn }
        TransformOutput    = { KmsKeyId = var.jobs_output_kms_key_arn }
        TransformResources = { VolumeKmsKeyId = var.jobs_volume_kms_key_arn }
      }
      AutoMLJob = {
        AutoMLJobConfig = {
          SecurityConfig = {
            EnableInterContainerTrafficEncryption = true
            VolumeKmsKeyId                        = var.jobs_volume_kms_key_arn
            VpcConfig                             = local.vpc_config
          }
        }
        OutputDataConfig = { KmsKeyId = var.jobs_output_kms_key_arn }
      }
      CompilationJob = {
        OutputConfig = { KmsKeyId = var.jobs_output_kms_key_arn }
        VpcConfig    = local.vpc_config
      }
      MonitoringSchedule = {
        MonitoringScheduleConfig = {
          MonitoringJobDefinition = {
            MonitoringOutputConfig = { KmsKeyId = var.jobs_output_kms_key_arn }
            MonitoringResources    = { ClusterConfig = { VolumeKmsKeyId = var.jobs_volume_kms_key_arn } }
            NetworkConfig = {
              EnableInterContainerTrafficEncryption = true
              EnableNetworkIsolation                = var.jobs_enable_network_isolation
              VpcConfig                             = local.vpc_config
            }
          }
        }
      }
      Model = {
        EnableNetworkIsolation = var.jobs_enable_network_isolation
        VpcConfig              = local.vpc_config
      }
      EndpointConfig = {
        AsyncInferenceConfig = { OutputConfig = { KmsKeyId = var.jobs_output_kms_key_arn } }
        DataCaptureConfig    = { KmsKeyId = var.jobs_output_kms_key_arn }
        KmsKeyId             = var.jobs_volume_kms_key_arn
      }
      FeatureGroup = {
        OfflineStoreConfig = { S3StorageConfig = { KmsKeyId = var.jobs_output_kms_key_arn } }
        OnlineStoreConfig  = { SecurityConfig = { KmsKeyId = var.jobs_output_kms_key_arn } }
      }
    }
  }

  sdk_config_yaml = yamlencode(local.sdk_config)

  lifecycle_script = templatefile("${path.module}/scripts/sdk-defaults.sh", {
    domain_name      = local.domain_name
    sdk_config_yaml  = local.sdk_config_yaml
    package_index    = var.package_index
    pip_index_script = file("${path.module}/scripts/pip-index.py")
  })
  lifecycle_content = base64encode(local.lifecycle_script)

  # Lifecycle configurations cannot be updated in place, and one that a domain
  # references cannot be deleted. The content hash in the name lets Terraform
  # create the new one, point the domain at it, then delete the old one.
  lifecycle_name_suffix = substr(sha256(local.lifecycle_script), 0, 8)

  # key (used in names) => Studio app type
  lifecycle_app_types = {
    jupyterlab = "JupyterLab"
    codeeditor = "CodeEditor"
  }

  idle_settings = {
    lifecycle_management        = "ENABLED"
    idle_timeout_in_minutes     = var.idle_timeout_in_minutes
    min_idle_timeout_in_minutes = var.min_idle_timeout_in_minutes
    max_idle_timeout_in_minutes = var.max_idle_timeout_in_minutes
  }
}

################################################################################
# Lifecycle configurations (one per app type, same script)
################################################################################

resource "aws_sagemaker_studio_lifecycle_config" "sdk_defaults" {
  for_each = local.lifecycle_app_types

  studio_lifecycle_config_name     = "${var.name_prefix}-sdk-${each.key}-${local.lifecycle_name_suffix}"
  studio_lifecycle_config_app_type = each.value
  studio_lifecycle_config_content  = local.lifecycle_content
  tags                             = var.tags

  lifecycle {
    create_before_destroy = true

    precondition {
      condition     = length(local.lifecycle_content) <= 16384
      error_message = "The rendered lifecycle configuration is ${length(local.lifecycle_content)} characters of base64; SageMaker accepts at most 16384. Use fewer subnets or security groups."
    }
  }
}

locals {
  jupyterlab_lifecycle_config_arn = aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].arn
  codeeditor_lifecycle_config_arn = aws_sagemaker_studio_lifecycle_config.sdk_defaults["codeeditor"].arn
}

################################################################################
# Domain
################################################################################

resource "aws_sagemaker_domain" "this" {
  domain_name = local.domain_name
  auth_mode   = "IAM"

  # Fixed, not an input: apps have no SageMaker-managed internet access; all
  # traffic goes through the VPC (its endpoints, or its NAT if it has one).
  app_network_access_type = "VpcOnly"
  vpc_id                  = var.vpc_id
  subnet_ids              = var.subnet_ids

  # Home EFS and space EBS volumes are encrypted with the customer key.
  kms_key_id = var.kms_key_arn

  domain_settings {
    security_group_ids = var.security_group_ids

    docker_settings {
      enable_docker_access = "DISABLED"
    }
  }

  default_user_settings {
    execution_role  = var.execution_role_arn
    security_groups = var.security_group_ids

    # The new Studio experience is the default landing page.
    studio_web_portal   = "ENABLED"
    default_landing_uri = "studio::"

    # Notebook sharing would copy notebook outputs (possibly data) to S3.
    sharing_settings {
      notebook_output_option = "Disabled"
    }

    jupyter_lab_app_settings {
      lifecycle_config_arns = [local.jupyterlab_lifecycle_config_arn]

      default_resource_spec {
        lifecycle_config_arn = local.jupyterlab_lifecycle_config_arn
      }

      app_lifecycle_management {
        idle_settings {
          lifecycle_management        = local.idle_settings.lifecycle_management
          idle_timeout_in_minutes     = local.idle_settings.idle_timeout_in_minutes
          min_idle_timeout_in_minutes = local.idle_settings.min_idle_timeout_in_minutes
          max_idle_timeout_in_minutes = local.idle_settings.max_idle_timeout_in_minutes
        }
      }
    }

    code_editor_app_settings {
      lifecycle_config_arns = [local.codeeditor_lifecycle_config_arn]

      default_resource_spec {
        lifecycle_config_arn = local.codeeditor_lifecycle_config_arn
      }

      app_lifecycle_management {
        idle_settings {
          lifecycle_management        = local.idle_settings.lifecycle_management
          idle_timeout_in_minutes     = local.idle_settings.idle_timeout_in_minutes
          min_idle_timeout_in_minutes = local.idle_settings.min_idle_timeout_in_minutes
          max_idle_timeout_in_minutes = local.idle_settings.max_idle_timeout_in_minutes
        }
      }
    }
  }

  # Shared spaces: same role, security groups, lifecycle configuration and idle
  # shutdown as private ones.
  default_space_settings {
    execution_role  = var.execution_role_arn
    security_groups = var.security_group_ids

    jupyter_lab_app_settings {
      lifecycle_config_arns = [local.jupyterlab_lifecycle_config_arn]

      default_resource_spec {
        lifecycle_config_arn = local.jupyterlab_lifecycle_config_arn
      }

      app_lifecycle_management {
        idle_settings {
          lifecycle_management        = local.idle_settings.lifecycle_management
          idle_timeout_in_minutes     = local.idle_settings.idle_timeout_in_minutes
          min_idle_timeout_in_minutes = local.idle_settings.min_idle_timeout_in_minutes
          max_idle_timeout_in_minutes = local.idle_settings.max_idle_timeout_in_minutes
        }
      }
    }
  }

  retention_policy {
    home_efs_file_system = var.home_efs_retention
  }

  # S3-based project templates: Studio lists the templates tagged
  # sagemaker:studio-visibility = true under the location this domain tag names
  # (https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-projects-templates-custom.html).
  tags = merge(var.tags, var.project_templates_location == null ? {} : { "sagemaker:projectS3TemplatesLocation" = var.project_templates_location })
}

################################################################################
# User profiles
################################################################################

resource "aws_sagemaker_user_profile" "this" {
  for_each = var.user_profiles

  domain_id         = aws_sagemaker_domain.this.id
  user_profile_name = each.key

  user_settings {
    # A team's profile runs as its team's (or its own) role; the others as their persona's.
    execution_role  = coalesce(each.value.execution_role_arn, var.persona_execution_role_arns[each.value.persona])
    security_groups = var.security_group_ids

    sharing_settings {
      notebook_output_option = "Disabled"
    }
  }

  tags = merge(var.tags, { persona = each.value.persona }, each.value.team == null ? {} : { team = each.value.team })
}

################################################################################
# SageMaker projects (account and region wide)
################################################################################

resource "aws_sagemaker_servicecatalog_portfolio_status" "this" {
  count = var.enable_projects ? 1 : 0

  status = "Enabled"
}

################################################################################
# SSM contract
################################################################################

locals {
  user_profile_names = sort(keys(var.user_profiles))

  contract = merge(
    {
      "studio/domain-id"            = aws_sagemaker_domain.this.id
      "studio/domain-arn"           = aws_sagemaker_domain.this.arn
      "studio/home-efs-id"          = aws_sagemaker_domain.this.home_efs_file_system_id
      "studio/lifecycle-config-arn" = local.jupyterlab_lifecycle_config_arn
    },
    # An SSM value cannot be empty: without user profiles the parameter is absent.
    length(local.user_profile_names) == 0 ? {} : {
      "studio/user-profiles" = join(",", local.user_profile_names)
    },
  )
}

resource "aws_ssm_parameter" "contract" {
  # checkov:skip=CKV2_AWS_34: The contract holds identifiers (domain id and ARN, EFS id, lifecycle configuration ARN, user profile names), not secrets; every platform role must read it without a decrypt grant.
  for_each = local.contract

  name        = "${var.ssm_prefix}/${each.key}"
  description = "Platform contract of ${local.domain_name}: ${each.key}"
  type        = each.key == "studio/user-profiles" ? "StringList" : "String"
  value       = each.value
  tags        = var.tags
}
