################################################################################
# Guardrails: which create actions carry which condition key
#
# Source: Service Authorization Reference, "Actions defined by Amazon
# SageMaker". An action is guarded for a key only if the reference lists the
# key for it: a Null deny on a key an action never carries would deny that
# action always. Two wildcards keep the policies under IAM's 6,144-character
# limit for managed policies; each matches exactly these actions today:
#   sagemaker:CreateAutoMLJob*       = CreateAutoMLJob, CreateAutoMLJobV2
#   sagemaker:Create*JobDefinition   = CreateDataQualityJobDefinition,
#     CreateModelBiasJobDefinition, CreateModelExplainabilityJobDefinition,
#     CreateModelQualityJobDefinition
# A future action matching them is guarded too (fail closed).
#
# SageMaker deprecated sagemaker:VolumeKmsKey and sagemaker:OutputKmsKey (and
# sagemaker:HomeEfsFileSystemKmsKey for domains) in favour of the ...Arn keys.
# A request passes if it carries the key under either name, so those Null
# denies list both names in ONE statement: conditions in one statement are
# ANDed, so the deny applies only when both are absent.
################################################################################

locals {
  # sagemaker:VpcSubnets and sagemaker:VpcSecurityGroupIds. CreateCompilationJob
  # and CreateTransformJob carry neither (a transform job runs in the VPC of
  # its model, and CreateModel is guarded).
  vpc_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateDomain",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
  ]

  # sagemaker:VolumeKmsKeyArn (CreateDomain has its own statement).
  volume_kms_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
  ]

  # sagemaker:OutputKmsKeyArn.
  output_kms_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
  ]

  # sagemaker:InterContainerTrafficEncryption.
  inter_container_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
  ]

  # Every guarded create action (union of the lists above, and model package
  # registration); the boundary denies them to roles created by project
  # templates, which carry the boundary but not the guardrails.
  guarded_create_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateDomain",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
  ]

  guardrails_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyJobsWithoutVpcSubnets"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSubnets" = "true" } }
      },
      {
        Sid       = "DenyJobsWithoutVpcSecurityGroups"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSecurityGroupIds" = "true" } }
      },
      {
        Sid       = "DenyJobsOutsideAllowedSubnets"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = var.subnet_ids } }
      },
      {
        Sid       = "DenyJobsOutsideAllowedSecurityGroups"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = var.security_group_ids } }
      },
      {
        Sid       = "DenyJobsWithoutVolumeKms"
        Effect    = "Deny"
        Action    = local.volume_kms_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:VolumeKmsKeyArn" = "true", "sagemaker:VolumeKmsKey" = "true" } }
      },
      {
        Sid       = "DenyJobsWithoutOutputKms"
        Effect    = "Deny"
        Action    = local.output_kms_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:OutputKmsKeyArn" = "true", "sagemaker:OutputKmsKey" = "true" } }
      },
      {
        Sid       = "DenyInterContainerEncryptionOff"
        Effect    = "Deny"
        Action    = local.inter_container_guarded_actions
        Resource  = "*"
        Condition = { Bool = { "sagemaker:InterContainerTrafficEncryption" = "false" } }
      },
      {
        Sid       = "DenyInterContainerEncryptionUnset"
        Effect    = "Deny"
        Action    = local.inter_container_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:InterContainerTrafficEncryption" = "true" } }
      },
      {
        Sid       = "DenyStudioDomainWithoutKms"
        Effect    = "Deny"
        Action    = "sagemaker:CreateDomain"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VolumeKmsKeyArn" = "true", "sagemaker:HomeEfsFileSystemKmsKey" = "true" } }
      },
      {
        Sid       = "DenyStudioDomainNotVpcOnly"
        Effect    = "Deny"
        Action    = "sagemaker:CreateDomain"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:AppNetworkAccessType" = "VpcOnly" } }
      },
      {
        Sid       = "DenyNotebookRootAccess"
        Effect    = "Deny"
        Action    = "sagemaker:CreateNotebookInstance"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:RootAccess" = "Disabled" } }
      },
      {
        Sid       = "DenyNotebookDirectInternetAccess"
        Effect    = "Deny"
        Action    = "sagemaker:CreateNotebookInstance"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:DirectInternetAccess" = "Disabled" } }
      },
      {
        # Every registration waits for a person's approval: nobody registers a
        # package Approved, nor without saying PendingManualApproval (a negated
        # operator matches an absent key).
        Sid       = "DenyRegistrationNotPendingApproval"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModelPackage"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:ModelApprovalStatus" = "PendingManualApproval" } }
      },
      # The bucket perimeter, in two statements (ORed). A request outside the
      # allowed buckets is denied unless it is s3:GetObject of an object tagged
      # servicecatalog:provisioning=true (Service Catalog's template copies):
      # - the first denies every S3 request whose object does not carry the tag
      #   with value "true" (StringNotEquals also matches when the key is
      #   absent: buckets, untagged objects, actions without the key);
      # - the second denies every other action on tagged objects (the key is
      #   present; NotAction, so a new S3 action is denied too). Non-S3 requests
      #   never carry the key, so NotAction does not reach other services, and
      #   only object requests carry it, so the allowed objects suffice as
      #   NotResource (this keeps the policy under the size limit).
      {
        Sid         = "DenyOtherBuckets"
        Effect      = "Deny"
        Action      = "s3:*"
        NotResource = local.allowed_s3_arns
        Condition   = { StringNotEquals = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "true" } }
      },
      {
        Sid         = "DenyOtherBucketsTaggedObjectsExceptGet"
        Effect      = "Deny"
        NotAction   = "s3:GetObject"
        NotResource = local.allowed_s3_object_arns
        Condition   = { Null = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "false" } }
      },
    ]
  }
}

