# Security properties of one ML project, decoded from the rendered JSON and compared exactly: the
# model package group policy, the CI role's trust and permissions, the approval rule, the API
# destination and the repository_dispatch body, the placeholder API key, the events role, the
# dead-letter queue and the events key, the artifact bucket and the SSM entries.
#
# Computed ARNs are overridden during plan (the mock's random strings would leave them unknown or
# fail the provider's ARN checks).

mock_provider "aws" {
  override_during = plan

  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111", arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy", user_id = "AROAEXAMPLEEXAMPLE" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }

  override_resource {
    target = aws_sagemaker_model_package_group.this[0]
    values = { arn = "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-churn" }
  }
  override_resource {
    target = aws_iam_role.ci
    values = { arn = "arn:aws:iam::111111111111:role/mlops-dev-churn-ci" }
  }
  override_resource {
    target = aws_iam_role.pipeline
    values = { arn = "arn:aws:iam::111111111111:role/mlops-dev-churn-pipeline" }
  }
  override_resource {
    target = aws_iam_role.job
    values = { arn = "arn:aws:iam::111111111111:role/mlops-dev-churn-pipeline-jobs" }
  }
  override_resource {
    target = aws_iam_role.events
    values = { arn = "arn:aws:iam::111111111111:role/mlops-dev-churn-approval-events" }
  }
  override_resource {
    target = aws_kms_key.events
    values = { arn = "arn:aws:kms:eu-west-1:111111111111:key/99999999-8888-7777-6666-555555555555", key_id = "99999999-8888-7777-6666-555555555555" }
  }
  override_resource {
    target = aws_sns_topic.pipeline_events
    values = { arn = "arn:aws:sns:eu-west-1:111111111111:mlops-dev-churn-pipeline-events" }
  }
  override_resource {
    target = aws_kms_key.pipeline_events
    values = { arn = "arn:aws:kms:eu-west-1:111111111111:key/77777777-6666-5555-4444-333333333333", key_id = "77777777-6666-5555-4444-333333333333" }
  }
  override_resource {
    target = aws_sqs_queue.dead_letters
    values = {
      arn = "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-churn-approval-dlq"
      id  = "https://sqs.eu-west-1.amazonaws.com/111111111111/mlops-dev-churn-approval-dlq"
      url = "https://sqs.eu-west-1.amazonaws.com/111111111111/mlops-dev-churn-approval-dlq"
    }
  }
  override_resource {
    target = aws_cloudwatch_event_rule.approval
    values = { arn = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-churn-model-approval" }
  }
  override_resource {
    target = aws_cloudwatch_event_connection.github
    values = {
      arn        = "arn:aws:events:eu-west-1:111111111111:connection/mlops-dev-churn-github/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
      secret_arn = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:events!connection/mlops-dev-churn-github/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/auth-AbCdEf"
    }
  }
  override_resource {
    target = aws_cloudwatch_event_api_destination.dispatch
    values = { arn = "arn:aws:events:eu-west-1:111111111111:api-destination/mlops-dev-churn-repository-dispatch/1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809" }
  }
}

variables {
  name_prefix                = "mlops-dev"
  prefix                     = "mlops"
  project_name               = "churn"
  repository                 = { owner = "example-org", name = "churn-model" }
  oidc_provider_arn          = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
  target_accounts            = { staging = ["222222222222"], prod = ["333333333333"] }
  kms_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  access_log_bucket_name     = "mlops-dev-access-logs-111111111111"
  models_bucket_name         = "mlops-dev-models-111111111111"
  allowed_vpc_endpoint_ids   = ["vpce-0123456789abcdef0"]
  vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
  permissions_boundary_arn   = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
  guardrails_policy_arn      = "arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails"
  instance_types_policy_arn  = "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"
  data_bucket_name           = "mlops-dev-data-111111111111"
  volume_kms_key_arn         = "arn:aws:kms:eu-west-1:111111111111:key/66666666-7777-8888-9999-000000000000"
  subnet_ids                 = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  security_group_ids         = ["sg-0cccccccccccccccc"]
  ssm_prefix                 = "/mlops/dev"
  key_administrator_arns     = ["arn:aws:iam::111111111111:role/mlops-dev-deploy", "arn:aws:iam::111111111111:role/mlops-dev-github-apply"]
  key_reader_arns            = ["arn:aws:iam::111111111111:role/mlops-dev-github-plan"]
}

