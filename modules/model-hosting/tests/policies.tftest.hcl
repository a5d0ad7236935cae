# What each role may do: the cross-account statements, PassRole, the guardrail
# denies with their exact conditions, the project scoping and the boundary.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
}

override_resource {
  target          = module.kms.aws_kms_key.this["endpoint"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222" }
}
override_resource {
  target          = module.kms.aws_kms_key.this["notifications"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:222222222222:key/55555555-5555-5555-5555-555555555555" }
}

variables {
  model_monitor_image_repository_arn = "arn:aws:ecr:eu-west-1:468650794304:repository/sagemaker-model-monitor-analyzer"
  name_prefix                        = "mlops-staging"
  stage                              = "staging"
  endpoint_instance_types            = ["ml.t2.medium", "ml.m5.large"]
  source_account_id                  = "111111111111"
  source_name_prefix                 = "mlops-dev"
  source_models_bucket_arn           = "arn:aws:s3:::mlops-dev-models-111111111111"
  source_data_key_alias_arn          = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"
  vpc_id                             = "vpc-0123456789abcdef0"
  subnet_ids                         = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  security_group_ids                 = ["sg-0cccccccccccccccc"]
  s3_vpc_endpoint_ids                = ["vpce-0dddddddddddddddd"]
  oidc_provider_arn                  = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
  projects = {
    abalone = { repository = { owner = "example-org", name = "abalone-model" } }
    churn   = { repository = { owner = "example-org", name = "churn-model" } }
  }
  ssm_parameter_path     = "/mlops/staging"
  kms_administrator_arns = ["arn:aws:iam::222222222222:role/mlops-staging-deploy"]
}

run "model_execution_reads_the_source_models_only_as_granted" {
  command = plan

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "ReadSourceModelArtifacts"]) == {
      Sid      = "ReadSourceModelArtifacts"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectVersion"]
      Resource = "arn:aws:s3:::mlops-dev-models-111111111111/*"
    }
    error_message = "The model execution role reads objects (and their versions) of exactly the source models bucket."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "DecryptSourceModelArtifactsViaS3"]) == {
      Sid      = "DecryptSourceModelArtifactsViaS3"
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = "arn:aws:kms:eu-west-1:111111111111:key/*"
      Condition = {
        StringEquals               = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" }
        "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = "alias/mlops-dev-data" }
      }
    }
    error_message = "The model execution role decrypts only with the source account's key aliased alias/mlops-dev-data, and only through S3 of the region."
  }

  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s.Sid
      if strcontains(jsonencode(s), "111111111111") || strcontains(jsonencode(s), "mlops-dev")
    ] == ["ReadSourceModelArtifacts", "DecryptSourceModelArtifactsViaS3"]
    error_message = "No other statement of the model execution role reaches the source account."
  }
}

run "model_execution_writes_data_capture_and_uses_the_endpoint_key" {
  command = plan

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "WriteDataCapture"]).Resource == "arn:aws:s3:::mlops-staging-data-capture-222222222222/*"
    error_message = "Captured data goes to the data-capture bucket only."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "UseEndpointKey"]).Resource == "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222"
    error_message = "The model execution role uses the endpoint key only."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "EndpointKeyGrantsForAwsResources"]).Condition == { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    error_message = "Grants on the endpoint key only for AWS resources."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "EndpointLogs"]).Resource == ["arn:aws:logs:eu-west-1:222222222222:log-group:/aws/sagemaker/Endpoints/mlops-staging-*", "arn:aws:logs:eu-west-1:222222222222:log-group:/aws/sagemaker/Endpoints/mlops-staging-*:log-stream:*"]
    error_message = "Logs only to the environment's endpoint log groups."
  }
}

