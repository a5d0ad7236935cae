# Content of every policy the module renders, decoded at plan time.
# All roles are created (every persona has principals, nothing is brought).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
}

variables {
  name_prefix = "mlops-dev"
  prefix      = "mlops"
  instance_types = {
    studio_apps = ["system", "ml.t3.medium"]
    processing  = ["ml.m5.large"]
    training    = ["ml.m5.large", "ml.m5.xlarge"]
    transform   = ["ml.m5.large"]
    endpoints   = ["ml.t2.medium", "ml.m5.large"]
  }
  bucket_arns = [
    "arn:aws:s3:::mlops-dev-data-111111111111",
    "arn:aws:s3:::mlops-dev-models-111111111111",
    "arn:aws:s3:::mlops-dev-access-logs-111111111111",
  ]
  read_only_bucket_arns      = ["arn:aws:s3:::mlops-dev-access-logs-111111111111"]
  model_artifact_bucket_arns = ["arn:aws:s3:::mlops-dev-models-111111111111"]
  aws_service_bucket_arns    = ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket"]
  kms_key_arns = {
    data   = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111"
    ebs    = "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222"
    studio = "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333"
    logs   = "arn:aws:kms:eu-west-1:111111111111:key/44444444-4444-4444-4444-444444444444"
  }
  ssm_parameter_arn_prefix = "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev"
  subnet_ids               = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
  security_group_ids       = ["sg-0123456789abcdef0"]
  persona_principals = {
    data_science_admin = ["arn:aws:iam::999999999999:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DataScienceAdmin_0123456789abcdef"]
    team_lead          = ["arn:aws:iam::999999999999:role/team-lead"]
    data_scientist     = ["arn:aws:iam::999999999999:role/data-scientist", "arn:aws:iam::999999999999:role/data-scientist-2"]
  }
  target_account_ids = {
    staging = "222222222222"
    prod    = "333333333333"
  }
  tags = {
    Environment = "dev"
  }
}

