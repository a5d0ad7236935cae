# Security properties of the domain, the lifecycle configuration and the SDK
# defaults it writes, user profiles, projects and the SSM contract.
#
# Computed ids and ARNs are overridden during plan (the mock's random strings
# would leave them unknown or fail the provider's ARN checks).

mock_provider "aws" {
  override_during = plan

  override_resource {
    target = aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"]
    values = {
      arn = "arn:aws:sagemaker:eu-west-1:111111111111:studio-lifecycle-config/mlops-dev-sdk-jupyterlab-0123abcd"
    }
  }

  override_resource {
    target = aws_sagemaker_studio_lifecycle_config.sdk_defaults["codeeditor"]
    values = {
      arn = "arn:aws:sagemaker:eu-west-1:111111111111:studio-lifecycle-config/mlops-dev-sdk-codeeditor-0123abcd"
    }
  }

  override_resource {
    target = aws_sagemaker_domain.this
    values = {
      id                      = "d-abcdefghijkl"
      arn                     = "arn:aws:sagemaker:eu-west-1:111111111111:domain/d-abcdefghijkl"
      url                     = "https://d-abcdefghijkl.studio.eu-west-1.sagemaker.aws"
      home_efs_file_system_id = "fs-0123456789abcdef0"
    }
  }

  override_resource {
    target = aws_sagemaker_user_profile.this
    values = {
      arn = "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/d-abcdefghijkl/some-user"
    }
  }
}

variables {
  name_prefix             = "mlops-dev"
  vpc_id                  = "vpc-0123456789abcdef0"
  subnet_ids              = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  security_group_ids      = ["sg-0123456789abcdef0"]
  kms_key_arn             = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
  jobs_volume_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
  jobs_output_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
  execution_role_arn      = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
  persona_execution_role_arns = {
    data_scientist     = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
    data_science_admin = "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"
  }
  user_profiles = {
    alice = { persona = "data_scientist" }
    bob   = { persona = "data_science_admin" }
  }
  sdk_default_bucket = "mlops-dev-data-111111111111"
  ssm_prefix         = "/mlops/dev"
  tags = {
    Environment = "dev"
  }
}