run "model_execution_network_interfaces_stay_in_the_hosting_vpc" {
  command = plan

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "CreateNetworkInterfacesInHostingSubnets"]) == {
      Sid    = "CreateNetworkInterfacesInHostingSubnets"
      Effect = "Allow"
      Action = "ec2:CreateNetworkInterface"
      Resource = [
        "arn:aws:ec2:eu-west-1:222222222222:subnet/subnet-0aaaaaaaaaaaaaaaa",
        "arn:aws:ec2:eu-west-1:222222222222:subnet/subnet-0bbbbbbbbbbbbbbbb",
        "arn:aws:ec2:eu-west-1:222222222222:security-group/sg-0cccccccccccccccc",
      ]
      Condition = { ArnEquals = { "ec2:Vpc" = "arn:aws:ec2:eu-west-1:222222222222:vpc/vpc-0123456789abcdef0" } }
    }
    error_message = "Interfaces are created only in the hosting subnets with the hosting security groups, in the hosting VPC."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "ManageNetworkInterfacesInHostingSubnets"]).Condition == {
      ArnEquals = {
        "ec2:Vpc"    = "arn:aws:ec2:eu-west-1:222222222222:vpc/vpc-0123456789abcdef0"
        "ec2:Subnet" = ["arn:aws:ec2:eu-west-1:222222222222:subnet/subnet-0aaaaaaaaaaaaaaaa", "arn:aws:ec2:eu-west-1:222222222222:subnet/subnet-0bbbbbbbbbbbbbbbb"]
      }
    }
    error_message = "Interface permissions and deletion only for interfaces in the hosting VPC and subnets."
  }

  assert {
    condition = toset([
      for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s.Sid if s.Resource == "*"
    ]) == toset(["EcrAuthorizationToken", "EndpointMetrics", "DescribeNetwork"])
    error_message = "Resource \"*\" only for actions without resource-level permissions (ECR token, PutMetricData, EC2 Describe)."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "EcrAuthorizationToken"]).Action == "ecr:GetAuthorizationToken"
    error_message = "The ECR token statement allows nothing else."
  }
}

run "deploy_roles_pass_only_the_model_execution_role_to_sagemaker" {
  command = plan

  assert {
    condition = [for doc in [aws_iam_policy.deploy_common.policy, aws_iam_policy.realtime_deploy[0].policy] : one([for s in jsondecode(doc).Statement : s if s.Action == "iam:PassRole"])] == [
      {
        Sid       = "PassModelExecutionRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "arn:aws:iam::222222222222:role/mlops-staging-model-execution"
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
      {
        Sid       = "PassMonitoringRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "arn:aws:iam::222222222222:role/mlops-staging-model-monitor"
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
    ]
    error_message = "PassRole: only the model execution role (every deploy role) and the monitoring role (realtime projects' deploy roles), only to SageMaker."
  }

  assert {
    condition = length([
      for doc in concat([aws_iam_policy.deploy_common.policy, aws_iam_policy.realtime_deploy[0].policy, aws_iam_role_policy.model_execution.policy], [for p in aws_iam_role_policy.deploy : p.policy]) :
      doc if strcontains(doc, "iam:PassRole")
    ]) == 2
    error_message = "No other role policy mentions iam:PassRole."
  }
}

run "deploy_guardrail_denies" {
  command = plan

  assert {
    condition = [for s in jsondecode(aws_iam_policy.deploy_common.policy).Statement : s if s.Effect == "Deny" && !startswith(s.Sid, "DenyMonitoringJobs")] == [
      {
        Sid       = "DenyModelWithoutVpcSubnets"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSubnets" = "true" } }
      },
      {
        Sid       = "DenyModelWithoutVpcSecurityGroups"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSecurityGroupIds" = "true" } }
      },
      {
        Sid       = "DenyModelOutsideHostingSubnets"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] } }
      },
      {
        Sid       = "DenyModelOutsideHostingSecurityGroups"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = ["sg-0cccccccccccccccc"] } }
      },
      {
        Sid       = "DenyEndpointConfigWithoutKmsKey"
        Effect    = "Deny"
        Action    = "sagemaker:CreateEndpointConfig"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VolumeKmsKeyArn" = "true" } }
      },
      {
        Sid      = "DenyEndpointConfigWithOtherKmsKey"
        Effect   = "Deny"
        Action   = "sagemaker:CreateEndpointConfig"
        Resource = "*"
        Condition = {
          Null         = { "sagemaker:VolumeKmsKeyArn" = "false" }
          ArnNotEquals = { "sagemaker:VolumeKmsKeyArn" = "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222" }
        }
      },
      {
        Sid       = "DenyEndpointConfigOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateEndpointConfig"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = ["ml.t2.medium", "ml.m5.large"] } }
      },
    ]
    error_message = "CreateModel is denied without subnets, without security groups, or with others than the hosting ones; CreateEndpointConfig without a KMS key (absent key: Null = true) or with another key than the endpoint key (present and different), or with any production variant on an instance type outside endpoint_instance_types."
  }
}