# -----------------------------------------------------------------------------
# Guardrails
# -----------------------------------------------------------------------------
# One plan (same variables) for: guardrails_statements, guardrails_network, guardrails_encryption,
#   guardrails_buckets, fixture_is_the_rendered_policies, boundary_protects_itself,
#   boundary_includes_guardrails, boundary_allow_list, no_wildcards_anywhere,
#   boundary_covers_every_role, data_scientist, team_lead, data_science_admin,
#   sagemaker_execution, pipeline_execution, launch, deploy_events.
run "guardrails_statements" {
  command = plan

  # --- guardrails_statements
  assert {
    condition = [for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Sid] == [
      "DenyJobsWithoutVpcSubnets",
      "DenyJobsWithoutVpcSecurityGroups",
      "DenyJobsOutsideAllowedSubnets",
      "DenyJobsOutsideAllowedSecurityGroups",
      "DenyJobsWithoutVolumeKms",
      "DenyJobsWithoutOutputKms",
      "DenyInterContainerEncryptionOff",
      "DenyInterContainerEncryptionUnset",
      "DenyStudioDomainWithoutKms",
      "DenyStudioDomainNotVpcOnly",
      "DenyNotebookRootAccess",
      "DenyNotebookDirectInternetAccess",
      "DenyRegistrationNotPendingApproval",
      "DenyOtherBuckets",
      "DenyOtherBucketsTaggedObjectsExceptGet",
    ]
    error_message = "The guardrails policy must contain exactly the documented statements, in order."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Effect == "Deny"])
    error_message = "Every guardrail statement must be a Deny."
  }

  # OR semantics: one condition operator and one condition key per statement,
  # except the KMS presence checks, which list the current and the deprecated
  # name of the same key (AND: deny only when both are absent).
  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement :
      length(keys(s.Condition)) == 1 && length(keys(values(s.Condition)[0])) == (contains(["DenyJobsWithoutVolumeKms", "DenyJobsWithoutOutputKms", "DenyStudioDomainWithoutKms"], s.Sid) ? 2 : 1)
    ])
    error_message = "Each guardrail statement must test one condition key (two names of the same key for the KMS checks); several keys in one statement would be ANDed."
  }

  # --- guardrails_network
  assert {
    condition = [for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Condition if startswith(s.Sid, "DenyJobs") && strcontains(s.Sid, "Vpc") || strcontains(s.Sid, "Allowed")] == [
      { Null = { "sagemaker:VpcSubnets" = "true" } },
      { Null = { "sagemaker:VpcSecurityGroupIds" = "true" } },
      { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"] } },
      { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = ["sg-0123456789abcdef0"] } },
    ]
    error_message = "Jobs without subnets, without security groups, or with any subnet/security group outside the allowed lists must be denied, one statement each."
  }

  # Only actions that carry sagemaker:VpcSubnets per the Service Authorization
  # Reference (no CreateCompilationJob, no CreateTransformJob).
  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Action == [
        "sagemaker:Create*JobDefinition",
        "sagemaker:CreateAutoMLJob*",
        "sagemaker:CreateDomain",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateModel",
        "sagemaker:CreateMonitoringSchedule",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
      ] if contains(["DenyJobsWithoutVpcSubnets", "DenyJobsWithoutVpcSecurityGroups", "DenyJobsOutsideAllowedSubnets", "DenyJobsOutsideAllowedSecurityGroups"], s.Sid)
    ])
    error_message = "The four VPC statements must guard exactly the create actions that carry the VPC condition keys."
  }

  # --- guardrails_encryption
  assert {
    condition = one([for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s if s.Sid == "DenyJobsWithoutVolumeKms"]) == {
      Sid    = "DenyJobsWithoutVolumeKms"
      Effect = "Deny"
      Action = [
        "sagemaker:Create*JobDefinition",
        "sagemaker:CreateAutoMLJob*",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateMonitoringSchedule",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateTransformJob",
      ]
      Resource  = "*"
      Condition = { Null = { "sagemaker:VolumeKmsKeyArn" = "true", "sagemaker:VolumeKmsKey" = "true" } }
    }
    error_message = "Jobs, notebooks and transform jobs without a volume KMS key (under either key name) must be denied."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s if s.Sid == "DenyJobsWithoutOutputKms"]) == {
      Sid    = "DenyJobsWithoutOutputKms"
      Effect = "Deny"
      Action = [
        "sagemaker:Create*JobDefinition",
        "sagemaker:CreateAutoMLJob*",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateMonitoringSchedule",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateTransformJob",
      ]
      Resource  = "*"
      Condition = { Null = { "sagemaker:OutputKmsKeyArn" = "true", "sagemaker:OutputKmsKey" = "true" } }
    }
    error_message = "Jobs without an output KMS key (under either key name) must be denied."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Condition if startswith(s.Sid, "DenyInterContainer")] == [
      { Bool = { "sagemaker:InterContainerTrafficEncryption" = "false" } },
      { Null = { "sagemaker:InterContainerTrafficEncryption" = "true" } },
    ]
    error_message = "Inter-container traffic encryption switched off AND left unset must each be denied by their own statement."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Action == [
        "sagemaker:Create*JobDefinition",
        "sagemaker:CreateAutoMLJob*",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateMonitoringSchedule",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateTrainingJob",
      ] if startswith(s.Sid, "DenyInterContainer")
    ])
    error_message = "The inter-container statements must guard training, processing, tuning, AutoML and the monitoring definitions/schedules."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : [s.Action, s.Condition] if startswith(s.Sid, "DenyStudio") || startswith(s.Sid, "DenyNotebook")] == [
      ["sagemaker:CreateDomain", { Null = { "sagemaker:VolumeKmsKeyArn" = "true", "sagemaker:HomeEfsFileSystemKmsKey" = "true" } }],
      ["sagemaker:CreateDomain", { StringNotEquals = { "sagemaker:AppNetworkAccessType" = "VpcOnly" } }],
      ["sagemaker:CreateNotebookInstance", { StringNotEquals = { "sagemaker:RootAccess" = "Disabled" } }],
      ["sagemaker:CreateNotebookInstance", { StringNotEquals = { "sagemaker:DirectInternetAccess" = "Disabled" } }],
    ]
    error_message = "Studio domains must be VPC-only with a KMS key; notebook instances must have root and direct internet access disabled."
  }

  # --- guardrails_buckets
  # The bucket perimeter has one exception: s3:GetObject of an object tagged
  # servicecatalog:provisioning=true (Service Catalog's copy of a product
  # template, read by the launch role). Two statements, ORed:
  #   DenyOtherBuckets: every S3 action, unless the object carries the tag with
  #     "true" (StringNotEquals matches an absent key, so buckets, untagged
  #     objects and actions without the key stay denied);
  #   DenyOtherBucketsTaggedObjectsExceptGet: every action but s3:GetObject on
  #     objects that carry the tag at all (Null = false), so the exception cannot
  #     widen GetObjectTagging, PutObjectAcl, a future action, ... Only object
  #     requests carry the key, so its NotResource lists only the allowed objects.
  # tests/orchestrator/policy/test_guardrail_template_read.py evaluates them on
  # example requests, from tests/fixtures/template-read-policies.json, which the
  # run "fixture_is_the_rendered_policies" below pins to the rendered policies.
  assert {
    condition = one([for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s if s.Sid == "DenyOtherBuckets"]) == {
      Sid       = "DenyOtherBuckets"
      Effect    = "Deny"
      Action    = "s3:*"
      Condition = { StringNotEquals = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "true" } }
      NotResource = [
        "arn:aws:s3:::mlops-dev-data-111111111111",
        "arn:aws:s3:::mlops-dev-models-111111111111",
        "arn:aws:s3:::mlops-dev-access-logs-111111111111",
        "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket",
        "arn:aws:s3:::mlops-dev-data-111111111111/*",
        "arn:aws:s3:::mlops-dev-models-111111111111/*",
        "arn:aws:s3:::mlops-dev-access-logs-111111111111/*",
        "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
        "arn:aws:s3:::mlops-dev-project-*",
      ]
    }
    error_message = "Every S3 action must be denied outside the environment buckets, the AWS service buckets, their objects and the project buckets, unless the object carries servicecatalog:provisioning = true."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s if s.Sid == "DenyOtherBucketsTaggedObjectsExceptGet"]) == {
      Sid       = "DenyOtherBucketsTaggedObjectsExceptGet"
      Effect    = "Deny"
      NotAction = "s3:GetObject"
      NotResource = [
        "arn:aws:s3:::mlops-dev-data-111111111111/*",
        "arn:aws:s3:::mlops-dev-models-111111111111/*",
        "arn:aws:s3:::mlops-dev-access-logs-111111111111/*",
        "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
        "arn:aws:s3:::mlops-dev-project-*",
      ]
      Condition = { Null = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "false" } }
    }
    error_message = "On objects outside the allowed buckets that carry the servicecatalog:provisioning tag, every action but s3:GetObject must be denied."
  }

  # No other guardrail statement may use NotAction: a Deny with NotAction
  # reaches every service, and is safe here only because non-S3 requests never
  # carry an s3: condition key.
  assert {
    condition     = [for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Sid if can(s.NotAction)] == ["DenyOtherBucketsTaggedObjectsExceptGet"]
    error_message = "Only the tagged-object statement may use NotAction, and only with an s3: condition key."
  }

  # --- fixture_is_the_rendered_policies
  # The fixture of the evaluator test is exactly what the module renders.
  assert {
    condition = alltrue([
      for name, document in jsondecode(file("tests/fixtures/template-read-policies.json")) :
      jsondecode(output.policy_documents[name]) == document
    ])
    error_message = "tests/fixtures/template-read-policies.json differs from the rendered policies; regenerate it from output.policy_documents with this file's variables: ${jsonencode([for name, document in jsondecode(file("tests/fixtures/template-read-policies.json")) : name if jsondecode(output.policy_documents[name]) != document])}."
  }

  assert {
    condition     = sort(keys(jsondecode(file("tests/fixtures/template-read-policies.json")))) == sort(setintersection(keys(output.policy_documents), ["launch", "permission-boundary", "sagemaker-guardrails"]))
    error_message = "The fixture must hold exactly the launch policy, the boundary and the guardrails."
  }

  # --- boundary_protects_itself
  # -----------------------------------------------------------------------------
  # Permission boundary
  # -----------------------------------------------------------------------------
  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s if s.Sid == "DenyBoundaryEdits"]) == {
      Sid      = "DenyBoundaryEdits"
      Effect   = "Deny"
      Action   = ["iam:Create*", "iam:Put*", "iam:Attach*", "iam:Delete*", "iam:Update*", "iam:Set*"]
      Resource = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
    }
    error_message = "Create/Put/Attach/Delete/Update and Set* (SetDefaultPolicyVersion) on the boundary policy itself must be denied."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s if s.Sid == "DenyBoundaryRemoval"]) == {
      Sid      = "DenyBoundaryRemoval"
      Effect   = "Deny"
      Action   = "iam:DeleteRolePermissionsBoundary"
      Resource = "*"
    }
    error_message = "Removing a role's permission boundary must be denied."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s if s.Sid == "DenyRoleWithoutBoundary"]) == {
      Sid       = "DenyRoleWithoutBoundary"
      Effect    = "Deny"
      Action    = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
      Resource  = "*"
      Condition = { StringNotEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary" } }
    }
    error_message = "Creating a role, or setting a boundary, other than this boundary must be denied."
  }

  # --- boundary_includes_guardrails
  # Project-template roles carry the boundary but not the guardrails policy:
  # they may not call any guarded create action.
  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s if s.Sid == "DenyGuardedCreatesByProjectRoles"]) == {
      Sid    = "DenyGuardedCreatesByProjectRoles"
      Effect = "Deny"
      Action = [
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
      Resource  = "*"
      Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111111111111:role/mlops-dev-project-*" } }
    }
    error_message = "The boundary must deny every guarded create action to roles created by project templates."
  }

  # The guarded actions of the boundary are exactly the union of the guardrails' actions.
  assert {
    condition = toset(one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Action if s.Sid == "DenyGuardedCreatesByProjectRoles"])) == toset(flatten([
      for s in jsondecode(output.policy_documents["sagemaker-guardrails"]).Statement : s.Action if !startswith(s.Sid, "DenyOtherBuckets")
    ]))
    error_message = "The boundary's guarded create actions must be the union of the guardrail statements' actions."
  }

  # --- boundary_allow_list
  assert {
    condition = [for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Sid if s.Effect == "Allow"] == [
      "SageMaker", "NoResourceLevel", "GlobalReadOnly", "S3Read", "S3Write", "ReadServiceCatalogTemplateCopies", "ScopedPerService", "Kms", "ReadPlatformParameters",
      "ProjectRolesWithBoundary", "ProjectRoles", "PassRole",
    ]
    error_message = "Unexpected allow statements in the permission boundary."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "SageMaker"]) == "arn:aws:sagemaker:eu-west-1:111111111111:*"
    error_message = "sagemaker:* must be limited to this account's SageMaker resources in this region."
  }

  # S3: the environment and AWS service buckets for reading, the writable
  # environment buckets for writing, the project buckets for bucket set-up.
  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "S3Read"]) == [
      "arn:aws:s3:::mlops-dev-data-111111111111",
      "arn:aws:s3:::mlops-dev-models-111111111111",
      "arn:aws:s3:::mlops-dev-access-logs-111111111111",
      "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket",
      "arn:aws:s3:::mlops-dev-data-111111111111/*",
      "arn:aws:s3:::mlops-dev-models-111111111111/*",
      "arn:aws:s3:::mlops-dev-access-logs-111111111111/*",
      "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
    ]
    error_message = "S3 reads must be limited to the environment and AWS service buckets."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "S3Write"]) == ["arn:aws:s3:::mlops-dev-data-111111111111/*", "arn:aws:s3:::mlops-dev-models-111111111111/*"]
    error_message = "S3 writes must be limited to the objects of the writable environment buckets (not the read-only access-log bucket)."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : [
        for a in flatten([s.Action]) : !startswith(a, "s3:") || contains(["S3Read", "S3Write", "ReadServiceCatalogTemplateCopies", "ScopedPerService"], s.Sid)
      ] if s.Effect == "Allow"
    ]))
    error_message = "S3 actions may only be allowed by S3Read, S3Write, ReadServiceCatalogTemplateCopies and (project buckets) ScopedPerService."
  }

  # The guardrails' only bucket exception, as the boundary's allow: the same
  # statement as the launch role's.
  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s if s.Sid == "ReadServiceCatalogTemplateCopies"]) == {
      Sid       = "ReadServiceCatalogTemplateCopies"
      Effect    = "Allow"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::*/*"
      Condition = { StringEquals = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "true" } }
    }
    error_message = "Outside the environment buckets the boundary may allow only s3:GetObject of objects tagged servicecatalog:provisioning = true."
  }

  assert {
    condition     = [for r in one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "ScopedPerService"]) : r if startswith(r, "arn:aws:s3:")] == ["arn:aws:s3:::mlops-dev-project-*"]
    error_message = "The only S3 resource of ScopedPerService must be the project bucket pattern."
  }

  # EventBridge: rules, and (approval-event delivery) API destinations and
  # event buses of this environment only; the delivery actions nowhere else.
  assert {
    condition = [for r in one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "ScopedPerService"]) : r if startswith(r, "arn:aws:events:")] == [
      "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-*",
      "arn:aws:events:eu-west-1:111111111111:api-destination/mlops-dev-*",
      "arn:aws:events:eu-west-1:111111111111:event-bus/mlops-dev-*",
    ]
    error_message = "The boundary's EventBridge resources must be the environment's rules, API destinations and event buses (<name_prefix>-*, this account and region)."
  }

  assert {
    condition     = [for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Sid if anytrue([for a in flatten([try(s.Action, [])]) : contains(["events:InvokeApiDestination", "events:PutEvents", "events:*"], a)])] == ["ScopedPerService"]
    error_message = "events:InvokeApiDestination and events:PutEvents may be allowed only by ScopedPerService (this environment's API destinations and buses)."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "Kms"]) == [
      "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111",
      "arn:aws:kms:eu-west-1:111111111111:key/22222222-2222-2222-2222-222222222222",
      "arn:aws:kms:eu-west-1:111111111111:key/33333333-3333-3333-3333-333333333333",
    ]
    error_message = "KMS use must be limited to the data, ebs and studio keys (not the logs key)."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s if s.Sid == "ProjectRolesWithBoundary"]) == {
      Sid       = "ProjectRolesWithBoundary"
      Effect    = "Allow"
      Action    = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
      Resource  = "arn:aws:iam::111111111111:role/mlops-dev-project-*"
      Condition = { StringEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary" } }
    }
    error_message = "Role creation and policy changes must be limited to project roles that carry this boundary."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s if s.Sid == "PassRole"]) == {
      Sid    = "PassRole"
      Effect = "Allow"
      Action = "iam:PassRole"
      Resource = [
        "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution",
        "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution",
        "arn:aws:iam::111111111111:role/mlops-dev-project-*",
        "arn:aws:iam::111111111111:role/mlops-dev-launch",
        "arn:aws:iam::111111111111:role/mlops-dev-deploy-events",
        "arn:aws:iam::111111111111:role/mlops-dev-*-pipeline*",
      ]
      Condition = { StringEquals = { "iam:PassedToService" = ["sagemaker.amazonaws.com", "events.amazonaws.com", "servicecatalog.amazonaws.com", "cloudformation.amazonaws.com"] } }
    }
    error_message = "PassRole must be limited to the environment's execution, launch, deploy-events and project roles (template and projects-stack pipeline/job roles) and to SageMaker, EventBridge, Service Catalog and CloudFormation (the launch role of S3-based project templates)."
  }

  assert {
    condition     = length(output.policy_documents["permission-boundary"]) <= 6144 && length(output.policy_documents["sagemaker-guardrails"]) <= 6144
    error_message = "The boundary and the guardrails must fit IAM's 6,144-character limit for managed policies."
  }

  # --- no_wildcards_anywhere
  # -----------------------------------------------------------------------------
  # Properties of every policy
  # -----------------------------------------------------------------------------
  assert {
    condition = alltrue(flatten([
      for name, doc in output.policy_documents : [
        for s in jsondecode(doc).Statement : !contains(flatten([try(s.Action, [])]), "*") && !contains(flatten([try(s.Action, [])]), "iam:*")
      ] if !endswith(name, "-trust")
    ]))
    error_message = "No policy may allow or deny Action \"*\" or \"iam:*\"."
  }

  assert {
    condition = alltrue(flatten([
      for name, doc in output.policy_documents : [
        for s in jsondecode(doc).Statement : s.Resource != "*" && !contains(flatten([s.Resource]), "*")
        if contains(flatten([try(s.Action, [])]), "iam:PassRole")
      ] if !endswith(name, "-trust")
    ]))
    error_message = "iam:PassRole must never be allowed on Resource \"*\"."
  }

  assert {
    condition = alltrue(flatten([
      for name, doc in output.policy_documents : [
        for s in jsondecode(doc).Statement : can(s.Condition["StringEquals"]["iam:PassedToService"])
        if contains(flatten([try(s.Action, [])]), "iam:PassRole")
      ] if !endswith(name, "-trust")
    ]))
    error_message = "Every PassRole statement must name the receiving service (iam:PassedToService)."
  }

  # Allow statements on "*" either carry a condition (this region, a metric
  # namespace) or hold only actions without resource-level permissions.
  assert {
    condition = alltrue(flatten([
      for name, doc in output.policy_documents : [
        for s in jsondecode(doc).Statement : can(s.Condition) || alltrue([
          for a in flatten([s.Action]) : contains(["iam:ListPolicies", "iam:ListRoles", "sts:GetCallerIdentity"], a)
        ])
        if s.Effect == "Allow" && try(s.Resource == "*", false)
      ] if !endswith(name, "-trust")
    ]))
    error_message = "An Allow statement on Resource \"*\" must have a condition unless it only holds IAM list and sts:GetCallerIdentity."
  }

  assert {
    condition = alltrue(flatten([
      for name, doc in output.policy_documents : [
        for s in jsondecode(doc).Statement : s.Condition == { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }
        if s.Effect == "Allow" && try(s.Resource == "*", false) && can(s.Condition) && s.Sid != "SageMakerMetrics"
      ] if !endswith(name, "-trust")
    ]))
    error_message = "Conditioned Allow statements on Resource \"*\" must be limited to the environment's region."
  }

  assert {
    condition = alltrue([
      for name in ["data-science-admin", "team-lead", "data-scientist", "sagemaker-execution", "pipeline-execution", "launch", "deploy-events"] :
      length(output.policy_documents[name]) <= 10240
    ])
    error_message = "Every role policy must fit IAM's 10,240-character limit for a role's inline policies."
  }

  # --- boundary_covers_every_role
  # Every action a role policy allows must also be allowed by the boundary
  # (action level; IAM wildcards of the boundary expanded as regular
  # expressions), otherwise the role would silently lose it.
  assert {
    condition = alltrue(flatten([
      for name in ["data-science-admin", "team-lead", "data-scientist", "sagemaker-execution", "pipeline-execution", "launch", "deploy-events"] : [
        for action in flatten([for s in jsondecode(output.policy_documents[name]).Statement : s.Action if s.Effect == "Allow"]) :
        anytrue([
          for pattern in flatten([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Action if s.Effect == "Allow"]) :
          can(regex("^${replace(pattern, "*", ".*")}$", action))
        ])
      ]
    ]))
    error_message = "Some role policy allows an action the permission boundary does not: ${jsonencode(distinct(flatten([for name in ["data-science-admin", "team-lead", "data-scientist", "sagemaker-execution", "pipeline-execution", "launch", "deploy-events"] : [for action in flatten([for s in jsondecode(output.policy_documents[name]).Statement : s.Action if s.Effect == "Allow"]) : action if !anytrue([for pattern in flatten([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Action if s.Effect == "Allow"]) : can(regex("^${replace(pattern, "*", ".*")}$", action))])]])))}."
  }

  # --- data_scientist
  # -----------------------------------------------------------------------------
  # Personas
  # -----------------------------------------------------------------------------
  assert {
    condition = one([for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s if s.Sid == "PassExecutionRolesToSageMaker"]) == {
      Sid       = "PassExecutionRolesToSageMaker"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = ["arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution", "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"]
      Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
    }
    error_message = "A data scientist may pass only the SageMaker and pipeline execution roles, and only to SageMaker."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s if s.Sid == "PassLaunchRoleToCloudFormation"]) == {
      Sid       = "PassLaunchRoleToCloudFormation"
      Effect    = "Allow"
      Action    = "iam:PassRole"
      Resource  = "arn:aws:iam::111111111111:role/mlops-dev-launch"
      Condition = { StringEquals = { "iam:PassedToService" = "cloudformation.amazonaws.com" } }
    }
    error_message = "A data scientist may pass the launch role only to CloudFormation (CreateProject's CfnTemplateProvider RoleARN)."
  }

  assert {
    condition     = [for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s.Sid if contains(flatten([s.Action]), "iam:PassRole")] == ["PassLaunchRoleToCloudFormation", "PassExecutionRolesToSageMaker"]
    error_message = "The data scientist policy must have exactly two PassRole statements: the execution roles to SageMaker, the launch role to CloudFormation."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["data-scientist"]).Statement : [s.Sid, s.Action] if s.Effect == "Deny"] == [
      ["DenyModelApproval", "sagemaker:UpdateModelPackage"],
      ["DenySelfApprovedModelPackage", "sagemaker:CreateModelPackage"],
      ["DenyModelRegistryDeletion", ["sagemaker:DeleteModelPackage", "sagemaker:DeleteModelPackageGroup"]],
      ["DenyModelRegistryPolicyChanges", ["sagemaker:PutModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy"]],
      ["DenyIamChanges", ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeleteRolePermissionsBoundary"]],
    ]
    error_message = "A data scientist must be explicitly denied model approval, registry deletion and policy changes, and IAM changes."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s.Condition if s.Sid == "DenySelfApprovedModelPackage"]) == { StringEquals = { "sagemaker:ModelApprovalStatus" = "Approved" } }
    error_message = "Registering a model package as already Approved must be denied."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s.Resource if startswith(s.Sid, "StudioO")] == [
      "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/*/$${aws:PrincipalTag/studio-user-profile}",
      "arn:aws:sagemaker:eu-west-1:111111111111:app/*/$${aws:PrincipalTag/studio-user-profile}/*",
    ]
    error_message = "Presigned Studio URLs and apps must be limited to the user profile named by the caller's session tag."
  }

  assert {
    condition     = !contains(flatten([for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s.Action if s.Effect == "Allow"]), "sagemaker:UpdateModelPackage")
    error_message = "A data scientist must not be allowed to approve model packages."
  }

  assert {
    condition = toset([
      "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreatePipeline", "sagemaker:StartPipelineExecution",
      "sagemaker:CreateExperiment", "sagemaker:CreateModel", "sagemaker:CreateModelPackage", "sagemaker:CreateModelPackageGroup",
      ]) == setintersection(toset(one([for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s.Action if s.Sid == "SageMakerWork"])), toset([
        "sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreatePipeline", "sagemaker:StartPipelineExecution",
        "sagemaker:CreateExperiment", "sagemaker:CreateModel", "sagemaker:CreateModelPackage", "sagemaker:CreateModelPackageGroup",
    ]))
    error_message = "A data scientist must be able to train, process, run pipelines, track experiments and register models."
  }

  assert {
    condition = alltrue([
      for persona in ["data-scientist", "team-lead"] :
      [for s in jsondecode(output.policy_documents[persona]).Statement : s.Resource if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : can(regex("^s3:(Put|Delete)", a))])] == [["arn:aws:s3:::mlops-dev-data-111111111111/*"]]
    ])
    error_message = "A persona may write only objects of the writable environment buckets that hold no model artifacts: nobody swaps the model.tar.gz behind a registered package by hand."
  }

  assert {
    condition = alltrue([
      for role in ["sagemaker-execution", "pipeline-execution"] :
      one([for s in jsondecode(output.policy_documents[role]).Statement : s.Resource if s.Sid == "S3WriteEnvironmentObjects"]) == ["arn:aws:s3:::mlops-dev-data-111111111111/*", "arn:aws:s3:::mlops-dev-models-111111111111/*"]
    ])
    error_message = "The jobs' roles write the model artifacts."
  }

  # --- team_lead
  assert {
    condition     = one([for s in jsondecode(output.policy_documents["team-lead"]).Statement : s if s.Sid == "ModelApproval"]).Resource == "arn:aws:sagemaker:eu-west-1:111111111111:model-package/*"
    error_message = "A team lead must be able to approve or reject model packages of this account."
  }

  assert {
    condition     = length([for s in jsondecode(output.policy_documents["team-lead"]).Statement : s if s.Effect == "Deny" && contains(flatten([s.Action]), "sagemaker:UpdateModelPackage")]) == 0
    error_message = "The team lead policy must not deny model approval."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["team-lead"]).Statement : s.Sid if s.Effect == "Deny"] == [
      "DenyModelRegistration", "DenyModelPackageGroupDeletion", "DenyModelRegistryPolicyChanges", "DenyIamChanges",
    ]
    error_message = "A team lead must be denied registration (approval is another person's act on a package someone else registered), model package group deletion, registry policy changes and IAM changes."
  }

  assert {
    condition = toset(one([for s in jsondecode(output.policy_documents["team-lead"]).Statement : s.Action if s.Sid == "EndpointManagement"])) == toset([
      "sagemaker:CreateEndpoint", "sagemaker:CreateEndpointConfig", "sagemaker:DeleteEndpoint", "sagemaker:DeleteEndpointConfig",
      "sagemaker:InvokeEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:UpdateEndpointWeightsAndCapacities",
    ])
    error_message = "A team lead must manage endpoints and endpoint configurations."
  }

  # Everything a data scientist is allowed, a team lead is allowed too.
  assert {
    condition = alltrue([
      for s in jsondecode(output.policy_documents["data-scientist"]).Statement :
      contains(jsondecode(output.policy_documents["team-lead"]).Statement, s) if s.Effect == "Allow"
    ])
    error_message = "The team lead policy must contain every allow statement of the data scientist policy."
  }

  # --- data_science_admin
  assert {
    condition = one([for s in jsondecode(output.policy_documents["data-science-admin"]).Statement : s.Resource if s.Sid == "StudioAdministration"]) == [
      "arn:aws:sagemaker:eu-west-1:111111111111:domain/*",
      "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/*/*",
      "arn:aws:sagemaker:eu-west-1:111111111111:space/*/*",
      "arn:aws:sagemaker:eu-west-1:111111111111:app/*/*",
    ]
    error_message = "Studio administration must be limited to Studio resources of this account and region."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["data-science-admin"]).Statement : [s.Resource, s.Condition] if contains(flatten([s.Action]), "iam:PassRole")] == [
      [["arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution", "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"], { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }],
    ]
    error_message = "The admin may pass the execution roles to SageMaker, nothing else (not the launch role: launch constraints are published by Terraform)."
  }

  assert {
    condition = alltrue([
      for a in flatten([for s in jsondecode(output.policy_documents["data-science-admin"]).Statement : s.Action if s.Effect == "Allow"]) :
      !startswith(a, "iam:") || startswith(a, "iam:Get") || startswith(a, "iam:List") || a == "iam:PassRole"
    ])
    error_message = "The admin's IAM access must be read-only (Get/List), plus the scoped PassRole."
  }

  assert {
    condition = alltrue([
      for a in flatten([for s in jsondecode(output.policy_documents["data-science-admin"]).Statement : s.Action if s.Effect == "Allow"]) :
      !startswith(a, "servicecatalog:") || can(regex("^servicecatalog:(Describe|List|Search)", a))
    ]) && contains(one([for s in jsondecode(output.policy_documents["data-science-admin"]).Statement : s.Action if s.Sid == "ServiceCatalogRead"]), "servicecatalog:ListPortfolios")
    error_message = "The admin reads the Service Catalog portfolio, products and constraints, and changes none: a template version or launch constraint added by hand would run any CloudFormation through the launch role."
  }

  assert {
    condition     = !strcontains(output.policy_documents["data-science-admin"], "servicecatalog.amazonaws.com")
    error_message = "The admin passes no role to Service Catalog (no launch constraint is made by hand)."
  }

  # --- sagemaker_execution
  # -----------------------------------------------------------------------------
  # Execution and launch roles
  # -----------------------------------------------------------------------------
  assert {
    condition = jsondecode(output.policy_documents["sagemaker-execution-trust"]) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "AssumedBySageMakerOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "sagemaker.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = "111111111111" } }
      }]
    }
    error_message = "Only SageMaker acting for this account may assume the execution role."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : s.Resource if s.Sid == "SageMakerLogsWrite"]) == "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/sagemaker/*"
    error_message = "The execution role may write logs only under /aws/sagemaker/."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : s.Condition if s.Sid == "VpcNetworkInterfacesManage"]) == { ArnEquals = { "ec2:Subnet" = ["arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0123456789abcdef0", "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0123456789abcdef1"] } }
    error_message = "The execution role may manage network interfaces only in the allowed subnets."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : s.Resource if s.Sid == "VpcNetworkInterfacesCreate"]) == [
      "arn:aws:ec2:eu-west-1:111111111111:network-interface/*",
      "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0123456789abcdef0",
      "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0123456789abcdef1",
      "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-0123456789abcdef0",
    ]
    error_message = "The execution role may create network interfaces only in the allowed subnets and security groups."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : s.Resource if s.Sid == "KmsUseEnvironmentKeys"]) == one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "Kms"])
    error_message = "The execution role must use the data, ebs and studio keys."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : s.Condition if s.Sid == "SageMakerMetrics"]) == { StringLike = { "cloudwatch:namespace" = ["/aws/sagemaker/*", "aws/sagemaker/*"] } }
    error_message = "The execution role may put metrics only into SageMaker namespaces."
  }

  # Studio notebooks run as this role: it carries the data scientist's denies.
  assert {
    condition     = [for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : s if s.Effect == "Deny"] == [for s in jsondecode(output.policy_documents["data-scientist"]).Statement : s if s.Effect == "Deny"]
    error_message = "The execution role must carry the same denies as the data scientist."
  }

  # --- pipeline_execution
  assert {
    condition = [for s in jsondecode(output.policy_documents["pipeline-execution"]).Statement : [s.Resource, s.Condition] if contains(flatten([s.Action]), "iam:PassRole")] == [
      ["arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution", { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }],
    ]
    error_message = "The pipeline role may pass only the SageMaker execution role, and only to SageMaker."
  }

  assert {
    condition = toset(["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateModel", "sagemaker:CreateModelPackage", "sagemaker:StopTrainingJob"]) == setintersection(
      toset(one([for s in jsondecode(output.policy_documents["pipeline-execution"]).Statement : s.Action if s.Sid == "PipelineSteps"])),
      toset(["sagemaker:CreateTrainingJob", "sagemaker:CreateProcessingJob", "sagemaker:CreateModel", "sagemaker:CreateModelPackage", "sagemaker:StopTrainingJob"]),
    )
    error_message = "The pipeline role must create and stop training/processing jobs, models and model packages."
  }

  assert {
    condition     = jsondecode(output.policy_documents["pipeline-execution-trust"]).Statement[0].Principal == { Service = "sagemaker.amazonaws.com" } && jsondecode(output.policy_documents["pipeline-execution-trust"]).Statement[0].Condition == { StringEquals = { "aws:SourceAccount" = "111111111111" } }
    error_message = "Only SageMaker acting for this account may assume the pipeline role."
  }

  # --- launch
  assert {
    condition     = jsondecode(output.policy_documents["launch-trust"]).Statement[0].Principal == { Service = ["servicecatalog.amazonaws.com", "cloudformation.amazonaws.com"] } && jsondecode(output.policy_documents["launch-trust"]).Statement[0].Condition == { StringEquals = { "aws:SourceAccount" = "111111111111" } }
    error_message = "Only Service Catalog and CloudFormation acting for this account may assume the launch role."
  }

  # The templates use the platform's roles: the launch role creates no role,
  # puts no inline policy and attaches no managed policy (IAM has no condition
  # key on a trust policy's content), and no statement allows any IAM write.
  assert {
    condition     = contains(jsondecode(output.policy_documents["launch"]).Statement, { Sid = "DenyIamChanges", Effect = "Deny", Action = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeleteRolePermissionsBoundary"], Resource = "*" })
    error_message = "The launch role must be denied creating roles and putting or attaching policies."
  }

  assert {
    condition     = length([for s in jsondecode(output.policy_documents["launch"]).Statement : s if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : startswith(a, "iam:") && a != "iam:PassRole"])]) == 0
    error_message = "The launch role may not be allowed any IAM action but PassRole."
  }

  # A project bucket's public access block is set only through CloudFormation
  # (the templates set all four settings); DeletePublicAccessBlock is
  # authorized as s3:PutBucketPublicAccessBlock too.
  assert {
    condition = [for s in jsondecode(output.policy_documents["launch"]).Statement : s if contains(flatten([s.Action]), "s3:PutBucketPublicAccessBlock")] == [{
      Sid       = "ProjectBucketPublicAccessBlockFromTemplates"
      Effect    = "Allow"
      Action    = "s3:PutBucketPublicAccessBlock"
      Resource  = "arn:aws:s3:::mlops-dev-project-*"
      Condition = { "ForAnyValue:StringEquals" = { "aws:CalledVia" = "cloudformation.amazonaws.com" } }
    }]
    error_message = "The launch role may set a project bucket's public access block only through CloudFormation."
  }

  # SageMaker receives the execution roles; EventBridge receives
  # only the platform's delivery role (the model-deploy template's
  # DeployEventTargetRoleArn), and no role goes to both.
  assert {
    condition = [for s in jsondecode(output.policy_documents["launch"]).Statement : s if contains(flatten([s.Action]), "iam:PassRole")] == [
      {
        Sid       = "PassRolesToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = ["arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution", "arn:aws:iam::111111111111:role/mlops-dev-pipeline-execution"]
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
      {
        Sid       = "PassDeployEventsRoleToEventBridge"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "arn:aws:iam::111111111111:role/mlops-dev-deploy-events"
        Condition = { StringEquals = { "iam:PassedToService" = "events.amazonaws.com" } }
      },
    ]
    error_message = "Project templates may pass the execution and project roles to SageMaker only, and only the deploy-events role to EventBridge."
  }

  assert {
    condition     = output.deploy_events_role_arn == one([for s in jsondecode(output.policy_documents["launch"]).Statement : s.Resource if s.Sid == "PassDeployEventsRoleToEventBridge"])
    error_message = "The deploy_events_role_arn output must name the role the launch role passes to EventBridge."
  }

  # CloudFormation sets a model package group's resource policy
  # (ModelPackageGroupPolicy) with these calls: only on <name_prefix>-* groups.
  assert {
    condition = one([for s in jsondecode(output.policy_documents["launch"]).Statement : s if s.Sid == "ModelPackageGroupPolicies"]) == {
      Sid      = "ModelPackageGroupPolicies"
      Effect   = "Allow"
      Action   = ["sagemaker:DeleteModelPackageGroupPolicy", "sagemaker:GetModelPackageGroupPolicy", "sagemaker:PutModelPackageGroupPolicy"]
      Resource = "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-*"
    }
    error_message = "The launch role must manage the resource policies of <name_prefix>-* model package groups, and nothing else with these actions."
  }

  # AWS's launch-role requirement: read Service Catalog's copy of the template.
  assert {
    condition = one([for s in jsondecode(output.policy_documents["launch"]).Statement : s if s.Sid == "ReadServiceCatalogTemplateCopies"]) == {
      Sid       = "ReadServiceCatalogTemplateCopies"
      Effect    = "Allow"
      Action    = "s3:GetObject"
      Resource  = "arn:aws:s3:::*/*"
      Condition = { StringEquals = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "true" } }
    }
    error_message = "The launch role must read objects tagged servicecatalog:provisioning = true (Service Catalog's template copies), and only with s3:GetObject."
  }

  assert {
    condition = [
      for name in ["data-science-admin", "team-lead", "data-scientist", "sagemaker-execution", "pipeline-execution", "launch"] : name
      if strcontains(output.policy_documents[name], "servicecatalog:provisioning")
    ] == ["launch"]
    error_message = "Only the launch role may read Service Catalog's template copies."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["launch"]).Statement : s.Resource if contains(["ProjectBuckets", "ModelPackageGroupsAndPipelines", "EventRules", "CloudFormationStacks"], s.Sid)] == [
      [
        "arn:aws:cloudformation:eu-west-1:111111111111:stack/SC-*",
        "arn:aws:cloudformation:eu-west-1:111111111111:stack/mlops-dev-*",
      ],
      "arn:aws:s3:::mlops-dev-project-*",
      [
        "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-*",
        "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/mlops-dev-*",
      ],
      "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-*",
    ]
    error_message = "Project templates may manage only SC-*/<name_prefix>-* stacks, project buckets, <name_prefix>-* model package groups, pipelines and event rules."
  }

  assert {
    condition     = length([for s in jsondecode(output.policy_documents["launch"]).Statement : s if s.Effect == "Allow" && anytrue([for a in flatten([s.Action]) : startswith(a, "s3:Put") || startswith(a, "s3:Delete")]) && !contains(["ProjectBuckets", "ProjectBucketPublicAccessBlockFromTemplates"], s.Sid)]) == 0
    error_message = "The launch role may write or delete S3 data only as bucket set-up of project buckets."
  }

  # --- deploy_events
  # The delivery role of approval events (DeployEventTargetRoleArn): EventBridge
  # rules of this environment may assume it; it may only invoke the
  # environment's API destinations and put events on its buses.
  assert {
    condition = jsondecode(output.policy_documents["deploy-events-trust"]) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "AssumedByEventBridgeRulesOfThisEnvironment"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = "111111111111" }
          ArnLike      = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-*" }
        }
      }]
    }
    error_message = "Only EventBridge rules <name_prefix>-* of this account may assume the deploy-events role (aws:SourceAccount and aws:SourceArn, ANDed)."
  }

  assert {
    condition = jsondecode(output.policy_documents["deploy-events"]) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "InvokeEnvironmentApiDestinations"
          Effect   = "Allow"
          Action   = "events:InvokeApiDestination"
          Resource = "arn:aws:events:eu-west-1:111111111111:api-destination/mlops-dev-*"
        },
        {
          Sid      = "PutEventsOnEnvironmentBuses"
          Effect   = "Allow"
          Action   = "events:PutEvents"
          Resource = "arn:aws:events:eu-west-1:111111111111:event-bus/mlops-dev-*"
        },
      ]
    }
    error_message = "The deploy-events role may only invoke <name_prefix>-* API destinations and put events on <name_prefix>-* buses of this account and region."
  }

  assert {
    condition     = aws_iam_role.this["deploy_events"].name == "mlops-dev-deploy-events" && aws_iam_role.this["deploy_events"].permissions_boundary == "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
    error_message = "The deploy-events role must be <name_prefix>-deploy-events and carry the permission boundary."
  }

  assert {
    condition     = aws_iam_role_policy_attachments_exclusive.this["deploy_events"].policy_arns == toset(["arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails", "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"]) && aws_iam_role_policies_exclusive.this["deploy_events"].policy_names == toset(["permissions"])
    error_message = "The deploy-events role's policies are owned by Terraform like every other role's (guardrails and instance types attached, one inline policy)."
  }

  assert {
    condition     = output.deploy_events_role_arn == "arn:aws:iam::111111111111:role/${aws_iam_role.this["deploy_events"].name}"
    error_message = "deploy_events_role_arn must be the ARN of the created role."
  }
}


