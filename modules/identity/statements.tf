################################################################################
# Statements shared by several role policies
################################################################################

locals {
  s3_list_statement = {
    Sid      = "S3ListEnvironmentBuckets"
    Effect   = "Allow"
    Action   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"]
    Resource = local.readable_bucket_arns
  }

  s3_read_statement = {
    Sid      = "S3ReadEnvironmentObjects"
    Effect   = "Allow"
    Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"]
    Resource = local.readable_object_arns
  }

  s3_write_statement = {
    Sid      = "S3WriteEnvironmentObjects"
    Effect   = "Allow"
    Action   = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    Resource = local.writable_object_arns
  }

  persona_s3_write_statement = {
    Sid      = "S3WriteEnvironmentObjectsExceptModelArtifacts"
    Effect   = "Allow"
    Action   = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    Resource = local.persona_writable_object_arns
  }

  kms_use_statement = {
    Sid      = "KmsUseEnvironmentKeys"
    Effect   = "Allow"
    Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    Resource = local.workload_key_arns
  }

  kms_grant_statement = {
    Sid       = "KmsGrantsForAwsResources"
    Effect    = "Allow"
    Action    = "kms:CreateGrant"
    Resource  = local.workload_key_arns
    Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
  }

  sagemaker_read_statement = {
    Sid      = "SageMakerRead"
    Effect   = "Allow"
    Action   = ["sagemaker:BatchDescribeModelPackage", "sagemaker:BatchGetMetrics", "sagemaker:Describe*", "sagemaker:GetModelPackageGroupPolicy"]
    Resource = local.sagemaker_arns
  }

  # List actions that support no resource-level permission need "*".
  sagemaker_list_statement = {
    Sid       = "SageMakerListAndSearch"
    Effect    = "Allow"
    Action    = ["sagemaker:GetSearchSuggestions", "sagemaker:List*", "sagemaker:QueryLineage", "sagemaker:Search"]
    Resource  = "*"
    Condition = local.this_region
  }

  logs_read_statement = {
    Sid      = "SageMakerLogsRead"
    Effect   = "Allow"
    Action   = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"]
    Resource = local.sagemaker_log_arn
  }

  logs_write_statement = {
    Sid      = "SageMakerLogsWrite"
    Effect   = "Allow"
    Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"]
    Resource = local.sagemaker_log_arn
  }

  monitoring_read_statement = {
    Sid       = "MetricsAndLogGroupsRead"
    Effect    = "Allow"
    Action    = ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "logs:DescribeLogGroups"]
    Resource  = "*"
    Condition = local.this_region
  }

  caller_identity_statement = {
    Sid      = "CallerIdentity"
    Effect   = "Allow"
    Action   = "sts:GetCallerIdentity"
    Resource = "*"
  }

  ssm_read_statement = {
    Sid      = "ReadPlatformParameters"
    Effect   = "Allow"
    Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    Resource = local.ssm_path_arns
  }

  # SageMaker projects provision Service Catalog products as the caller.
  servicecatalog_user_statement = {
    Sid    = "ServiceCatalogEndUser"
    Effect = "Allow"
    Action = [
      "servicecatalog:DescribeProduct",
      "servicecatalog:DescribeProductView",
      "servicecatalog:DescribeProvisionedProduct",
      "servicecatalog:DescribeProvisioningArtifact",
      "servicecatalog:DescribeProvisioningParameters",
      "servicecatalog:DescribeRecord",
      "servicecatalog:ListLaunchPaths",
      "servicecatalog:ListProvisioningArtifacts",
      "servicecatalog:ListRecordHistory",
      "servicecatalog:ProvisionProduct",
      "servicecatalog:ScanProvisionedProducts",
      "servicecatalog:SearchProducts",
      "servicecatalog:SearchProvisionedProducts",
      "servicecatalog:TerminateProvisionedProduct",
      "servicecatalog:UpdateProvisionedProduct",
    ]
    Resource  = "*"
    Condition = local.this_region
  }

  # S3-based project templates: CreateProject names the launch role as its
  # template provider's RoleARN, which hands it to CloudFormation.
  pass_launch_role_statement = {
    Sid       = "PassLaunchRoleToCloudFormation"
    Effect    = "Allow"
    Action    = "iam:PassRole"
    Resource  = local.launch_arn
    Condition = { StringEquals = { "iam:PassedToService" = local.cloudformation_service } }
  }

  passrole_execution_roles_statement = {
    Sid       = "PassExecutionRolesToSageMaker"
    Effect    = "Allow"
    Action    = "iam:PassRole"
    Resource  = [local.sagemaker_execution_arn, local.pipeline_execution_arn]
    Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
  }

  # Training, processing, pipelines, experiments, lineage and registration:
  # what a data scientist does, and what Studio does for them through the
  # execution role.
  sagemaker_work_statement = {
    Sid    = "SageMakerWork"
    Effect = "Allow"
    Action = [
      "sagemaker:AddAssociation",
      "sagemaker:AddTags",
      "sagemaker:AssociateTrialComponent",
      "sagemaker:BatchPutMetrics",
      "sagemaker:CreateAction",
      "sagemaker:CreateArtifact",
      "sagemaker:CreateAutoMLJob",
      "sagemaker:CreateAutoMLJobV2",
      "sagemaker:CreateContext",
      "sagemaker:CreateExperiment",
      "sagemaker:CreateHyperParameterTuningJob",
      "sagemaker:CreateModel",
      "sagemaker:CreateModelPackage",
      "sagemaker:CreateModelPackageGroup",
      "sagemaker:CreatePipeline",
      "sagemaker:CreateProcessingJob",
      "sagemaker:CreateProject",
      "sagemaker:CreateTrainingJob",
      "sagemaker:CreateTransformJob",
      "sagemaker:CreateTrial",
      "sagemaker:CreateTrialComponent",
      "sagemaker:DeleteExperiment",
      "sagemaker:DeleteModel",
      "sagemaker:DeletePipeline",
      "sagemaker:DeleteProject",
      "sagemaker:DeleteTrial",
      "sagemaker:DeleteTrialComponent",
      "sagemaker:DisassociateTrialComponent",
      "sagemaker:RetryPipelineExecution",
      "sagemaker:SendPipelineExecutionStepFailure",
      "sagemaker:SendPipelineExecutionStepSuccess",
      "sagemaker:StartPipelineExecution",
      "sagemaker:StopAutoMLJob",
      "sagemaker:StopHyperParameterTuningJob",
      "sagemaker:StopPipelineExecution",
      "sagemaker:StopProcessingJob",
      "sagemaker:StopTrainingJob",
      "sagemaker:StopTransformJob",
      "sagemaker:UpdateExperiment",
      "sagemaker:UpdatePipeline",
      "sagemaker:UpdatePipelineExecution",
      "sagemaker:UpdateProject",
      "sagemaker:UpdateTrial",
      "sagemaker:UpdateTrialComponent",
    ]
    Resource = local.sagemaker_arns
  }

  studio_own_profile_statement = {
    Sid      = "StudioOpenOwnUserProfile"
    Effect   = "Allow"
    Action   = "sagemaker:CreatePresignedDomainUrl"
    Resource = local.studio_own_profile
  }

  studio_own_apps_statement = {
    Sid      = "StudioOwnApps"
    Effect   = "Allow"
    Action   = ["sagemaker:CreateApp", "sagemaker:DeleteApp"]
    Resource = local.studio_own_apps_arns
  }

  deny_model_approval = {
    Sid      = "DenyModelApproval"
    Effect   = "Deny"
    Action   = "sagemaker:UpdateModelPackage"
    Resource = "*"
  }

  # Registering a package as already approved would bypass the approval.
  deny_self_approved_registration = {
    Sid       = "DenySelfApprovedModelPackage"
    Effect    = "Deny"
    Action    = "sagemaker:CreateModelPackage"
    Resource  = "*"
    Condition = { StringEquals = { "sagemaker:ModelApprovalStatus" = "Approved" } }
  }

  # The team lead approves; the pipeline (or a data scientist) registers. A
  # lead who could register could approve their own package alone.
  deny_model_registration = {
    Sid      = "DenyModelRegistration"
    Effect   = "Deny"
    Action   = "sagemaker:CreateModelPackage"
    Resource = "*"
  }

  deny_registry_deletion = {
    Sid      = "DenyModelRegistryDeletion"
    Effect   = "Deny"
    Action   = ["sagemaker:DeleteModelPackage", "sagemaker:DeleteModelPackageGroup"]
    Resource = "*"
  }

  deny_registry_group_deletion = {
    Sid      = "DenyModelPackageGroupDeletion"
    Effect   = "Deny"
    Action   = "sagemaker:DeleteModelPackageGroup"
    Resource = "*"
  }

  deny_registry_policy_changes = {
    Sid      = "DenyModelRegistryPolicyChanges"
    Effect   = "Deny"
    Action   = ["sagemaker:PutModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy"]
    Resource = "*"
  }

  deny_iam_changes = {
    Sid      = "DenyIamChanges"
    Effect   = "Deny"
    Action   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeleteRolePermissionsBoundary"]
    Resource = "*"
  }
}