resource "aws_iam_policy" "guardrails" {
  name        = local.guardrails_policy_name
  description = "SageMaker guardrails of ${var.name_prefix}: jobs only in the environment's subnets and security groups, with customer KMS keys and encrypted inter-container traffic; no bucket outside the environment."
  policy      = jsonencode(local.guardrails_policy)

  tags = merge(var.tags, { Name = local.guardrails_policy_name })

  lifecycle {
    precondition {
      condition     = length(jsonencode(local.guardrails_policy)) <= 6144
      error_message = "The rendered guardrails policy is ${length(jsonencode(local.guardrails_policy))} characters; IAM allows at most 6144 for a managed policy. Use fewer buckets, subnets or security groups."
    }
  }
}

################################################################################
# Instance types: the SageMaker instance types each use may request
#
# A second managed policy, attached with the guardrails to every role of this
# module: the guardrails policy has no room left under IAM's 6,144 characters.
#
# sagemaker:InstanceTypes is multivalued: a request carries every instance
# type it asks for (each instance group of a training job, each production
# variant of an endpoint configuration). ForAnyValue:StringNotLike denies a
# request if ANY of them is outside the allowed list. ForAnyValue is false
# when the key is absent, so a request without an instance type passes these
# statements:
# - processing, training and transform jobs cannot be created without one
#   (the APIs require it), so a request that carries none is one IAM cannot
#   check: DenyJobsWithoutInstanceTypes denies it (fail closed);
# - CreateApp without ResourceSpec.InstanceType starts the app on the
#   domain's or user profile's default instance type (set by the platform,
#   not by the caller): allowed;
# - a serverless endpoint configuration has no instance type: allowed
#   (memory and concurrency, not an instance, are what it bills).
# CreateNotebookInstance is allowed to no role of this module; the platform
# has no notebook instances, so it has no statement here.
################################################################################

locals {
  instance_types_policy_name = "${var.name_prefix}-instance-types"
  instance_types_arn         = "${local.iam_arn_prefix}:policy/${local.instance_types_policy_name}"

  instance_types_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyStudioAppsOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateApp"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.instance_types.studio_apps } }
      },
      {
        Sid       = "DenyProcessingOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateProcessingJob"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.instance_types.processing } }
      },
      {
        Sid       = "DenyTrainingOtherInstanceTypes"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTrainingJob"]
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.instance_types.training } }
      },
      {
        Sid       = "DenyTransformOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateTransformJob"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.instance_types.transform } }
      },
      {
        Sid       = "DenyEndpointsOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateEndpointConfig"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.instance_types.endpoints } }
      },
      {
        Sid       = "DenyJobsWithoutInstanceTypes"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob"]
        Resource  = "*"
        Condition = { Null = { "sagemaker:InstanceTypes" = "true" } }
      },
    ]
  }
}

resource "aws_iam_policy" "instance_types" {
  name        = local.instance_types_policy_name
  description = "SageMaker instance types of ${var.name_prefix}: Studio apps, processing, training, transform jobs and endpoint configurations only on the environment's allowed instance types."
  policy      = jsonencode(local.instance_types_policy)

  tags = merge(var.tags, { Name = local.instance_types_policy_name })

  lifecycle {
    precondition {
      condition     = length(jsonencode(local.instance_types_policy)) <= 6144
      error_message = "The rendered instance-types policy is ${length(jsonencode(local.instance_types_policy))} characters; IAM allows at most 6144 for a managed policy. Allow fewer instance types."
    }
  }
}