# -----------------------------------------------------------------------------
# Domain
# -----------------------------------------------------------------------------
# One plan (same variables) for: domain_is_vpc_only_iam_and_customer_key_encrypted,
#   default_user_settings_are_locked_down, lifecycle_configuration_writes_the_sdk_defaults,
#   sdk_defaults_satisfy_the_guardrails, user_profiles_use_their_persona_role,
#   projects_are_enabled_by_default, ssm_contract.
run "domain_is_vpc_only_iam_and_customer_key_encrypted" {
  command = plan

  # --- domain_is_vpc_only_iam_and_customer_key_encrypted
  assert {
    condition     = aws_sagemaker_domain.this.domain_name == "mlops-dev-studio"
    error_message = "The domain must be named <name_prefix>-studio."
  }

  assert {
    condition     = aws_sagemaker_domain.this.app_network_access_type == "VpcOnly"
    error_message = "The domain must be VpcOnly (no SageMaker-managed internet access)."
  }

  assert {
    condition     = aws_sagemaker_domain.this.auth_mode == "IAM"
    error_message = "The domain must use IAM authentication."
  }

  assert {
    condition     = aws_sagemaker_domain.this.kms_key_id == var.kms_key_arn
    error_message = "The domain (home EFS, space volumes) must be encrypted with the customer key kms_key_arn."
  }

  assert {
    condition     = aws_sagemaker_domain.this.vpc_id == var.vpc_id && toset(aws_sagemaker_domain.this.subnet_ids) == toset(var.subnet_ids)
    error_message = "The domain must be placed in vpc_id and subnet_ids."
  }

  assert {
    condition     = toset(aws_sagemaker_domain.this.domain_settings[0].security_group_ids) == toset(var.security_group_ids)
    error_message = "domain_settings must carry security_group_ids."
  }

  assert {
    condition     = aws_sagemaker_domain.this.domain_settings[0].docker_settings[0].enable_docker_access == "DISABLED"
    error_message = "Docker access must be disabled."
  }

  assert {
    condition     = aws_sagemaker_domain.this.retention_policy[0].home_efs_file_system == "Retain"
    error_message = "The default home EFS retention must be Retain."
  }

  assert {
    condition     = aws_sagemaker_domain.this.tags == tomap({ Environment = "dev" })
    error_message = "The domain must carry the tags input."
  }

  # --- default_user_settings_are_locked_down
  assert {
    condition     = aws_sagemaker_domain.this.default_user_settings[0].execution_role == var.execution_role_arn
    error_message = "The default execution role must be execution_role_arn."
  }

  assert {
    condition     = toset(aws_sagemaker_domain.this.default_user_settings[0].security_groups) == toset(var.security_group_ids)
    error_message = "Default user settings must carry security_group_ids."
  }

  assert {
    condition     = aws_sagemaker_domain.this.default_user_settings[0].sharing_settings[0].notebook_output_option == "Disabled"
    error_message = "Notebook output sharing must be disabled in the domain defaults."
  }

  assert {
    condition     = aws_sagemaker_domain.this.default_user_settings[0].studio_web_portal == "ENABLED" && aws_sagemaker_domain.this.default_user_settings[0].default_landing_uri == "studio::"
    error_message = "The new Studio experience must be enabled and be the default landing page."
  }

  assert {
    condition = [
      for apps in [
        aws_sagemaker_domain.this.default_user_settings[0].jupyter_lab_app_settings[0],
        aws_sagemaker_domain.this.default_user_settings[0].code_editor_app_settings[0],
        aws_sagemaker_domain.this.default_space_settings[0].jupyter_lab_app_settings[0],
      ] : apps.app_lifecycle_management[0].idle_settings[0]
      ] == [for i in range(3) : {
        lifecycle_management        = "ENABLED"
        idle_timeout_in_minutes     = 60
        min_idle_timeout_in_minutes = 60
        max_idle_timeout_in_minutes = 480
    }]
    error_message = "Idle shutdown must be ENABLED with the default timeouts (60, min 60, max 480) for JupyterLab, Code Editor and shared JupyterLab spaces."
  }

  assert {
    condition     = toset(aws_sagemaker_domain.this.default_user_settings[0].jupyter_lab_app_settings[0].lifecycle_config_arns) == toset([aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].arn])
    error_message = "The JupyterLab lifecycle configuration must be the one allowed for JupyterLab."
  }

  assert {
    condition     = aws_sagemaker_domain.this.default_user_settings[0].jupyter_lab_app_settings[0].default_resource_spec[0].lifecycle_config_arn == aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].arn
    error_message = "The JupyterLab lifecycle configuration must be the default one."
  }

  assert {
    condition = (
      toset(aws_sagemaker_domain.this.default_user_settings[0].code_editor_app_settings[0].lifecycle_config_arns) == toset([aws_sagemaker_studio_lifecycle_config.sdk_defaults["codeeditor"].arn]) &&
      aws_sagemaker_domain.this.default_user_settings[0].code_editor_app_settings[0].default_resource_spec[0].lifecycle_config_arn == aws_sagemaker_studio_lifecycle_config.sdk_defaults["codeeditor"].arn
    )
    error_message = "The Code Editor lifecycle configuration must be allowed and default for Code Editor."
  }

  assert {
    condition = (
      aws_sagemaker_domain.this.default_space_settings[0].execution_role == var.execution_role_arn &&
      toset(aws_sagemaker_domain.this.default_space_settings[0].security_groups) == toset(var.security_group_ids) &&
      aws_sagemaker_domain.this.default_space_settings[0].jupyter_lab_app_settings[0].default_resource_spec[0].lifecycle_config_arn == aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].arn
    )
    error_message = "Shared spaces must use the default role, the security groups and the JupyterLab lifecycle configuration."
  }

  assert {
    condition     = output.lifecycle_config_arn == aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].arn
    error_message = "Output lifecycle_config_arn must be the JupyterLab lifecycle configuration."
  }

  # --- lifecycle_configuration_writes_the_sdk_defaults
  # -----------------------------------------------------------------------------
  # Lifecycle configuration and SDK defaults
  # -----------------------------------------------------------------------------
  assert {
    condition = {
      for k, c in aws_sagemaker_studio_lifecycle_config.sdk_defaults : k => c.studio_lifecycle_config_app_type
    } == { jupyterlab = "JupyterLab", codeeditor = "CodeEditor" }
    error_message = "There must be one lifecycle configuration for JupyterLab and one for Code Editor."
  }

  assert {
    condition     = alltrue([for k, c in aws_sagemaker_studio_lifecycle_config.sdk_defaults : can(regex("^mlops-dev-sdk-${k}-[0-9a-f]{8}$", c.studio_lifecycle_config_name))])
    error_message = "Lifecycle configurations must be named <name_prefix>-sdk-<app>-<8-hex content hash>."
  }

  assert {
    condition     = aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].studio_lifecycle_config_content == aws_sagemaker_studio_lifecycle_config.sdk_defaults["codeeditor"].studio_lifecycle_config_content
    error_message = "Both app types must run the same script."
  }

  assert {
    condition = alltrue([
      for s in [
        "#!/bin/bash",
        "set -euo pipefail",
        "/.config/sagemaker",
        "config.yaml",
        "subnet-0123456789abcdef0",
        "subnet-0123456789abcdef1",
        "sg-0123456789abcdef0",
        var.jobs_volume_kms_key_arn,
        var.jobs_output_kms_key_arn,
        "\"EnableInterContainerTrafficEncryption\": true",
        "\"SchemaVersion\": \"1.0\"",
      ] : strcontains(base64decode(aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].studio_lifecycle_config_content), s)
    ])
    error_message = "The decoded script must be a strict bash script that writes ~/.config/sagemaker/config.yaml with the subnets, security groups, both job keys and inter-container encryption."
  }

  assert {
    condition     = strcontains(base64decode(aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].studio_lifecycle_config_content), output.sdk_config_yaml)
    error_message = "The script must embed the sdk_config_yaml output verbatim."
  }

  assert {
    condition     = strcontains(base64decode(aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].studio_lifecycle_config_content), "target_home=\"$${HOME:-/home/sagemaker-user}\"")
    error_message = "The script's own shell expansions must survive template rendering (escaped as $${...} in the template)."
  }

  # --- sdk_defaults_satisfy_the_guardrails
  assert {
    condition     = yamldecode(output.sdk_config_yaml).SchemaVersion == "1.0"
    error_message = "The SDK config must declare SchemaVersion 1.0."
  }

  # Every VpcConfig in the file: training, processing, AutoML, compilation,
  # monitoring, model, remote functions.
  assert {
    condition = alltrue([
      for vpc in [
        yamldecode(output.sdk_config_yaml).SageMaker.TrainingJob.VpcConfig,
        yamldecode(output.sdk_config_yaml).SageMaker.ProcessingJob.NetworkConfig.VpcConfig,
        yamldecode(output.sdk_config_yaml).SageMaker.AutoMLJob.AutoMLJobConfig.SecurityConfig.VpcConfig,
        yamldecode(output.sdk_config_yaml).SageMaker.CompilationJob.VpcConfig,
        yamldecode(output.sdk_config_yaml).SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.VpcConfig,
        yamldecode(output.sdk_config_yaml).SageMaker.Model.VpcConfig,
        yamldecode(output.sdk_config_yaml).SageMaker.PythonSDK.Modules.RemoteFunction.VpcConfig,
      ] : jsonencode(vpc) == jsonencode({ Subnets = var.subnet_ids, SecurityGroupIds = var.security_group_ids })
    ])
    error_message = "Every VpcConfig of the SDK defaults must be exactly { Subnets = subnet_ids, SecurityGroupIds = security_group_ids }."
  }

  assert {
    condition = alltrue([
      for key in [
        yamldecode(output.sdk_config_yaml).SageMaker.TrainingJob.ResourceConfig.VolumeKmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.ProcessingJob.ProcessingResources.ClusterConfig.VolumeKmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.TransformJob.TransformResources.VolumeKmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.AutoMLJob.AutoMLJobConfig.SecurityConfig.VolumeKmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig.VolumeKmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.EndpointConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.PythonSDK.Modules.RemoteFunction.VolumeKmsKeyId,
      ] : key == var.jobs_volume_kms_key_arn
    ])
    error_message = "Every volume key of the SDK defaults must be jobs_volume_kms_key_arn."
  }

  assert {
    condition = alltrue([
      for key in [
        yamldecode(output.sdk_config_yaml).SageMaker.TrainingJob.OutputDataConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.ProcessingJob.ProcessingOutputConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.TransformJob.TransformOutput.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.TransformJob.DataCaptureConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.AutoMLJob.OutputDataConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.CompilationJob.OutputConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.EndpointConfig.DataCaptureConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.EndpointConfig.AsyncInferenceConfig.OutputConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.FeatureGroup.OfflineStoreConfig.S3StorageConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.FeatureGroup.OnlineStoreConfig.SecurityConfig.KmsKeyId,
        yamldecode(output.sdk_config_yaml).SageMaker.PythonSDK.Modules.RemoteFunction.S3KmsKeyId,
      ] : key == var.jobs_output_kms_key_arn
    ])
    error_message = "Every output key of the SDK defaults must be jobs_output_kms_key_arn."
  }

  assert {
    condition = alltrue([
      yamldecode(output.sdk_config_yaml).SageMaker.TrainingJob.EnableInterContainerTrafficEncryption,
      yamldecode(output.sdk_config_yaml).SageMaker.ProcessingJob.NetworkConfig.EnableInterContainerTrafficEncryption,
      yamldecode(output.sdk_config_yaml).SageMaker.AutoMLJob.AutoMLJobConfig.SecurityConfig.EnableInterContainerTrafficEncryption,
      yamldecode(output.sdk_config_yaml).SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableInterContainerTrafficEncryption,
      yamldecode(output.sdk_config_yaml).SageMaker.PythonSDK.Modules.RemoteFunction.EnableInterContainerTrafficEncryption,
    ])
    error_message = "Inter-container traffic encryption must be on for training, processing, AutoML, monitoring jobs and remote functions."
  }

  assert {
    condition = [
      yamldecode(output.sdk_config_yaml).SageMaker.TrainingJob.EnableNetworkIsolation,
      yamldecode(output.sdk_config_yaml).SageMaker.ProcessingJob.NetworkConfig.EnableNetworkIsolation,
      yamldecode(output.sdk_config_yaml).SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableNetworkIsolation,
      yamldecode(output.sdk_config_yaml).SageMaker.Model.EnableNetworkIsolation,
    ] == [false, false, false, false]
    error_message = "Network isolation must be off by default."
  }

  assert {
    condition     = yamldecode(output.sdk_config_yaml).SageMaker.PythonSDK.Modules.Session == { DefaultS3Bucket = "mlops-dev-data-111111111111" }
    error_message = "sdk_default_bucket must become Session.DefaultS3Bucket."
  }

  # The SDK's schema has no Pipeline VpcConfig and rejects unknown keys.
  assert {
    condition     = !contains(keys(yamldecode(output.sdk_config_yaml).SageMaker), "Pipeline")
    error_message = "The SDK defaults must not set Pipeline keys (the schema allows only RoleArn and Tags there)."
  }

  # --- user_profiles_use_their_persona_role
  # -----------------------------------------------------------------------------
  # User profiles
  # -----------------------------------------------------------------------------
  assert {
    condition     = keys(aws_sagemaker_user_profile.this) == ["alice", "bob"]
    error_message = "One user profile per entry of user_profiles."
  }

  assert {
    condition = {
      for name, p in aws_sagemaker_user_profile.this : name => p.user_settings[0].execution_role
      } == {
      alice = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
      bob   = "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"
    }
    error_message = "Each profile's execution role must be its persona's role."
  }

  assert {
    condition     = alltrue([for p in aws_sagemaker_user_profile.this : p.user_settings[0].sharing_settings[0].notebook_output_option == "Disabled"])
    error_message = "Notebook output sharing must be disabled on every profile."
  }

  assert {
    condition     = alltrue([for p in aws_sagemaker_user_profile.this : toset(p.user_settings[0].security_groups) == toset(var.security_group_ids)])
    error_message = "Every profile must carry security_group_ids."
  }

  assert {
    condition     = alltrue([for p in aws_sagemaker_user_profile.this : p.domain_id == "d-abcdefghijkl"])
    error_message = "Every profile must belong to the module's domain."
  }

  assert {
    condition = jsonencode({
      for name, p in aws_sagemaker_user_profile.this : name => p.tags
      }) == jsonencode({
      alice = { Environment = "dev", persona = "data_scientist" }
      bob   = { Environment = "dev", persona = "data_science_admin" }
    })
    error_message = "Profiles must be tagged with their persona plus the tags input."
  }

  assert {
    condition     = output.user_profile_execution_role_arns == { alice = var.persona_execution_role_arns["data_scientist"], bob = var.persona_execution_role_arns["data_science_admin"] }
    error_message = "Output user_profile_execution_role_arns must map users to their persona's role."
  }

  assert {
    condition     = keys(output.user_profile_arns) == ["alice", "bob"]
    error_message = "Output user_profile_arns must have one entry per user."
  }

  # --- projects_are_enabled_by_default
  # -----------------------------------------------------------------------------
  # Projects
  # -----------------------------------------------------------------------------
  assert {
    condition     = length(aws_sagemaker_servicecatalog_portfolio_status.this) == 1 && aws_sagemaker_servicecatalog_portfolio_status.this[0].status == "Enabled"
    error_message = "With enable_projects (default true) the Service Catalog portfolio status must be Enabled."
  }

  assert {
    condition     = output.projects_enabled
    error_message = "Output projects_enabled must be true."
  }

  # --- ssm_contract
  # -----------------------------------------------------------------------------
  # SSM contract
  # -----------------------------------------------------------------------------
  assert {
    condition = output.ssm_parameter_names == {
      "studio/domain-id"            = "/mlops/dev/studio/domain-id"
      "studio/domain-arn"           = "/mlops/dev/studio/domain-arn"
      "studio/home-efs-id"          = "/mlops/dev/studio/home-efs-id"
      "studio/lifecycle-config-arn" = "/mlops/dev/studio/lifecycle-config-arn"
      "studio/user-profiles"        = "/mlops/dev/studio/user-profiles"
    }
    error_message = "The contract must publish the five studio/ parameters under ssm_prefix."
  }

  assert {
    condition = {
      for k, p in aws_ssm_parameter.contract : k => [p.type, p.value]
      } == {
      "studio/domain-id"            = ["String", "d-abcdefghijkl"]
      "studio/domain-arn"           = ["String", "arn:aws:sagemaker:eu-west-1:111111111111:domain/d-abcdefghijkl"]
      "studio/home-efs-id"          = ["String", "fs-0123456789abcdef0"]
      "studio/lifecycle-config-arn" = ["String", "arn:aws:sagemaker:eu-west-1:111111111111:studio-lifecycle-config/mlops-dev-sdk-jupyterlab-0123abcd"]
      "studio/user-profiles"        = ["StringList", "alice,bob"]
    }
    error_message = "Contract values must be the domain id/ARN, home EFS id, JupyterLab lifecycle configuration ARN and the sorted user names."
  }

  assert {
    condition = [output.domain_id, output.domain_arn, output.domain_url, output.home_efs_file_system_id] == [
      "d-abcdefghijkl",
      "arn:aws:sagemaker:eu-west-1:111111111111:domain/d-abcdefghijkl",
      "https://d-abcdefghijkl.studio.eu-west-1.sagemaker.aws",
      "fs-0123456789abcdef0",
    ]
    error_message = "Domain outputs must come from the domain."
  }
}