# One plan (same variables) for: model_package_group_policy_is_exact, ci_trust_is_pinned,
#   ci_permissions_are_exact, approval_rule_matches_both_decisions_of_this_group,
#   api_destination_posts_to_repository_dispatch, transformer_builds_the_repository_dispatch_body,
#   token_never_passes_through_terraform, events_role_may_only_invoke_this_destination,
#   dead_letters_are_encrypted_and_only_from_the_rule,
#   events_key_serves_only_the_rule_and_the_connection,
#   artifact_bucket_is_vpc_only_with_the_ci_role_exempt, ssm_entries,
#   pipeline_failures_reach_the_project_topic_only_through_the_rule.
run "model_package_group_policy_is_exact" {
  command = plan

  # --- model_package_group_policy_is_exact
  assert {
    condition     = aws_sagemaker_model_package_group.this[0].model_package_group_name == "mlops-dev-churn"
    error_message = "The group is named <name_prefix>-<project_name>."
  }

  assert {
    condition = jsondecode(aws_sagemaker_model_package_group_policy.this[0].resource_policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "DeploymentAccountsReadModelPackages"
          Effect    = "Allow"
          Principal = { AWS = ["arn:aws:iam::333333333333:root", "arn:aws:iam::222222222222:root"] }
          Action    = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"]
          Resource = [
            "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-churn",
            "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/*",
          ]
          Condition = {
            ArnEquals = {
              "aws:PrincipalArn" = [
                "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
                "arn:aws:iam::333333333333:role/mlops-prod-model-deploy",
                "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
                "arn:aws:iam::222222222222:role/mlops-staging-model-deploy",
              ]
            }
          }
        },
      ]
    }
    error_message = "The deployment accounts' reader roles (exact ARNs) may only describe this group and list/describe its packages."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_sagemaker_model_package_group_policy.this[0].resource_policy).Statement : [
        for value in concat(flatten([s.Action]), flatten([s.Principal.AWS]), flatten([s.Resource])) : !strcontains(value, "*") || endswith(value, ":model-package/mlops-dev-churn/*")
      ]
    ]))
    error_message = "No wildcard action or principal; the only wildcard is the group's own packages."
  }

  # --- ci_trust_is_pinned
  assert {
    condition = jsondecode(aws_iam_role.ci.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "GitHubActionsBuildEnvironment"
          Effect    = "Allow"
          Principal = { Federated = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
          Action    = "sts:AssumeRoleWithWebIdentity"
          Condition = {
            StringEquals = {
              "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
              "token.actions.githubusercontent.com:sub" = "repo:example-org/churn-model:environment:build"
            }
          }
        },
      ]
    }
    error_message = "The CI role trusts only the build environment of the project repository (exact sub, aud sts.amazonaws.com, StringEquals)."
  }

  assert {
    condition     = aws_iam_role.ci.name == "mlops-dev-churn-ci" && aws_iam_role.ci.permissions_boundary == "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary" && aws_iam_role.ci.max_session_duration == 3600
    error_message = "The CI role is <name_prefix>-<project>-ci, carries the boundary and has one-hour sessions."
  }

  assert {
    condition     = output.ci_oidc_subject == "repo:example-org/churn-model:environment:build"
    error_message = "The ci_oidc_subject output is the trusted sub."
  }

  # --- ci_permissions_are_exact
  assert {
    condition = jsondecode(aws_iam_role_policy.ci.policy).Statement == [
      {
        Sid      = "BuildPipeline"
        Effect   = "Allow"
        Action   = ["sagemaker:CreatePipeline", "sagemaker:DescribePipeline", "sagemaker:StartPipelineExecution", "sagemaker:UpdatePipeline"]
        Resource = "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/mlops-dev-churn-build"
      },
      {
        Sid       = "TagPipelineAtCreation"
        Effect    = "Allow"
        Action    = "sagemaker:AddTags"
        Resource  = "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/mlops-dev-churn-build"
        Condition = { StringEquals = { "sagemaker:TaggingAction" = "CreatePipeline" } }
      },
      {
        Sid      = "BuildPipelineExecutions"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribePipelineDefinitionForExecution", "sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps"]
        Resource = "arn:aws:sagemaker:eu-west-1:111111111111:pipeline/mlops-dev-churn-build/execution/*"
      },
      {
        Sid       = "PassProjectPipelineRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "arn:aws:iam::111111111111:role/mlops-dev-churn-pipeline"
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
      {
        Sid      = "ReadPlatformContract"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
        Resource = ["arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev", "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev/*"]
      },
      {
        Sid      = "ArtifactBucketList"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
        Resource = "arn:aws:s3:::mlops-dev-churn-artifacts-111111111111"
      },
      {
        Sid      = "ArtifactObjectsReadWrite"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource = "arn:aws:s3:::mlops-dev-churn-artifacts-111111111111/*"
      },
      {
        Sid      = "UploadPipelineScripts"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "arn:aws:s3:::mlops-dev-models-111111111111/churn/code/*"
      },
      {
        Sid       = "ArtifactKeyThroughS3"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      },
      {
        Sid      = "ReadModelPackages"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"]
        Resource = ["arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-churn", "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/*"]
      },
    ]
    error_message = "The CI role may run its pipeline, pass the project's own pipeline role to SageMaker, read the SSM contract, use the artifact bucket, upload the pipeline's scripts to <models bucket>/<project>/code/, use the data key through S3 and read the group's packages; nothing else."
  }

  # In the models bucket (shared by every project and read by the deployment accounts) the CI
  # role may only put objects under its own project's code/ prefix.
  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.ci.policy).Statement : [s.Action, s.Resource]
      if anytrue([for r in flatten([s.Resource]) : startswith(r, "arn:aws:s3:::mlops-dev-models-111111111111")])
    ] == [["s3:PutObject", "arn:aws:s3:::mlops-dev-models-111111111111/churn/code/*"]]
    error_message = "The only models-bucket permission of the CI role is s3:PutObject on <project>/code/*."
  }

  assert {
    condition     = [for s in jsondecode(aws_iam_role_policy.ci.policy).Statement : s.Sid if contains(flatten([s.Action]), "iam:PassRole")] == ["PassProjectPipelineRoleToSageMaker"]
    error_message = "Exactly one statement allows iam:PassRole."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.ci.policy).Statement : s.Effect == "Allow" && alltrue([for a in flatten([s.Action]) : !strcontains(a, "*")]) && alltrue([for r in flatten([s.Resource]) : r != "*" && !startswith(r, "arn:aws:iam::111111111111:role/mlops-dev-*")])])
    error_message = "No wildcard action and no Resource \"*\" in the CI policy."
  }

  assert {
    condition     = aws_iam_role_policies_exclusive.ci.policy_names == toset(["permissions"]) && length(aws_iam_role_policy_attachments_exclusive.ci.policy_arns) == 0
    error_message = "The CI role has exactly its one inline policy and no managed policy."
  }

  # --- approval_rule_matches_both_decisions_of_this_group
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.approval.event_pattern) == {
      source        = ["aws.sagemaker"]
      "detail-type" = ["SageMaker Model Package State Change"]
      detail = {
        ModelPackageGroupName = ["mlops-dev-churn"]
        ModelApprovalStatus   = ["Approved", "Rejected"]
      }
    }
    error_message = "The rule matches Approved and Rejected state changes of this group only."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.approval.name == "mlops-dev-churn-model-approval" && aws_cloudwatch_event_rule.approval.state == "ENABLED"
    error_message = "The rule is <name_prefix>-<project>-model-approval and enabled."
  }

  # --- api_destination_posts_to_repository_dispatch
  assert {
    condition     = aws_cloudwatch_event_api_destination.dispatch.invocation_endpoint == "https://api.github.com/repos/example-org/churn-model/dispatches"
    error_message = "The API destination is the project repository's dispatches endpoint."
  }

  assert {
    condition     = aws_cloudwatch_event_api_destination.dispatch.http_method == "POST"
    error_message = "repository_dispatch is a POST."
  }

  assert {
    condition     = aws_cloudwatch_event_api_destination.dispatch.connection_arn == "arn:aws:events:eu-west-1:111111111111:connection/mlops-dev-churn-github/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    error_message = "The API destination authenticates with the project's connection."
  }

  assert {
    condition = aws_cloudwatch_event_target.dispatch.http_target[0].header_parameters == tomap({
      "Accept"               = "application/vnd.github+json"
      "User-Agent"           = "mlops-dev-churn-model-approval"
      "X-GitHub-Api-Version" = "2022-11-28"
    })
    error_message = "Every request carries GitHub's media type, API version and a User-Agent."
  }

  # --- transformer_builds_the_repository_dispatch_body
  assert {
    condition = aws_cloudwatch_event_target.dispatch.input_transformer[0].input_paths == tomap({
      model_package_arn = "$.detail.ModelPackageArn"
      status            = "$.detail.ModelApprovalStatus"
      group             = "$.detail.ModelPackageGroupName"
    })
    error_message = "The transformer reads the package ARN, the decision and the group from the event detail."
  }

  # EventBridge replaces an unquoted <placeholder> by the JSON value of its path: here every value
  # is a string, so it is substituted as a quoted JSON string (even one holding quotes).
  assert {
    condition = jsondecode(replace(replace(replace(
      aws_cloudwatch_event_target.dispatch.input_transformer[0].input_template,
      "<model_package_arn>", jsonencode("arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/3")),
      "<status>", jsonencode("Approved")),
      "<group>", jsonencode("mlops-dev-churn \"quoted\""))
      ) == {
      event_type = "model-approval"
      client_payload = {
        model_package_arn = "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/3"
        status            = "Approved"
        group             = "mlops-dev-churn \"quoted\""
      }
    }
    error_message = "The body is GitHub's repository_dispatch: event_type model-approval and a client_payload with the package ARN, status and group."
  }

  assert {
    condition     = aws_cloudwatch_event_target.dispatch.arn == "arn:aws:events:eu-west-1:111111111111:api-destination/mlops-dev-churn-repository-dispatch/1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809" && aws_cloudwatch_event_target.dispatch.role_arn == "arn:aws:iam::111111111111:role/mlops-dev-churn-approval-events"
    error_message = "The target is the API destination, invoked with the events role."
  }

  assert {
    condition     = aws_cloudwatch_event_target.dispatch.dead_letter_config[0].arn == "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-churn-approval-dlq" && aws_cloudwatch_event_target.dispatch.retry_policy[0].maximum_event_age_in_seconds == 86400 && aws_cloudwatch_event_target.dispatch.retry_policy[0].maximum_retry_attempts == 185
    error_message = "Undeliverable events go to the dead-letter queue after EventBridge's maximum retries (24 h, 185 attempts) by default."
  }

  assert {
    condition     = output.dispatch_event_type == "model-approval"
    error_message = "The dispatch_event_type output is the event_type of the body."
  }

  # --- token_never_passes_through_terraform
  assert {
    condition     = aws_cloudwatch_event_connection.github.auth_parameters[0].api_key[0].key == "Authorization"
    error_message = "The connection sends the API key as the Authorization header."
  }

  assert {
    condition     = nonsensitive(aws_cloudwatch_event_connection.github.auth_parameters[0].api_key[0].value) == "set-out-of-band"
    error_message = "Terraform only ever writes the fixed placeholder; the real token is set out of band."
  }

  assert {
    condition     = aws_cloudwatch_event_connection.github.authorization_type == "API_KEY" && aws_cloudwatch_event_connection.github.kms_key_identifier == "arn:aws:kms:eu-west-1:111111111111:key/99999999-8888-7777-6666-555555555555"
    error_message = "The connection's secret is encrypted with the project's events key."
  }

  # No input of the module can carry a token: no variable whose name suggests a credential, in any
  # of the module's files.
  assert {
    condition = alltrue(flatten([
      for f in fileset(path.module, "*.tf") : [
        for name in flatten(regexall("variable\\s+\"([^\"]+)\"", file("${path.module}/${f}"))) :
        !can(regex("(token|secret|password|passwd|credential|api_?key)|(^|_)pat(_|$)", lower(name)))
      ]
    ]))
    error_message = "The module must not declare a variable for the GitHub token (or any credential)."
  }

  assert {
    condition     = length(flatten([for f in fileset(path.module, "*.tf") : flatten(regexall("variable\\s+\"([^\"]+)\"", file("${path.module}/${f}")))])) >= 20 && contains(flatten(regexall("variable\\s+\"([^\"]+)\"", file("${path.module}/variables.tf"))), "repository")
    error_message = "The scan above reads every variable of the module (it must not pass vacuously)."
  }

  assert {
    condition     = output.connection_secret_arn == "arn:aws:secretsmanager:eu-west-1:111111111111:secret:events!connection/mlops-dev-churn-github/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/auth-AbCdEf"
    error_message = "The connection's secret ARN is an output."
  }

  # --- events_role_may_only_invoke_this_destination
  assert {
    condition = jsondecode(aws_iam_role_policy.events.policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "InvokeRepositoryDispatch"
          Effect   = "Allow"
          Action   = "events:InvokeApiDestination"
          Resource = "arn:aws:events:eu-west-1:111111111111:api-destination/mlops-dev-churn-repository-dispatch/1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809"
        },
      ]
    }
    error_message = "The events role may invoke this API destination and nothing else."
  }

  assert {
    condition = jsondecode(aws_iam_role.events.assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "EventBridgeApprovalRule"
          Effect    = "Allow"
          Principal = { Service = "events.amazonaws.com" }
          Action    = "sts:AssumeRole"
          Condition = {
            StringEquals = { "aws:SourceAccount" = "111111111111" }
            ArnEquals    = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-churn-model-approval" }
          }
        },
      ]
    }
    error_message = "Only EventBridge, for this project's rule in this account, may assume the events role."
  }

  assert {
    condition     = aws_iam_role.events.permissions_boundary == "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"
    error_message = "The events role carries the boundary."
  }

  assert {
    condition     = aws_iam_role_policies_exclusive.events.policy_names == toset(["permissions"]) && length(aws_iam_role_policy_attachments_exclusive.events.policy_arns) == 0
    error_message = "The events role has exactly its one inline policy and no managed policy."
  }

  # --- dead_letters_are_encrypted_and_only_from_the_rule
  assert {
    condition     = aws_sqs_queue.dead_letters.kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/99999999-8888-7777-6666-555555555555" && aws_sqs_queue.dead_letters.message_retention_seconds == 1209600
    error_message = "The dead-letter queue is encrypted with the project's events key and keeps messages 14 days."
  }

  assert {
    condition = jsondecode(aws_sqs_queue.dead_letters.policy).Statement[0] == {
      Sid       = "ApprovalRuleDeadLetters"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-churn-approval-dlq"
      Condition = { ArnEquals = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-churn-model-approval" } }
    }
    error_message = "Only EventBridge, for this project's rule, may send to the dead-letter queue."
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.dead_letters.policy).Statement[1].Effect == "Deny" && jsondecode(aws_sqs_queue.dead_letters.policy).Statement[1].Condition == { Bool = { "aws:SecureTransport" = "false" } }
    error_message = "The queue refuses requests without TLS."
  }

  # --- events_key_serves_only_the_rule_and_the_connection
  assert {
    condition     = aws_kms_key.events.enable_key_rotation && aws_kms_key.events.tags["EventBridgeApiDestinations"] == "true" && aws_kms_alias.events.name == "alias/mlops-dev-churn-approval-events"
    error_message = "The events key rotates, carries the tag EventBridge requires of a connection key and has the project's alias."
  }

  assert {
    condition = [for s in jsondecode(aws_kms_key.events.policy).Statement : s.Sid] == [
      "KeyAdministration", "ReadOnly", "DeadLettersOfTheApprovalRule", "ConnectionSecret", "ConnectionKeyLookup", "DeadLetterQueueThroughSqs",
    ]
    error_message = "The key policy has exactly the administration, dead-letter, connection and queue-reading statements."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.events.policy).Statement : s if s.Sid == "ReadOnly"]) == {
      Sid       = "ReadOnly"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::111111111111:role/mlops-dev-github-plan"] }
      Action    = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
      Resource  = "*"
    }
    error_message = "The key's readers (the CI plan role) read its metadata only."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.events.policy).Statement : s if s.Sid == "DeadLettersOfTheApprovalRule"]) == {
      Sid       = "DeadLettersOfTheApprovalRule"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "111111111111" }
        ArnEquals    = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-churn-model-approval" }
      }
    }
    error_message = "EventBridge may use the key only for this project's rule."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.events.policy).Statement : s if s.Sid == "ConnectionSecret"]).Condition == {
      StringEquals = { "kms:ViaService" = "secretsmanager.eu-west-1.amazonaws.com" }
      StringLike   = { "kms:EncryptionContext:SecretARN" = "arn:aws:secretsmanager:eu-west-1:111111111111:secret:events!connection/mlops-dev-churn-github/*" }
      ArnLike = { "aws:PrincipalArn" = [
        "arn:aws:iam::111111111111:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations",
        "arn:aws:iam::111111111111:role/mlops-dev-*",
      ] }
    }
    error_message = "The key encrypts this connection's secret only, through Secrets Manager, for EventBridge's service-linked role and the environment roles."
  }

  assert {
    condition     = one([for s in jsondecode(aws_kms_key.events.policy).Statement : s if s.Sid == "KeyAdministration"]).Principal.AWS == ["arn:aws:iam::111111111111:role/mlops-dev-deploy", "arn:aws:iam::111111111111:role/mlops-dev-github-apply"] && length([for a in one([for s in jsondecode(aws_kms_key.events.policy).Statement : s if s.Sid == "KeyAdministration"]).Action : a if contains(["kms:Decrypt", "kms:Encrypt", "kms:CreateGrant", "kms:GenerateDataKey"], a)]) == 0
    error_message = "Administrators manage the key but can not use it or grant it."
  }

  assert {
    condition     = alltrue([for s in jsondecode(aws_kms_key.events.policy).Statement : s.Principal != "*" && try(s.Principal.AWS != "*", true)])
    error_message = "No statement of the key policy has a wildcard principal."
  }

  # --- artifact_bucket_is_vpc_only_with_the_ci_role_exempt
  assert {
    condition     = module.artifact_bucket.bucket_name == "mlops-dev-churn-artifacts-111111111111"
    error_message = "The artifact bucket is <name_prefix>-<project>-artifacts-<account>."
  }

  assert {
    condition     = module.artifact_bucket.sse_algorithm == "aws:kms"
    error_message = "The artifact bucket uses SSE-KMS."
  }

  assert {
    condition     = module.artifact_bucket.logging_target == { target_bucket = "mlops-dev-access-logs-111111111111", target_prefix = "s3/mlops-dev-churn-artifacts-111111111111/" }
    error_message = "The artifact bucket logs to the environment's access-log bucket."
  }

  assert {
    condition = one([for s in jsondecode(module.artifact_bucket.policy_json).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition == {
      StringNotEquals = { "aws:SourceVpce" = ["vpce-0123456789abcdef0"] }
      Bool            = { "aws:PrincipalIsAWSService" = "false" }
      ArnNotLike      = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/mlops-dev-deploy", "arn:aws:iam::111111111111:role/mlops-dev-churn-ci"] }
    }
    error_message = "Only the endpoint, the listed exemptions and the CI role reach the bucket."
  }

  assert {
    condition     = contains([for s in jsondecode(module.artifact_bucket.policy_json).Statement : s.Sid], "DenyInsecureTransport") && contains([for s in jsondecode(module.artifact_bucket.policy_json).Statement : s.Sid], "DenyWrongKmsKey")
    error_message = "The bucket is TLS-only and refuses uploads naming another key."
  }

  # --- ssm_entries
  assert {
    condition = { for k, p in aws_ssm_parameter.project : k => p.name } == {
      "artifact-bucket"             = "/mlops/dev/projects/churn/artifact-bucket"
      "ci-role-arn"                 = "/mlops/dev/projects/churn/ci-role-arn"
      "model-package-group"         = "/mlops/dev/projects/churn/model-package-group"
      "pipeline-name"               = "/mlops/dev/projects/churn/pipeline-name"
      "pipeline-execution-role-arn" = "/mlops/dev/projects/churn/pipeline-execution-role-arn"
      "job-role-arn"                = "/mlops/dev/projects/churn/job-role-arn"
    }
    error_message = "The project's entries live under /<prefix>/<env>/projects/<project>/."
  }

  assert {
    condition     = aws_ssm_parameter.project["pipeline-name"].value == "mlops-dev-churn-build" && aws_ssm_parameter.project["model-package-group"].value == "mlops-dev-churn" && aws_ssm_parameter.project["ci-role-arn"].value == "arn:aws:iam::111111111111:role/mlops-dev-churn-ci"
    error_message = "The entries hold the pipeline name, group name and CI role ARN."
  }

  assert {
    condition     = aws_ssm_parameter.project["pipeline-execution-role-arn"].value == "arn:aws:iam::111111111111:role/mlops-dev-churn-pipeline" && aws_ssm_parameter.project["job-role-arn"].value == "arn:aws:iam::111111111111:role/mlops-dev-churn-pipeline-jobs"
    error_message = "The entries name the project's own pipeline and job roles (run-pipeline runs the project as them)."
  }

  assert {
    condition     = output.ssm_parameter_names["artifact-bucket"] == "/mlops/dev/projects/churn/artifact-bucket"
    error_message = "The SSM names are an output."
  }

  # --- pipeline_failures_reach_the_project_topic_only_through_the_rule
  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.pipeline_events.event_pattern) == {
      source        = ["aws.sagemaker"]
      "detail-type" = ["SageMaker Model Building Pipeline Execution Status Change"]
      detail = {
        currentPipelineExecutionStatus = ["Failed", "Stopped"]
        pipelineArn                    = ["arn:aws:sagemaker:eu-west-1:111111111111:pipeline/mlops-dev-churn-build"]
      }
    }
    error_message = "The rule matches Failed and Stopped executions of this project's pipeline (its exact ARN) only."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.pipeline_events.name == "mlops-dev-churn-pipeline-events" && aws_sns_topic.pipeline_events.name == "mlops-dev-churn-pipeline-events" && aws_sns_topic.pipeline_events.kms_master_key_id == "arn:aws:kms:eu-west-1:111111111111:key/77777777-6666-5555-4444-333333333333"
    error_message = "Rule and topic are <name_prefix>-<project>-pipeline-events; the topic is encrypted with its own key."
  }

  assert {
    condition = jsondecode(aws_sns_topic_policy.pipeline_events.policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "PipelineEventsRuleOfThisAccount"
          Effect    = "Allow"
          Principal = { Service = "events.amazonaws.com" }
          Action    = "sns:Publish"
          Resource  = "arn:aws:sns:eu-west-1:111111111111:mlops-dev-churn-pipeline-events"
          Condition = {
            StringEquals = { "aws:SourceAccount" = "111111111111" }
            ArnEquals    = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-churn-pipeline-events" }
          }
        },
        {
          Sid       = "DenyPublishByAnyoneButTheRule"
          Effect    = "Deny"
          Principal = "*"
          Action    = "sns:Publish"
          Resource  = "arn:aws:sns:eu-west-1:111111111111:mlops-dev-churn-pipeline-events"
          Condition = { ArnNotEquals = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-churn-pipeline-events" } }
        },
        {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = ["sns:Publish", "sns:Subscribe"]
          Resource  = "arn:aws:sns:eu-west-1:111111111111:mlops-dev-churn-pipeline-events"
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        },
      ]
    }
    error_message = "Only this account's pipeline-events rule publishes to the topic; every other publisher and any non-TLS request is denied."
  }

  assert {
    condition     = [for s in jsondecode(aws_kms_key.pipeline_events.policy).Statement : s.Sid] == ["KeyAdministration", "ReadOnly", "PipelineEventsRulePublishesToTheTopic"] && aws_kms_key.pipeline_events.enable_key_rotation && aws_kms_alias.pipeline_events.name == "alias/mlops-dev-churn-pipeline-events"
    error_message = "The topic's key rotates, is administered and read as the events key is, and serves EventBridge only besides."
  }

  assert {
    condition = one([for s in jsondecode(aws_kms_key.pipeline_events.policy).Statement : s if s.Sid == "PipelineEventsRulePublishesToTheTopic"]) == {
      Sid       = "PipelineEventsRulePublishesToTheTopic"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "111111111111" }
        ArnEquals    = { "aws:SourceArn" = "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-churn-pipeline-events" }
      }
    }
    error_message = "EventBridge may use the topic's key for the pipeline-events rule of this account only."
  }

  assert {
    condition = (
      aws_cloudwatch_event_target.pipeline_events.input_transformer[0].input_paths == tomap({
        pipeline  = "$.detail.pipelineArn"
        execution = "$.detail.pipelineExecutionArn"
        name      = "$.detail.pipelineExecutionDisplayName"
        status    = "$.detail.currentPipelineExecutionStatus"
        previous  = "$.detail.previousPipelineExecutionStatus"
        started   = "$.detail.executionStartTime"
        ended     = "$.detail.executionEndTime"
      })
      && startswith(aws_cloudwatch_event_target.pipeline_events.input_transformer[0].input_template, "Pipeline execution <status> (was <previous>) in project churn. Pipeline: <pipeline>. Execution: <execution> (<name>), ")
    )
    error_message = "The message is one readable line naming status, pipeline and execution."
  }
}