run "instance_types_statements" {
  command = plan

  assert {
    condition = jsondecode(output.policy_documents["instance-types"]).Statement == [
      {
        Sid       = "DenyStudioAppsOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateApp"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = ["system", "ml.t3.medium"] } }
      },
      {
        Sid       = "DenyProcessingOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateProcessingJob"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = ["ml.m5.large"] } }
      },
      {
        Sid       = "DenyTrainingOtherInstanceTypes"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateHyperParameterTuningJob", "sagemaker:CreateTrainingJob"]
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = ["ml.m5.large", "ml.m5.xlarge"] } }
      },
      {
        Sid       = "DenyTransformOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateTransformJob"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = ["ml.m5.large"] } }
      },
      {
        Sid       = "DenyEndpointsOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateEndpointConfig"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = ["ml.t2.medium", "ml.m5.large"] } }
      },
      {
        Sid       = "DenyJobsWithoutInstanceTypes"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob"]
        Resource  = "*"
        Condition = { Null = { "sagemaker:InstanceTypes" = "true" } }
      },
    ]
    error_message = "Each use's create actions are denied when any requested instance type (multivalued key, ForAnyValue:StringNotLike) is outside its list; jobs carrying no instance type at all are denied (Null)."
  }

  assert {
    condition     = aws_iam_policy.instance_types.name == "mlops-dev-instance-types" && output.instance_types_policy_arn == "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"
    error_message = "The instance-types policy is <name_prefix>-instance-types, its ARN an output."
  }

  assert {
    condition     = jsondecode(file("tests/fixtures/instance-types-policy.json")) == jsondecode(output.policy_documents["instance-types"])
    error_message = "tests/fixtures/instance-types-policy.json (the document tests/orchestrator/policy/test_instance_types.py evaluates) differs from the rendered instance-types policy; regenerate it from output.policy_documents[\"instance-types\"] with this file's variables."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.policy_documents["instance-types"]).Statement : s.Effect == "Deny"])
    error_message = "The instance-types policy is made of Deny statements only: it never grants anything."
  }
}