run "deploy_roles_are_scoped_to_their_project" {
  command = plan

  assert {
    condition = slice(jsondecode(aws_iam_role_policy.deploy["abalone"].policy).Statement, 0, 2) == [
      {
        Sid    = "ManageProjectHosting"
        Effect = "Allow"
        Action = [
          "sagemaker:AddTags",
          "sagemaker:CreateEndpoint",
          "sagemaker:CreateEndpointConfig",
          "sagemaker:CreateModel",
          "sagemaker:DeleteEndpoint",
          "sagemaker:DeleteEndpointConfig",
          "sagemaker:DeleteModel",
          "sagemaker:DescribeEndpoint",
          "sagemaker:DescribeEndpointConfig",
          "sagemaker:DescribeModel",
          "sagemaker:ListTags",
          "sagemaker:UpdateEndpoint",
          "sagemaker:UpdateEndpointWeightsAndCapacities",
        ]
        Resource = [
          "arn:aws:sagemaker:eu-west-1:222222222222:model/mlops-staging-abalone-*",
          "arn:aws:sagemaker:eu-west-1:222222222222:endpoint-config/mlops-staging-abalone-*",
          "arn:aws:sagemaker:eu-west-1:222222222222:endpoint/mlops-staging-abalone",
        ]
      },
      {
        Sid      = "InvokeProjectEndpoints"
        Effect   = "Allow"
        Action   = "sagemaker:InvokeEndpoint"
        Resource = "arn:aws:sagemaker:eu-west-1:222222222222:endpoint/mlops-staging-abalone"
      },
    ]
    error_message = "The abalone deploy role manages and invokes only its endpoint mlops-staging-abalone (exactly: the name the deploy code gives it) and mlops-staging-abalone-* models and endpoint configurations."
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.deploy["abalone"].policy, "churn") && !strcontains(aws_iam_role_policy.deploy["churn"].policy, "abalone")
    error_message = "A project's deploy role reaches none of another project's resources."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_policy.deploy_common.policy).Statement : s if s.Sid == "ReadSourceModelRegistry"]) == {
      Sid      = "ReadSourceModelRegistry"
      Effect   = "Allow"
      Action   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"]
      Resource = ["arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-*", "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-*"]
    }
    error_message = "The deploy roles read (never write) the source environment's model registry."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.deploy_common.policy).Statement : s if s.Sid == "ReadPlatformContract"]).Resource == ["arn:aws:ssm:eu-west-1:222222222222:parameter/mlops/staging", "arn:aws:ssm:eu-west-1:222222222222:parameter/mlops/staging/*"]
    error_message = "The deploy roles read the SSM contract /<prefix>/<stage>/* only."
  }

  assert {
    condition = [
      for s in jsondecode(aws_iam_policy.deploy_common.policy).Statement : s
      if contains(["ReadSourceModelArtifacts", "DecryptSourceModelArtifactsViaS3"], s.Sid)
      ] == [
      {
        Sid      = "ReadSourceModelArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = "arn:aws:s3:::mlops-dev-models-111111111111/*"
      },
      {
        Sid      = "DecryptSourceModelArtifactsViaS3"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = "arn:aws:kms:eu-west-1:111111111111:key/*"
        Condition = {
          StringEquals               = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" }
          "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = "alias/mlops-dev-data" }
        }
      },
    ]
    error_message = "The deploy roles read the source models (to check an archive's SHA-256 against the one registered before deploying it), decrypting only through S3 with the source data key."
  }
}

run "no_wildcard_actions_anywhere" {
  command = plan

  assert {
    condition = alltrue(flatten([
      for doc in concat(
        [aws_iam_policy.boundary.policy, aws_iam_policy.deploy_common.policy, aws_iam_policy.realtime_deploy[0].policy, aws_iam_role_policy.model_execution.policy],
        [for p in aws_iam_role_policy.deploy : p.policy],
        ) : [
        for s in jsondecode(doc).Statement : [
          for a in flatten([try(s.Action, [])]) : a != "*" && !endswith(a, ":*")
        ] if s.Effect == "Allow"
      ]
    ]))
    error_message = "No Allow statement grants \"*\" or a whole service."
  }

  assert {
    condition = alltrue(flatten([
      for doc in concat(
        [aws_iam_policy.boundary.policy, aws_iam_policy.deploy_common.policy, aws_iam_policy.realtime_deploy[0].policy, aws_iam_role_policy.model_execution.policy],
        [for p in aws_iam_role_policy.deploy : p.policy],
        ) : [
        for s in jsondecode(doc).Statement : !contains(flatten([s.Action]), "iam:PassRole") || contains(["arn:aws:iam::222222222222:role/mlops-staging-model-execution", "arn:aws:iam::222222222222:role/mlops-staging-model-monitor"], try(tostring(s.Resource), "")) || (s.Sid == "PassModelExecutionRole" && s.Resource == ["arn:aws:iam::222222222222:role/mlops-staging-model-execution", "arn:aws:iam::222222222222:role/mlops-staging-model-monitor", "arn:aws:iam::222222222222:role/mlops-staging-*-batch", "arn:aws:iam::222222222222:role/mlops-staging-*-schedule"] && try(s.Condition, null) == { StringEquals = { "iam:PassedToService" = ["sagemaker.amazonaws.com", "scheduler.amazonaws.com"] } })
      ]
    ]))
    error_message = "PassRole is never allowed on \"*\" or on another role than the model execution and monitoring roles (and, in the boundary, the batch pipeline roles <name_prefix>-*-batch to SageMaker and the batch schedule roles <name_prefix>-*-schedule to EventBridge Scheduler)."
  }
}

run "boundary_bounds_hosting_and_protects_itself" {
  command = plan

  assert {
    condition = [for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s.Sid] == [
      "HostingResources", "SourceModelRegistry", "SourceModelArtifacts", "DataCapture", "Alerts", "Keys", "SourceDataKeyViaS3", "EndpointLogs",
      "ImagePull", "NetworkInterfaces", "NoResourceLevel", "CallerIdentity", "PlatformContract", "PassModelExecutionRole",
      "DenyBoundaryEdits", "DenyBoundaryRemoval", "DenyRolesWithoutThisBoundary",
    ]
    error_message = "The boundary's statements changed; review them."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "HostingResources"]).Resource == ["arn:aws:sagemaker:eu-west-1:222222222222:model/mlops-staging-*", "arn:aws:sagemaker:eu-west-1:222222222222:endpoint-config/mlops-staging-*", "arn:aws:sagemaker:eu-west-1:222222222222:endpoint/mlops-staging-*", "arn:aws:sagemaker:eu-west-1:222222222222:processing-job/mlops-staging-*", "arn:aws:sagemaker:eu-west-1:222222222222:data-quality-job-definition/mlops-staging-*", "arn:aws:sagemaker:eu-west-1:222222222222:monitoring-schedule/mlops-staging-*", "arn:aws:sagemaker:eu-west-1:222222222222:pipeline/mlops-staging-*", "arn:aws:sagemaker:eu-west-1:222222222222:transform-job/*", "arn:aws:scheduler:eu-west-1:222222222222:schedule/mlops-staging-batch/*"]
    error_message = "SageMaker hosting and monitoring only on <name_prefix>-* models, endpoint configurations, endpoints, processing jobs, data-quality job definitions and monitoring schedules, batch pipelines and transform jobs, and the batch schedules."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "Keys"]).Resource == ["arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222", "arn:aws:kms:eu-west-1:222222222222:key/55555555-5555-5555-5555-555555555555"]
    error_message = "Full key use only for the endpoint and notifications keys."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "SourceDataKeyViaS3"]) == {
      Sid      = "SourceDataKeyViaS3"
      Effect   = "Allow"
      Action   = "kms:Decrypt"
      Resource = "arn:aws:kms:eu-west-1:111111111111:key/*"
      Condition = {
        StringEquals               = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" }
        "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = "alias/mlops-dev-data" }
      }
    }
    error_message = "Of the source account's keys, only the aliased data key, only Decrypt, only through S3."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "DenyBoundaryEdits"]).Resource == "arn:aws:iam::222222222222:policy/mlops-staging-hosting-boundary"
    error_message = "The boundary can not be edited by the roles it bounds."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "DenyRolesWithoutThisBoundary"]).Condition == { StringNotEquals = { "iam:PermissionsBoundary" = "arn:aws:iam::222222222222:policy/mlops-staging-hosting-boundary" } }
    error_message = "No role may be created or re-bounded with another boundary."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.boundary.policy).Statement : s if s.Sid == "DenyBoundaryRemoval"]).Action == "iam:DeleteRolePermissionsBoundary"
    error_message = "Boundaries can not be removed."
  }
}

run "additional_ecr_repositories" {
  command = plan

  variables {
    additional_ecr_repository_arns = ["arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-xgboost"]
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.model_execution.policy).Statement : s if s.Sid == "PullImages"]).Resource == ["arn:aws:ecr:eu-west-1:222222222222:repository/*", "arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-xgboost"]
    error_message = "Images are pulled from this account's repositories and the named extra repositories only."
  }
}

run "monitoring_role_topic_and_deploy_permissions" {
  command = plan

  assert {
    condition     = length(jsonencode(jsondecode(aws_iam_policy.boundary.policy))) <= 6144 - 300
    error_message = "The boundary keeps 300 characters of room for longer names and additional ECR repositories; it is ${length(jsonencode(jsondecode(aws_iam_policy.boundary.policy)))}."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.model_monitor.policy).Statement : s if s.Sid == "WriteBaselinesAndReports"]) == {
      Sid      = "WriteBaselinesAndReports"
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "arn:aws:s3:::mlops-staging-data-capture-222222222222/monitoring/*"
    }
    error_message = "The monitoring role writes only under monitoring/ of the data-capture bucket."
  }

  assert {
    condition     = [for s in jsondecode(aws_sns_topic_policy.alerts.policy).Statement : s.Condition if s.Effect == "Allow"] == [{ StringEquals = { "aws:SourceAccount" = "222222222222" }, ArnLike = { "aws:SourceArn" = "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:mlops-staging-*" } }, { StringEquals = { "aws:SourceAccount" = "222222222222" }, ArnEquals = { "aws:SourceArn" = "arn:aws:events:eu-west-1:222222222222:rule/mlops-staging-endpoint-state" } }]
    error_message = "CloudWatch and EventBridge may publish only for this account's alarms and endpoint rule."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy["abalone"].policy).Statement : s if s.Sid == "ManageProjectMonitoring"]).Resource == ["arn:aws:sagemaker:eu-west-1:222222222222:processing-job/mlops-staging-abalone-*", "arn:aws:sagemaker:eu-west-1:222222222222:data-quality-job-definition/mlops-staging-abalone-*", "arn:aws:sagemaker:eu-west-1:222222222222:monitoring-schedule/mlops-staging-abalone-*"]
    error_message = "A deploy role manages the monitoring of its own project's endpoint only."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.deploy["churn"].policy).Statement : s if s.Sid == "ManageProjectAlarms"]).Resource == "arn:aws:cloudwatch:eu-west-1:222222222222:alarm:mlops-staging-churn-*"
    error_message = "A deploy role manages its own project's alarms only."
  }

  assert {
    condition     = !strcontains(aws_iam_policy.deploy_common.policy, "iam:CreateServiceLinkedRole") && !strcontains(aws_iam_policy.boundary.policy, "iam:CreateServiceLinkedRole")
    error_message = "The deploy roles create no service-linked role: the module creates Application Auto Scaling's."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_policy.deploy_common.policy).Statement : s.Condition if startswith(s.Sid, "DenyMonitoringJobs")] == [{ Null = { "sagemaker:VpcSubnets" = "true" } }, { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"] } }, { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = ["sg-0cccccccccccccccc"] } }, { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = ["ml.t2.medium", "ml.m5.large"] } }]
    error_message = "Baseline jobs and monitoring job definitions only in the hosting subnets and security groups, on the stage's instance types."
  }
}