run "idle_timeouts_follow_the_inputs" {
  command = plan

  variables {
    idle_timeout_in_minutes     = 120
    min_idle_timeout_in_minutes = 90
    max_idle_timeout_in_minutes = 525600
  }

  assert {
    condition = [
      for apps in [
        aws_sagemaker_domain.this.default_user_settings[0].jupyter_lab_app_settings[0],
        aws_sagemaker_domain.this.default_user_settings[0].code_editor_app_settings[0],
      ] : apps.app_lifecycle_management[0].idle_settings[0]
      ] == [for i in range(2) : {
        lifecycle_management        = "ENABLED"
        idle_timeout_in_minutes     = 120
        min_idle_timeout_in_minutes = 90
        max_idle_timeout_in_minutes = 525600
    }]
    error_message = "Idle settings must follow idle_timeout_in_minutes, min_idle_timeout_in_minutes and max_idle_timeout_in_minutes."
  }
}

run "home_efs_can_be_deleted_with_the_domain" {
  command = plan

  variables {
    home_efs_retention = "Delete"
  }

  assert {
    condition     = aws_sagemaker_domain.this.retention_policy[0].home_efs_file_system == "Delete"
    error_message = "home_efs_retention = Delete must reach the retention policy."
  }
}

run "network_isolation_and_no_default_bucket" {
  command = plan

  variables {
    jobs_enable_network_isolation = true
    sdk_default_bucket            = null
  }

  assert {
    condition = [
      yamldecode(output.sdk_config_yaml).SageMaker.TrainingJob.EnableNetworkIsolation,
      yamldecode(output.sdk_config_yaml).SageMaker.ProcessingJob.NetworkConfig.EnableNetworkIsolation,
      yamldecode(output.sdk_config_yaml).SageMaker.MonitoringSchedule.MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig.EnableNetworkIsolation,
      yamldecode(output.sdk_config_yaml).SageMaker.Model.EnableNetworkIsolation,
    ] == [true, true, true, true]
    error_message = "jobs_enable_network_isolation = true must turn network isolation on for training, processing, monitoring and models."
  }

  assert {
    condition     = keys(yamldecode(output.sdk_config_yaml).SageMaker.PythonSDK.Modules) == ["RemoteFunction"]
    error_message = "Without sdk_default_bucket there must be no Session defaults."
  }
}