run "ci_trust_follows_the_environment_input" {
  command = plan

  variables {
    github_environment_build = "model-build"
  }

  assert {
    condition     = jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/churn-model:environment:model-build"
    error_message = "The sub names github_environment_build."
  }
}

run "retry_policy_follows_the_input" {
  command = plan

  variables {
    dispatch_retry = { maximum_event_age_seconds = 3600, maximum_retry_attempts = 10 }
  }

  assert {
    condition     = aws_cloudwatch_event_target.dispatch.retry_policy[0].maximum_event_age_in_seconds == 3600 && aws_cloudwatch_event_target.dispatch.retry_policy[0].maximum_retry_attempts == 10
    error_message = "dispatch_retry sets the target's retry policy."
  }
}

run "placeholder_is_independent_of_the_inputs" {
  command = plan

  variables {
    project_name = "fraud"
    repository   = { owner = "other-org", name = "fraud-model" }
  }

  assert {
    condition     = nonsensitive(aws_cloudwatch_event_connection.github.auth_parameters[0].api_key[0].value) == "set-out-of-band"
    error_message = "The API key value is a constant: no input reaches it."
  }
}

run "single_target_account" {
  command = plan

  variables {
    target_accounts      = { prod = ["333333333333"] }
    target_role_suffixes = ["model-deploy"]
  }

  assert {
    condition     = jsondecode(aws_sagemaker_model_package_group_policy.this[0].resource_policy).Statement[0].Principal.AWS == ["arn:aws:iam::333333333333:root"] && jsondecode(aws_sagemaker_model_package_group_policy.this[0].resource_policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"] == ["arn:aws:iam::333333333333:role/mlops-prod-model-deploy"]
    error_message = "Principals and roles follow target_accounts and target_role_suffixes."
  }
}

# A stage of several accounts (a list, or an organizational unit resolved by the orchestrator):
# every account's root, narrowed to exactly its stage's roles.
run "several_accounts_per_stage" {
  command = plan

  variables {
    target_accounts      = { staging = ["222222222222"], prod = ["333333333333", "444444444444"] }
    target_role_suffixes = ["model-deploy"]
  }

  assert {
    condition = jsondecode(aws_sagemaker_model_package_group_policy.this[0].resource_policy).Statement[0].Principal.AWS == [
      "arn:aws:iam::333333333333:root", "arn:aws:iam::444444444444:root", "arn:aws:iam::222222222222:root",
      ] && jsondecode(aws_sagemaker_model_package_group_policy.this[0].resource_policy).Statement[0].Condition.ArnEquals["aws:PrincipalArn"] == [
      "arn:aws:iam::333333333333:role/mlops-prod-model-deploy",
      "arn:aws:iam::444444444444:role/mlops-prod-model-deploy",
      "arn:aws:iam::222222222222:role/mlops-staging-model-deploy",
    ]
    error_message = "Every account of a stage is granted, each narrowed to its stage's roles."
  }
}

run "stage_without_accounts" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222"], prod = [] }
  }

  expect_failures = [var.target_accounts]
}