# -----------------------------------------------------------------------------
# Teams: per-team and per-user execution roles
# -----------------------------------------------------------------------------
run "team_roles_per_team_and_per_user" {
  command = plan

  variables {
    team_bucket_arns = {
      data   = "arn:aws:s3:::mlops-dev-data-111111111111"
      models = "arn:aws:s3:::mlops-dev-models-111111111111"
    }
    teams = {
      risk    = { users = { carol = "data_scientist", frank = "team_lead" }, projects = ["abalone"], data_prefixes = ["teams/risk/"], execution_role = "per_team" }
      pricing = { users = { dave = "data_scientist" }, projects = [], data_prefixes = ["teams/pricing/", "shared/pricing/"], execution_role = "per_user" }
    }
  }

  assert {
    condition     = join(",", sort([for key in keys(aws_iam_role.team) : key if !strcontains(key, "_")])) == "pricing/dave,risk"
    error_message = "per_team makes one execution role for the team, per_user one per user (persona roles have keys <team>/<persona>)."
  }

  assert {
    condition     = length(jsonencode(local.boundary_policy)) <= 6144
    error_message = "The boundary with teams is ${length(jsonencode(local.boundary_policy))} characters."
  }

  assert {
    condition     = aws_iam_role.team["risk"].name == "mlops-dev-team-risk-execution" && aws_iam_role.team["pricing/dave"].name == "mlops-dev-team-pricing-user-dave"
    error_message = "Team roles are <name_prefix>-team-<team>-execution and <name_prefix>-team-<team>-user-<user>."
  }

  assert {
    condition     = jsonencode(output.team_role_arns) == jsonencode({ risk = { carol = "arn:aws:iam::111111111111:role/mlops-dev-team-risk-execution", frank = "arn:aws:iam::111111111111:role/mlops-dev-team-risk-execution" }, pricing = { dave = "arn:aws:iam::111111111111:role/mlops-dev-team-pricing-user-dave" } })
    error_message = "team_role_arns maps each team's users to the role their profile runs as."
  }

  assert {
    condition     = aws_iam_role.team["risk"].tags["team"] == "risk" && aws_iam_role.team["risk"].permissions_boundary == "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
    error_message = "A team role carries its team tag and the boundary."
  }

  assert {
    condition     = aws_iam_role_policy_attachments_exclusive.team["risk"].policy_arns == toset(["arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails", "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"])
    error_message = "A team role carries the guardrails and instance-types policies."
  }

  assert {
    condition = jsonencode([for s in jsondecode(output.team_policy_documents["mlops-dev-team-risk-execution"]).Statement : s.Resource if s.Sid == "ReadTeamObjects"][0]) == jsonencode([
      "arn:aws:s3:::mlops-dev-data-111111111111/teams/risk/*",
      "arn:aws:s3:::mlops-dev-data-111111111111/abalone/*",
      "arn:aws:s3:::mlops-dev-models-111111111111/abalone/*",
      "arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*",
    ])
    error_message = "A team reads its data prefixes, its projects' data and models, and the AWS service bucket only."
  }

  assert {
    condition = jsonencode([for s in jsondecode(output.team_policy_documents["mlops-dev-team-risk-execution"]).Statement : s.Resource if s.Sid == "WriteTeamData"][0]) == jsonencode([
      "arn:aws:s3:::mlops-dev-data-111111111111/teams/risk/*",
      "arn:aws:s3:::mlops-dev-data-111111111111/abalone/*",
    ])
    error_message = "A team writes its data prefixes and its projects' data, never the models bucket."
  }

  assert {
    condition = jsonencode([for s in jsondecode(output.team_policy_documents["mlops-dev-team-risk-execution"]).Statement : s.NotResource if s.Sid == "DenyOtherTeamsModelRegistries"][0]) == jsonencode([
      "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-abalone",
      "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-abalone/*",
    ])
    error_message = "Every model registry but the team's projects' is denied."
  }

  assert {
    condition     = length([for s in jsondecode(output.team_policy_documents["mlops-dev-team-pricing-user-dave"]).Statement : s if s.Sid == "DenyEveryModelRegistry" && s.Resource == "*"]) == 1
    error_message = "A team without projects reaches no model registry."
  }

  assert {
    condition     = [for s in jsondecode(output.team_policy_documents["mlops-dev-team-pricing-user-dave"]).Statement : s.Resource if s.Sid == "PassOwnRoleToSageMaker"][0] == "arn:aws:iam::111111111111:role/mlops-dev-team-pricing-user-dave"
    error_message = "A team role passes itself only (never the shared execution roles)."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.team_policy_documents["mlops-dev-team-risk-execution"]).Statement : !contains(["S3ListEnvironmentBuckets", "S3ReadEnvironmentObjects", "S3WriteEnvironmentObjects", "PassExecutionRolesToSageMaker"], s.Sid)])
    error_message = "A team role has none of the execution role's environment-wide S3 statements nor its PassRole of the shared roles."
  }

  assert {
    condition     = jsonencode([for s in jsondecode(output.team_policy_documents["mlops-dev-team-risk-execution"]).Statement : s.Condition if s.Sid == "DenyOtherTeamsTaggedResources"][0]) == jsonencode({ Null = { "aws:ResourceTag/team" = "false" }, StringNotEquals = { "aws:ResourceTag/team" = "risk" } })
    error_message = "SageMaker resources tagged with another team are denied."
  }

  assert {
    condition     = contains([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "PassRole"][0], "arn:aws:iam::111111111111:role/mlops-dev-team-*")
    error_message = "The boundary lets team roles pass themselves (one pattern for every team)."
  }
}