run "projects_setting_can_be_left_alone" {
  command = plan

  variables {
    enable_projects = false
  }

  assert {
    condition     = length(aws_sagemaker_servicecatalog_portfolio_status.this) == 0 && !output.projects_enabled
    error_message = "With enable_projects = false the module must not manage the portfolio status."
  }
}

run "s3_project_templates_location_is_a_domain_tag" {
  command = plan

  variables {
    project_templates_location = "s3://mlops-dev-sc-templates-111111111111/templates/"
  }

  assert {
    condition     = aws_sagemaker_domain.this.tags["sagemaker:projectS3TemplatesLocation"] == "s3://mlops-dev-sc-templates-111111111111/templates/"
    error_message = "The domain must carry sagemaker:projectS3TemplatesLocation = project_templates_location (where Studio lists the S3 templates)."
  }
}

run "no_project_templates_location_no_tag" {
  command = plan

  assert {
    condition     = !contains(keys(coalesce(aws_sagemaker_domain.this.tags, {})), "sagemaker:projectS3TemplatesLocation")
    error_message = "Without project_templates_location the domain must not carry the tag."
  }
}

run "project_templates_location_must_be_an_s3_uri" {
  command = plan

  variables {
    project_templates_location = "https://mlops-dev-sc-templates-111111111111.s3.amazonaws.com/templates/"
  }

  expect_failures = [var.project_templates_location]
}