# The project's own pipeline and job roles: boundary and guardrails, trust of SageMaker of this
# account, and exactly the project's prefix, group, keys (through S3 and SageMaker) and network.
run "pipeline_and_job_roles_reach_this_project_only" {
  command = plan

  assert {
    condition = [for r in [aws_iam_role.pipeline, aws_iam_role.job] : [r.name, r.permissions_boundary]] == [
      ["mlops-dev-churn-pipeline", "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"],
      ["mlops-dev-churn-pipeline-jobs", "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary"],
    ]
    error_message = "Both roles are named <name_prefix>-<project>-pipeline and -pipeline-jobs and carry the permission boundary."
  }

  assert {
    condition = (
      aws_iam_role_policy_attachments_exclusive.pipeline.policy_arns == toset(["arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails", "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"]) &&
      aws_iam_role_policy_attachments_exclusive.job.policy_arns == toset(["arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails", "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"]) &&
      aws_iam_role_policies_exclusive.pipeline.policy_names == toset(["permissions"]) &&
      aws_iam_role_policies_exclusive.job.policy_names == toset(["permissions"])
    )
    error_message = "Both roles carry the guardrails and instance-types policies and their one inline policy, nothing else."
  }

  assert {
    condition = [for r in [aws_iam_role.pipeline, aws_iam_role.job] : jsondecode(r.assume_role_policy)] == [for i in [1, 2] : {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "AssumedBySageMakerOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "sagemaker.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = "111111111111" } }
      }]
    }]
    error_message = "Only SageMaker of this account assumes the pipeline and job roles."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.pipeline.policy).Statement == [
      {
        Sid       = "CreateIsolatedJobs"
        Effect    = "Allow"
        Action    = ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob"]
        Resource  = ["arn:aws:sagemaker:eu-west-1:111111111111:processing-job/*", "arn:aws:sagemaker:eu-west-1:111111111111:training-job/*"]
        Condition = { Bool = { "sagemaker:NetworkIsolation" = "true" } }
      },
      {
        Sid       = "TagJobsAtCreation"
        Effect    = "Allow"
        Action    = "sagemaker:AddTags"
        Resource  = ["arn:aws:sagemaker:eu-west-1:111111111111:processing-job/*", "arn:aws:sagemaker:eu-west-1:111111111111:training-job/*"]
        Condition = { StringEquals = { "sagemaker:TaggingAction" = ["CreateProcessingJob", "CreateTrainingJob"] } }
      },
      {
        Sid      = "FollowJobs"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeProcessingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopProcessingJob", "sagemaker:StopTrainingJob"]
        Resource = ["arn:aws:sagemaker:eu-west-1:111111111111:processing-job/*", "arn:aws:sagemaker:eu-west-1:111111111111:training-job/*"]
      },
      {
        Sid       = "RegisterInProjectGroup"
        Effect    = "Allow"
        Action    = "sagemaker:CreateModelPackage"
        Resource  = ["arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-churn", "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/*"]
        Condition = { StringEquals = { "sagemaker:ModelApprovalStatus" = "PendingManualApproval" } }
      },
      {
        Sid      = "ReadProjectGroup"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup"]
        Resource = ["arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-churn", "arn:aws:sagemaker:eu-west-1:111111111111:model-package/mlops-dev-churn/*"]
      },
      {
        Sid       = "PassProjectJobRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "arn:aws:iam::111111111111:role/mlops-dev-churn-pipeline-jobs"
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.amazonaws.com" } }
      },
      {
        Sid       = "ListProjectPrefix"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = ["arn:aws:s3:::mlops-dev-data-111111111111", "arn:aws:s3:::mlops-dev-models-111111111111"]
        Condition = { StringLike = { "s3:prefix" = "churn/*" } }
      },
      {
        Sid      = "ReadProjectObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = ["arn:aws:s3:::mlops-dev-data-111111111111/churn/*", "arn:aws:s3:::mlops-dev-models-111111111111/churn/*"]
      },
      {
        Sid       = "DataKeyThroughS3"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      },
      {
        Sid    = "JobKeyGrantsThroughSageMaker"
        Effect = "Allow"
        Action = "kms:CreateGrant"
        Condition = {
          StringEquals = { "kms:ViaService" = "sagemaker.eu-west-1.amazonaws.com" }
          Bool         = { "kms:GrantIsForAWSResource" = "true" }
        }
        Resource = ["arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555", "arn:aws:kms:eu-west-1:111111111111:key/66666666-7777-8888-9999-000000000000"]
      },
      {
        Sid       = "JobKeysDescribedThroughSageMaker"
        Effect    = "Allow"
        Action    = "kms:DescribeKey"
        Condition = { StringEquals = { "kms:ViaService" = "sagemaker.eu-west-1.amazonaws.com" } }
        Resource  = ["arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555", "arn:aws:kms:eu-west-1:111111111111:key/66666666-7777-8888-9999-000000000000"]
      },
    ]
    error_message = "The pipeline role creates isolated processing and training jobs, registers pending approval into its own group, passes its own job role, reads its own prefix and uses the keys through S3 and SageMaker only."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.job.policy).Statement == [
      {
        Sid       = "ListProjectPrefix"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = ["arn:aws:s3:::mlops-dev-data-111111111111", "arn:aws:s3:::mlops-dev-models-111111111111"]
        Condition = { StringLike = { "s3:prefix" = "churn/*" } }
      },
      {
        Sid      = "ReadProjectObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = ["arn:aws:s3:::mlops-dev-data-111111111111/churn/*", "arn:aws:s3:::mlops-dev-models-111111111111/churn/*"]
      },
      {
        Sid      = "WriteProjectObjects"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"]
        Resource = ["arn:aws:s3:::mlops-dev-data-111111111111/churn/*", "arn:aws:s3:::mlops-dev-models-111111111111/churn/*"]
      },
      {
        Sid       = "DataKeyThroughS3"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      },
      {
        Sid       = "JobKeysThroughSageMaker"
        Effect    = "Allow"
        Action    = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
        Resource  = ["arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555", "arn:aws:kms:eu-west-1:111111111111:key/66666666-7777-8888-9999-000000000000"]
        Condition = { StringEquals = { "kms:ViaService" = "sagemaker.eu-west-1.amazonaws.com" } }
      },
      {
        Sid      = "JobLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = "arn:aws:logs:eu-west-1:111111111111:log-group:/aws/sagemaker/*"
      },
      {
        Sid       = "JobMetrics"
        Effect    = "Allow"
        Action    = "cloudwatch:PutMetricData"
        Resource  = "*"
        Condition = { StringLike = { "cloudwatch:namespace" = ["/aws/sagemaker/*", "aws/sagemaker/*"] } }
      },
      {
        Sid      = "PullImagesOfThisAccount"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = "arn:aws:ecr:eu-west-1:111111111111:repository/*"
      },
      {
        Sid       = "VpcAndRegistryLookups"
        Effect    = "Allow"
        Action    = ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ecr:GetAuthorizationToken"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }
      },
      {
        Sid    = "JobNetworkInterfaces"
        Effect = "Allow"
        Action = "ec2:CreateNetworkInterface"
        Resource = [
          "arn:aws:ec2:eu-west-1:111111111111:network-interface/*",
          "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0aaaaaaaaaaaaaaaa",
          "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0bbbbbbbbbbbbbbbb",
          "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-0cccccccccccccccc",
        ]
      },
      {
        Sid       = "JobNetworkInterfacesManage"
        Effect    = "Allow"
        Action    = ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"]
        Resource  = "arn:aws:ec2:eu-west-1:111111111111:network-interface/*"
        Condition = { ArnEquals = { "ec2:Subnet" = ["arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0aaaaaaaaaaaaaaaa", "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-0bbbbbbbbbbbbbbbb"] } }
      },
    ]
    error_message = "The job role reads and writes its project's prefix only, uses the keys through S3 and SageMaker only, writes SageMaker logs and metrics, pulls this account's images and manages network interfaces in the environment's subnets only."
  }

  # No statement of either role names another project's prefix, another group or any role but
  # the project's own job role.
  assert {
    condition = alltrue([
      for s in concat(jsondecode(aws_iam_role_policy.pipeline.policy).Statement, jsondecode(aws_iam_role_policy.job.policy).Statement) :
      alltrue([for r in flatten([s.Resource]) : !startswith(r, "arn:aws:s3:::") || strcontains(r, "/churn/") || !strcontains(r, "/")])
    ])
    error_message = "Every object ARN of the pipeline and job roles is under <bucket>/churn/."
  }
}

run "registry_from_the_template" {
  command = plan

  variables {
    model_package_group_from_template = true
  }

  assert {
    condition     = length(aws_sagemaker_model_package_group.this) == 0 && length(aws_sagemaker_model_package_group_policy.this) == 0
    error_message = "A project launched from the S3 template keeps the group its stack created: no group or group policy here."
  }

  assert {
    condition     = output.model_package_group_name == "mlops-dev-churn" && output.model_package_group_arn == "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-churn"
    error_message = "The group is still <name_prefix>-<project> (the template's name), as outputs."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.approval.event_pattern).detail.ModelPackageGroupName == ["mlops-dev-churn"] && aws_cloudwatch_event_target.dispatch.arn != null
    error_message = "The approval trigger matches the template's group by name and dispatches to the repository."
  }
}

# The environment's package repository: the CI role resolves the jobs' packages (packages.tf).
run "ci_role_reads_the_package_repository_and_nothing_else_changes" {
  command = plan

  variables {
    package_repositories = [{
      domain_arn     = "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages"
      repository_arn = "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/curated"
    }]
  }

  assert {
    condition = [for s in jsondecode(output.policy_documents["ci"]).Statement : [s.Sid, s.Action, s.Resource] if strcontains(jsonencode(s.Action), "codeartifact") || strcontains(jsonencode(s.Action), "BearerToken")] == [
      ["JobPackagesToken", "codeartifact:GetAuthorizationToken", "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages"],
      ["JobPackagesRead", ["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"], "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/curated"],
      ["JobPackagesBearerToken", "sts:GetServiceBearerToken", "*"],
    ]
    error_message = "The CI role gets a token for the domain, reads the curated repository and nothing else of CodeArtifact."
  }

  assert {
    condition     = one([for s in jsondecode(output.policy_documents["ci"]).Statement : s.Condition if s.Sid == "JobPackagesBearerToken"]) == { StringEquals = { "sts:AWSServiceName" = "codeartifact.amazonaws.com" } }
    error_message = "Bearer tokens for CodeArtifact only."
  }

  assert {
    condition     = alltrue([for doc in ["pipeline", "job"] : !strcontains(output.policy_documents[doc], "codeartifact") && !strcontains(output.policy_documents[doc], "BearerToken")])
    error_message = "The pipeline and job roles get nothing of CodeArtifact: the jobs read the wheels from the project's prefix."
  }

  assert {
    condition     = length(jsonencode(jsondecode(output.policy_documents["ci"]))) <= 10240
    error_message = "The CI role's inline policy stays within IAM's 10,240 characters."
  }
}

run "without_a_package_repository_the_ci_role_has_no_codeartifact" {
  command = plan

  assert {
    condition     = !strcontains(output.policy_documents["ci"], "codeartifact") && !strcontains(output.policy_documents["ci"], "BearerToken")
    error_message = "Without a package repository the CI role has no CodeArtifact statement."
  }
}

run "a_package_repository_of_another_domain_is_refused" {
  command = plan

  variables {
    package_repositories = [{
      domain_arn     = "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages"
      repository_arn = "arn:aws:codeartifact:eu-west-1:111111111111:repository/other-domain/curated"
    }]
  }

  expect_failures = [var.package_repositories]
}