run "without_teams_nothing_changes" {
  command = plan

  assert {
    condition     = length(aws_iam_role.team) == 0 && output.team_role_arns == {} && output.team_persona_role_arns == {} && !strcontains(output.policy_documents["permission-boundary"], "-team-")
    error_message = "Without teams there is no team role (execution or persona) and the boundary names none."
  }

  assert {
    condition     = !strcontains(output.policy_documents["data-scientist-trust"], "DenyTeamUsers")
    error_message = "Without teams the persona trusts refuse nobody."
  }
}

run "teams_need_the_buckets" {
  command = plan

  variables {
    teams = { risk = { users = {}, projects = [], data_prefixes = ["teams/risk/"], execution_role = "per_team" } }
  }

  expect_failures = [aws_iam_role.team["risk"]]
}

run "bad_team_values" {
  command = plan

  variables {
    teams = {
      Risk = { users = { carol = "owner" }, projects = ["Abalone"], data_prefixes = ["teams/*"], execution_role = "per_group" }
    }
    team_bucket_arns = { data = "arn:aws:s3:::elsewhere", models = "arn:aws:s3:::mlops-dev-models-111111111111" }
  }

  expect_failures = [var.teams, var.team_bucket_arns]
}

# -----------------------------------------------------------------------------
# Packages: the package repository's statements and the packages policy (packages.tf)
# -----------------------------------------------------------------------------
run "packages" {
  command = plan

  variables {
    package_repositories = [{
      domain_arn          = "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages"
      repository_arn      = "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/curated"
      package_arn_pattern = "arn:aws:codeartifact:eu-west-1:111111111111:package/mlops-dev-packages/curated/*"
    }]
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : [s.Action, s.Resource] if startswith(try(s.Sid, ""), "Package") || try(s.Sid, "") == "CodeArtifactBearerToken"] == [
      ["codeartifact:GetAuthorizationToken", var.package_repositories[0].domain_arn],
      [["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"], var.package_repositories[0].repository_arn],
      ["sts:GetServiceBearerToken", "*"],
    ]
    error_message = "The execution role gets exactly a token for the domain, the repository's endpoint and reads, and bearer tokens."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["sagemaker-execution"]).Statement : s.Condition if try(s.Sid, "") == "CodeArtifactBearerToken"]) == { StringEquals = { "sts:AWSServiceName" = "codeartifact.amazonaws.com" } }
    error_message = "Bearer tokens only for CodeArtifact."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["data-science-admin"]).Statement : s.Resource if try(s.Sid, "") == "PublishVettedPackages"]) == var.package_repositories[0].package_arn_pattern
    error_message = "The data science administrator publishes to the repository's packages only."
  }

  assert {
    condition     = alltrue([for role in ["data-scientist", "team-lead", "pipeline-execution", "launch", "deploy-events"] : length([for s in jsondecode(output.policy_documents[role]).Statement : s if can(regex("codeartifact|GetServiceBearerToken", jsonencode(s.Action)))]) == 0])
    error_message = "No other role is granted CodeArtifact."
  }

  assert {
    condition     = [for s in jsondecode(output.policy_documents["packages"]).Statement : s.Sid] == ["DenyOtherPackageDomains", "DenyBearerTokensForOtherServices", "DenyPublishingExceptTheAdministrator"] && alltrue([for s in jsondecode(output.policy_documents["packages"]).Statement : s.Effect == "Deny"])
    error_message = "The packages policy is deny-only: other domains, other services' bearer tokens, publishing by anyone but the administrator."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_documents["packages"]).Statement : s.NotResource if s.Sid == "DenyOtherPackageDomains"]) == [
      "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages",
      "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/*",
      "arn:aws:codeartifact:eu-west-1:111111111111:package/mlops-dev-packages/*",
    ]
    error_message = "Everything CodeArtifact outside the environment's domain is denied."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["packages"]).Statement : s.Condition if s.Sid == "DenyPublishingExceptTheAdministrator"]) == { ArnNotEquals = { "aws:PrincipalArn" = "arn:aws:iam::111111111111:role/mlops-dev-data-science-admin" } }
    error_message = "Only the data science administrator escapes the publishing deny."
  }

  assert {
    condition     = alltrue([for key, attachment in aws_iam_role_policy_attachments_exclusive.this : contains(attachment.policy_arns, "arn:aws:iam::111111111111:policy/mlops-dev-packages")]) && output.packages_policy_arn == "arn:aws:iam::111111111111:policy/mlops-dev-packages"
    error_message = "Every created role carries the packages policy."
  }

  assert {
    condition     = length(jsonencode(jsondecode(output.policy_documents["permission-boundary"]))) <= 6144 && contains(one([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Action if s.Sid == "NoResourceLevel"]), "codeartifact:*")
    error_message = "The boundary admits the package statements and stays within IAM's 6,144 characters."
  }
}