run "ssm_contract_without_user_profiles" {
  command = plan

  variables {
    user_profiles = {}
  }

  assert {
    condition     = length(aws_sagemaker_user_profile.this) == 0 && !contains(keys(aws_ssm_parameter.contract), "studio/user-profiles")
    error_message = "Without user profiles there are no profiles and no (empty, hence invalid) user-profiles parameter."
  }

  assert {
    condition     = length(aws_ssm_parameter.contract) == 4
    error_message = "The other four contract parameters must still be published."
  }
}

run "a_team_profile_runs_as_its_team_role_and_carries_the_team_tag" {
  command = plan

  variables {
    user_profiles = {
      alice = { persona = "data_scientist" }
      carol = { persona = "data_scientist", team = "risk", execution_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-team-risk-execution" }
    }
  }

  assert {
    condition     = aws_sagemaker_user_profile.this["carol"].user_settings[0].execution_role == "arn:aws:iam::111111111111:role/mlops-dev-team-risk-execution" && aws_sagemaker_user_profile.this["carol"].tags["team"] == "risk"
    error_message = "A team's user profile runs as the role it is given and is tagged team = <team>."
  }

  assert {
    condition     = aws_sagemaker_user_profile.this["alice"].user_settings[0].execution_role == var.persona_execution_role_arns["data_scientist"] && !contains(keys(aws_sagemaker_user_profile.this["alice"].tags), "team")
    error_message = "A profile without a team keeps its persona's role and has no team tag."
  }
}

run "a_team_profile_needs_its_role" {
  command = plan

  variables {
    user_profiles = { carol = { persona = "data_scientist", team = "risk" } }
  }

  expect_failures = [var.user_profiles]
}

run "pip_reads_the_package_repository" {
  command = plan

  variables {
    package_index = {
      domain       = "mlops-dev-packages"
      domain_owner = "111111111111"
      repository   = "curated"
      region       = "eu-west-1"
    }
  }

  assert {
    condition = alltrue([for s in [
      "cat >\"$login_script\" <<'PIP_INDEX_LOGIN'\n#!/usr/bin/env python3\n",
      "python3 \"$login_script\" --domain 'mlops-dev-packages' --domain-owner '111111111111' \\\n  --repository 'curated' --region 'eu-west-1' ||",
      "client.get_authorization_token(",
      "os.fchmod(descriptor, 0o600)",
    ] : strcontains(base64decode(aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].studio_lifecycle_config_content), s)])
    error_message = "The lifecycle configuration installs the pip login script and runs it for the environment's repository (the token is asked at run time, written owner-only)."
  }

  assert {
    condition     = !strcontains(base64decode(aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].studio_lifecycle_config_content), "authorizationToken =") && length(aws_sagemaker_studio_lifecycle_config.sdk_defaults["jupyterlab"].studio_lifecycle_config_content) <= 16384
    error_message = "No token in the configuration, and it fits SageMaker's limit."
  }
}

run "no_package_repository_no_pip_step" {
  command = plan

  assert {
    condition     = !strcontains(base64decode(aws_sagemaker_studio_lifecycle_config.sdk_defaults["codeeditor"].studio_lifecycle_config_content), "login_script=")
    error_message = "Without a package repository the lifecycle configuration does not touch pip."
  }
}

run "package_index_with_a_bad_owner" {
  command = plan

  variables {
    package_index = { domain = "mlops-dev-packages", domain_owner = "1111", repository = "curated", region = "eu-west-1" }
  }

  expect_failures = [var.package_index]
}