run "no_package_repository" {
  command = plan

  variables {
    package_repositories = []
  }

  assert {
    condition     = !contains(keys(output.policy_documents), "packages") && output.packages_policy_arn == null && length(aws_iam_policy.packages) == 0
    error_message = "Without a package repository there is no packages policy."
  }

  assert {
    condition     = !strcontains(output.policy_documents["sagemaker-execution"], "codeartifact") && !strcontains(output.policy_documents["permission-boundary"], "codeartifact")
    error_message = "Without a package repository no role or boundary mentions CodeArtifact."
  }
}

run "repository_of_another_domain" {
  command = plan

  variables {
    package_repositories = [{
      domain_arn          = "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages"
      repository_arn      = "arn:aws:codeartifact:eu-west-1:111111111111:repository/other-domain/curated"
      package_arn_pattern = "arn:aws:codeartifact:eu-west-1:111111111111:package/other-domain/curated/*"
    }]
  }

  expect_failures = [var.package_repositories]
}

# -----------------------------------------------------------------------------
# Team personas (team_personas.tf): the roles a team's humans assume, their trust and
# policies, and the environment personas' refusal of team users
# -----------------------------------------------------------------------------
run "team_personas" {
  command = plan

  variables {
    team_bucket_arns = {
      data   = "arn:aws:s3:::mlops-dev-data-111111111111"
      models = "arn:aws:s3:::mlops-dev-models-111111111111"
    }
    teams = {
      risk    = { users = { carol = "data_scientist", frank = "team_lead", erin = "data_scientist" }, projects = ["abalone"], data_prefixes = ["teams/risk/"], execution_role = "per_team" }
      pricing = { users = { dave = "data_scientist" }, projects = ["rings"], data_prefixes = ["teams/pricing/"], execution_role = "per_user" }
    }
    package_repositories = [{
      domain_arn          = "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages"
      repository_arn      = "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/curated"
      package_arn_pattern = "arn:aws:codeartifact:eu-west-1:111111111111:package/mlops-dev-packages/curated/*"
    }]
  }

  assert {
    condition     = jsonencode(output.team_persona_role_arns) == jsonencode({ pricing = { data_scientist = "arn:aws:iam::111111111111:role/mlops-dev-team-pricing-data-scientist" }, risk = { data_scientist = "arn:aws:iam::111111111111:role/mlops-dev-team-risk-data-scientist", team_lead = "arn:aws:iam::111111111111:role/mlops-dev-team-risk-team-lead" } })
    error_message = "One role per team and persona its users have: ${jsonencode(output.team_persona_role_arns)}."
  }

  assert {
    condition     = aws_iam_role.team["risk/team_lead"].permissions_boundary == "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary" && aws_iam_role.team["risk/team_lead"].tags["team"] == "risk"
    error_message = "A team persona carries the boundary and its team tag."
  }

  assert {
    condition     = alltrue([for a in values(aws_iam_role_policy_attachments_exclusive.team) : a.policy_arns == toset(["arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails", "arn:aws:iam::111111111111:policy/mlops-dev-instance-types", "arn:aws:iam::111111111111:policy/mlops-dev-packages"])])
    error_message = "Team personas carry the guardrails, instance-types and packages policies."
  }

  assert {
    condition     = alltrue([for a in values(aws_iam_role_policy_attachments_exclusive.team) : contains(a.policy_arns, "arn:aws:iam::111111111111:policy/mlops-dev-packages")])
    error_message = "Team execution roles carry the packages policy like the environment's execution role."
  }

  assert {
    condition = jsondecode(output.team_persona_policy_documents["mlops-dev-team-risk-data-scientist-trust"]).Statement == [{
      Sid       = "AssumedByTheTeamsUsersOfThePersona"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::999999999999:role/data-scientist", "arn:aws:iam::999999999999:role/data-scientist-2"] }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
      Condition = {
        StringEquals                = { "aws:RequestTag/studio-user-profile" = ["carol", "erin"] }
        StringLike                  = { "aws:RequestTag/studio-user-profile" = "$${aws:PrincipalTag/studio-user-profile}" }
        "ForAllValues:StringEquals" = { "aws:TagKeys" = ["studio-user-profile"] }
      }
    }]
    error_message = "Only the team's users of the persona, each with its own tag, assume the team's persona role."
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["data-scientist-trust"]).Statement : s if s.Sid == "DenyTeamUsers"] == [{
      Sid       = "DenyTeamUsers"
      Effect    = "Deny"
      Principal = { AWS = ["arn:aws:iam::999999999999:role/data-scientist", "arn:aws:iam::999999999999:role/data-scientist-2"] }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
      Condition = { StringEquals = { "aws:PrincipalTag/studio-user-profile" = ["carol", "dave", "erin", "frank"] } }
    }] && strcontains(output.policy_documents["team-lead-trust"], "DenyTeamUsers") && !strcontains(output.policy_documents["data-science-admin-trust"], "DenyTeamUsers")
    error_message = "The environment's data scientist and team lead roles refuse every team user; the administrator role does not."
  }

  assert {
    condition     = length(output.policy_documents["data-scientist-trust"]) == 990
    error_message = "The data scientist's trust is ${length(output.policy_documents["data-scientist-trust"])} characters; orchestrator/config/team_personas.py renders 990 (tests/orchestrator/config/test_team_personas.py): keep the two in step."
  }

  assert {
    condition     = alltrue([for name, doc in output.team_persona_policy_documents : !can(regex("S3ListEnvironmentBuckets|S3ReadEnvironmentObjects|S3WriteEnvironmentObjects|PassExecutionRolesToSageMaker|mlops-dev-sagemaker-execution|mlops-dev-pipeline-execution", doc))])
    error_message = "No team persona keeps the environment-wide S3 statements or passes the shared execution roles."
  }

  assert {
    condition = [for s in jsondecode(output.team_persona_policy_documents["mlops-dev-team-risk-data-scientist"]).Statement : s.Sid if contains(["ListTeamDataPrefixes", "ReadTeamObjects", "WriteTeamData", "DenyOtherTeamsTaggedResources", "DenyOtherTeamsModelRegistries", "DenyModelApproval", "DenyIamChanges", "StudioOpenOwnUserProfile"], s.Sid)] == [
      "StudioOpenOwnUserProfile", "DenyModelApproval", "DenyIamChanges", "ListTeamDataPrefixes", "ReadTeamObjects", "WriteTeamData", "DenyOtherTeamsTaggedResources", "DenyOtherTeamsModelRegistries",
    ]
    error_message = "A team data scientist keeps the persona's statements and denies and gets the team's statements."
  }

  assert {
    condition     = [for s in jsondecode(output.team_persona_policy_documents["mlops-dev-team-risk-data-scientist"]).Statement : s.Resource if s.Sid == "ReadTeamObjects"] == [for s in jsondecode(output.team_policy_documents["mlops-dev-team-risk-execution"]).Statement : s.Resource if s.Sid == "ReadTeamObjects"]
    error_message = "The team persona's S3 statements are the team execution role's."
  }

  assert {
    condition     = [for s in jsondecode(output.team_persona_policy_documents["mlops-dev-team-risk-data-scientist"]).Statement : s.Resource if s.Sid == "PassTeamExecutionRoleToSageMaker"] == ["arn:aws:iam::111111111111:role/mlops-dev-team-risk-execution"]
    error_message = "A per_team team's persona passes the team's execution role only."
  }

  assert {
    condition     = [for s in jsondecode(output.team_persona_policy_documents["mlops-dev-team-pricing-data-scientist"]).Statement : s.Resource if s.Sid == "PassTeamExecutionRoleToSageMaker"] == ["arn:aws:iam::111111111111:role/mlops-dev-team-pricing-user-$${aws:PrincipalTag/studio-user-profile}"]
    error_message = "A per_user team's persona passes the caller's own execution role only (named by its session tag)."
  }

  assert {
    condition     = [for s in jsondecode(output.team_persona_policy_documents["mlops-dev-team-risk-team-lead"]).Statement : s.Resource if startswith(s.Sid, "ModelApproval")] == [["arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-abalone/*"]]
    error_message = "The team lead approves its projects' model packages only."
  }

  assert {
    condition     = alltrue([for name, doc in output.team_persona_policy_documents : length(doc) <= (endswith(name, "-trust") ? 2048 : 10240)])
    error_message = "Team persona policies fit IAM's limits."
  }

  assert {
    condition     = length(jsonencode(local.boundary_policy)) <= 6144 && contains([for s in jsondecode(output.policy_documents["permission-boundary"]).Statement : s.Resource if s.Sid == "PassRole"][0], "arn:aws:iam::111111111111:role/mlops-dev-team-*")
    error_message = "The boundary does not grow with team personas (its <name_prefix>-team-* pattern covers them)."
  }
}

run "team_without_the_persona_principals_has_no_persona_role" {
  command = plan

  variables {
    team_bucket_arns = {
      data   = "arn:aws:s3:::mlops-dev-data-111111111111"
      models = "arn:aws:s3:::mlops-dev-models-111111111111"
    }
    persona_principals = {
      data_science_admin = ["arn:aws:iam::999999999999:role/admin"]
      team_lead          = ["arn:aws:iam::999999999999:role/team-lead"]
    }
    teams = {
      risk = { users = { carol = "data_scientist", admin = "data_science_admin" }, projects = [], data_prefixes = ["teams/risk/"], execution_role = "per_team" }
    }
  }

  assert {
    condition     = keys(aws_iam_role.team) == ["risk"] && output.team_persona_role_arns == { risk = {} }
    error_message = "No persona role without the persona's principals, and none for the administrator."
  }
}
