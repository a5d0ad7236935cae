"""Module rules and the env.yaml schema stay in step.

Every `validation {}` block of modules/*/variables.tf and every `precondition` of modules/*/*.tf is
named here, with the product rule that refuses the same bad value before any Terraform or AWS call
(its twin), or with the reason no env.yaml value can reach it. A module that gains a rule fails
this test until the rule is named here (and, if a configured value reaches it, twinned in
orchestrator/config/).
"""

from __future__ import annotations

import importlib
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import hcl2.api

from orchestrator import paths

# Reasons why no env.yaml value reaches a rule.
COMPUTED = "the stack passes another module's output or a value of the SSM contract (ids, ARNs and names of resources the platform creates)"
CONSTANT = "the stack passes a constant, or nothing (the module's default)"
THIS_ACCOUNT = (
    "an ARN the stack builds in the caller's own account, partition and region (data sources), never from env.yaml"
)
NO_TAGS = "the stacks pass no module tags; env.yaml tags reach resources as the provider's default_tags (fields.TagKey/TagValue, semantic._tag_problems)"
SIZE = "a rendered document's size: it grows with names (bounded by fields.SHORT_NAME and derived_names) and with subnets and buckets the stacks compute (az_count at most 4)"
INNER = "set by the modules that use s3-bucket (storage, model-hosting, project-templates, mlops-project) from their own validated inputs"
PUBLISHED = "published Service Catalog versions are repository files (templates/), not env.yaml values"
STAGE = "the hosting stack passes name_prefix <prefix>-<env> and stage <env>: it always holds"
NAME_PREFIX = "the stack builds both values from <prefix>-<env>: it always holds"
DEPLOY_ROLE = "the stack always includes the deploy role (deploy_role_arn or its default)"
SOURCE_ALIAS = "the hosting stack builds the alias from model_source.account_id and its own region: it always holds"
MONITOR_IMAGE = "the hosting stack builds the repository ARN from its own region and envs/stacks/hosting/model_monitor_registries.json (its contract's precondition names a region without a registry)"
SCHEDULE_ROLE = "fields.SHORT_NAME prefix and env (at most 10 each) and PROJECT_NAME (at most 32) make <prefix>-<env>-<project>-schedule at most 63 characters: it always fits"
WAVES = "the projects stack plans target_waves from the same target_accounts (orchestrator/accounts/deploy_targets.py, waves.py): it always holds"
TEMPLATE_SIZE = "grows with the stages' accounts, an OU's known only at plan time: the plan names the template's size and EventBridge's 8192"
REASONS = (
    WAVES,
    TEMPLATE_SIZE,
    COMPUTED,
    CONSTANT,
    THIS_ACCOUNT,
    NO_TAGS,
    SIZE,
    INNER,
    PUBLISHED,
    STAGE,
    NAME_PREFIX,
    DEPLOY_ROLE,
    SOURCE_ALIAS,
    MONITOR_IMAGE,
    SCHEDULE_ROLE,
)

# "<module>/<variable or resource>: <error message without interpolations, first 72 characters>"
# -> the product rule(s) twinning it ("a + b"), or a reason above.
TWINS: dict[str, str] = {
    "identity/var.package_repositories: package_repositories holds at most one repository (the environment's); g": COMPUTED,
    "identity/var.package_repositories: package_repositories entries must be a CodeArtifact domain ARN, a reposi": COMPUTED,
    "package-repository/var.name_prefix: name_prefix must be 3-32 characters of lowercase letters, digits and hyp": "orchestrator.config.fields.SHORT_NAME",
    "package-repository/var.encryption_key_arn: encryption_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<": COMPUTED,
    "package-repository/var.reader_role_arn_patterns: reader_role_arn_patterns must hold at least one IAM role ARN pattern arn": THIS_ACCOUNT,
    "package-repository/var.publisher_role_arns: publisher_role_arns must hold at least one exact IAM role ARN (no wildca": DEPLOY_ROLE,
    'package-repository/var.tags: tags keys must be 1-128 characters not starting with "aws:", values at m': NO_TAGS,
    "sagemaker-studio/var.package_index: package_index must name a CodeArtifact domain (2-50 of a-z, 0-9, -), its": COMPUTED,
    "detective-controls/var.name_prefix: name_prefix must be 3-32 lowercase letters, digits and single hyphens, s": "orchestrator.config.fields.SHORT_NAME",
    "detective-controls/var.administrator_arns: administrator_arns must list at least one exact IAM role or user ARN (no": "orchestrator.config.fields.principal_arn_problem",
    "detective-controls/var.read_only_arns: read_only_arns entries must be exact IAM role or user ARNs (no wildcards": THIS_ACCOUNT,
    "detective-controls/var.log_reader_arn_patterns: log_reader_arn_patterns entries must be IAM role/user ARN patterns whose": "orchestrator.config.detective.DetectiveControlsConfig.log_readers",
    "detective-controls/var.kms_deletion_window_days: kms_deletion_window_days must be a whole number between 7 and 30; got ….": "orchestrator.config.schema.KmsConfig.deletion_window_days",
    "detective-controls/var.kms_rotation_period_days: kms_rotation_period_days must be a whole number between 90 and 2560; got": "orchestrator.config.schema.KmsConfig.rotation_period_days",
    "detective-controls/var.log_retention_days: log_retention_days must be a whole number between 365 and 3650 (a year o": "orchestrator.config.detective.DetectiveControlsConfig.log_retention_days",
    "detective-controls/var.access_log_retention_days: access_log_retention_days must be a whole number between 90 and 3650; go": CONSTANT,
    'detective-controls/var.minimum_severity: minimum_severity must be LOW, MEDIUM, HIGH or CRITICAL; got "…".': "orchestrator.config.detective.DetectiveControlsConfig.minimum_severity",
    "detective-controls/var.subscriptions: subscriptions must hold at most 10 entries, each protocol and endpoint o": "orchestrator.config.detective.DetectiveControlsConfig.subscriptions",
    'detective-controls/var.subscriptions: subscriptions entries must be { protocol = "email", endpoint = <address>': "orchestrator.config.detective.Subscription.endpoint",
    "detective-controls/var.config_snapshot_frequency: config_snapshot_frequency must be One_Hour, Three_Hours, Six_Hours, Twel": CONSTANT,
    "detective-controls/var.guardduty_finding_publishing_frequency: guardduty_finding_publishing_frequency must be FIFTEEN_MINUTES, ONE_HOUR": CONSTANT,
    'detective-controls/var.tags: tags keys must be 1-128 characters not starting with "aws:", values at m': NO_TAGS,
    "kms/var.keys: keys[*].service_principals entries need a PascalCase sid (at most 64 let": CONSTANT,
    "kms/var.keys: keys[*].service_principals[*].conditions must hold at least one aws:Sour": CONSTANT,
    "kms/var.keys: keys[*].service_principals sids must be unique per key and must not reus": CONSTANT,
    "ci-role-names/var.name_prefix: name_prefix must be 3-32 characters of lowercase letters, digits and hyp": "orchestrator.config.fields.SHORT_NAME",
    "ci-role-names/var.partition: partition must be an AWS partition name (aws, aws-cn, aws-us-gov, ...);": THIS_ACCOUNT,
    'ci-role-names/var.account_id: account_id must be 12 digits; got "…".': THIS_ACCOUNT,
    "ci-role-names/var.project_names: project_names entries must be 2-32 characters of lowercase letters, digi": "orchestrator.config.fields.PROJECT_NAME",
    "github-oidc/aws_iam_policy.ci_boundary: state_key_arn, lock_table_arn, workload_boundary_policy_arn, existing_oi": "orchestrator.config.semantic._account_problems",
    "github-oidc/aws_iam_policy.ci_boundary: protected_role_arns and protected_policy_arns must not list the CI roles": "orchestrator.config.semantic._account_problems",
    "github-oidc/aws_iam_policy.ci_boundary: The CI boundary policy is … characters; IAM allows 6144 for a managed po": SIZE,
    "github-oidc/aws_iam_role_policy.ci: The apply role's inline policies total … characters; IAM allows 10240 pe": SIZE,
    "github-oidc/var.name_prefix: name_prefix must be 3-21 characters (the longest <prefix>-<environment>": "orchestrator.config.fields.SHORT_NAME",
    "github-oidc/var.repository: repository.owner and repository.name must each be non-empty letters, dig": "orchestrator.config.fields._repository",
    'github-oidc/var.repository: repository.owner and repository.name must not be "." or ".."; got ….': "orchestrator.config.fields._repository",
    "github-oidc/var.github_environment: github_environment must be 1-255 characters of letters, digits, '_', '.'": "orchestrator.config.fields.SHORT_NAME",
    "github-oidc/var.plan_branch: plan_branch must be one branch name: letters, digits, '_', '.', '/' and": "orchestrator.config.fields._branch",
    "github-oidc/var.apply_branch: apply_branch must be one branch name: letters, digits, '_', '.', '/' and": "orchestrator.config.fields._branch",
    "github-oidc/var.create_oidc_provider: create_oidc_provider must be true or false, not null.": "orchestrator.config.schema.GithubConfig.create_oidc_provider",
    "github-oidc/var.existing_oidc_provider_arn: existing_oidc_provider_arn must be null when create_oidc_provider is tru": "orchestrator.config.fields.OIDC_PROVIDER_ARN + orchestrator.config.semantic._account_problems",
    "github-oidc/var.oidc_thumbprints: oidc_thumbprints must contain 1 to 5 distinct thumbprints; got … entries": CONSTANT,
    "github-oidc/var.oidc_thumbprints: oidc_thumbprints entries must be 40 hexadecimal characters (regex ^[0-9a": CONSTANT,
    "github-oidc/var.state_bucket_arn: state_bucket_arn must be a bucket ARN arn:<partition>:s3:::<bucket name>": "orchestrator.config.aws_rules.bucket_name_problem",
    "github-oidc/var.state_key_arn: state_key_arn must be a KMS key ARN arn:<partition>:kms:<region>:<12-dig": COMPUTED,
    "github-oidc/var.lock_table_arn: lock_table_arn must be a DynamoDB table ARN arn:<partition>:dynamodb:<re": COMPUTED,
    "github-oidc/var.workload_boundary_policy_arn: workload_boundary_policy_arn must be a customer-managed policy ARN arn:<": THIS_ACCOUNT,
    "github-oidc/var.additional_boundary_policy_arns: additional_boundary_policy_arns entries must be customer-managed policy": THIS_ACCOUNT,
    "github-oidc/var.ssm_parameter_prefix: ssm_parameter_prefix must be an absolute SSM path of 1-14 levels and at": "orchestrator.config.fields.SHORT_NAME",
    "github-oidc/var.ssm_parameter_prefix: ssm_parameter_prefix must not start with /aws or /ssm (reserved by AWS);": "orchestrator.config.aws_rules.ssm_path_problem",
    "github-oidc/var.plan_readable_object_arns: plan_readable_object_arns entries must be S3 object ARN patterns arn:<pa": "orchestrator.config.aws_rules.bucket_name_problem",
    "github-oidc/var.protected_role_arns: protected_role_arns entries must be exact role ARNs arn:<partition>:iam:": "orchestrator.config.fields.RoleArn",
    "github-oidc/var.organizations_read_role_arn: organizations_read_role_arn must be null or one exact role ARN arn:<part": "orchestrator.config.fields.RoleArn",
    "github-oidc/var.protected_policy_arns: protected_policy_arns entries must be exact customer-managed policy ARNs": THIS_ACCOUNT,
    "github-oidc/var.max_session_duration: max_session_duration must be 3600: IAM's minimum for a role is 3600 seco": CONSTANT,
    'github-oidc/var.tags: tags keys must be 1-128 characters and must not start with "aws:", value': NO_TAGS,
    "identity/aws_iam_policy.boundary: kms_key_arns must name keys in this region (…); SageMaker can only use k": COMPUTED,
    "identity/aws_iam_policy.boundary: ssm_parameter_arn_prefix must be in this account and region (arn:…:ssm:…": THIS_ACCOUNT,
    "identity/aws_iam_policy.boundary: existing_role_arns must name roles of this account (…): they are passed": "orchestrator.config.semantic._account_problems",
    "identity/aws_iam_policy.boundary: A rendered role policy exceeds IAM's 10240-character limit for the inlin": SIZE,
    "identity/aws_iam_policy.boundary: The rendered permission boundary is … characters; IAM allows at most 614": SIZE,
    "identity/aws_iam_policy.guardrails: The rendered guardrails policy is … characters; IAM allows at most 6144": SIZE,
    "identity/aws_iam_policy.instance_types: The rendered instance-types policy is … characters; IAM allows at most 6": "orchestrator.config.schema.InstanceTypesConfig",
    "identity/var.instance_types: The variable instance_types must list at least one instance type for eve": "orchestrator.config.schema.InstanceTypesConfig",
    "identity/var.instance_types: The variable instance_types must hold SageMaker instance types ml.<famil": "orchestrator.config.fields._studio_instance_type",
    "identity/var.instance_types: The variable instance_types must list each instance type once per use; r": "orchestrator.config.semantic._instance_type_problems",
    "identity/var.teams: The variable teams must use team names of 2-20 lowercase letters or digi": "orchestrator.config.teams.TEAM_NAME",
    'identity/var.teams: The variable teams must give each team execution_role "per_team" or "per': "orchestrator.config.teams.TeamConfig.execution_role",
    "identity/var.teams: The variable teams must give each team 1 or more data_prefixes of lowerc": "orchestrator.config.teams.DATA_PREFIX + orchestrator.config.teams._data_prefix",
    "identity/var.teams: The variable teams must name each team's projects once, as project names": "orchestrator.config.fields.PROJECT_NAME + orchestrator.config.teams.TeamConfig._once_each",
    "identity/var.teams: The variable teams must give every user and every project to one team on": "orchestrator.config.teams._user_problems + orchestrator.config.teams._project_problems",
    "identity/var.teams: The variable teams must map Studio user profile names to a persona (data": "orchestrator.config.fields.USER_PROFILE_NAME + orchestrator.config.fields.PERSONAS",
    "identity/var.team_bucket_arns: The variable team_bucket_arns must name two buckets of bucket_arns (data": COMPUTED,
    "identity/aws_iam_role.team: team_bucket_arns (the data and models buckets) is required with teams.": COMPUTED,
    "identity/aws_iam_role_policy.team: The rendered policy of … is … characters; IAM allows 10240 for a role's": SIZE,
    "identity/aws_iam_role.team: The trust policy of … is … characters; IAM allows 2048 by default. Give": "orchestrator.config.team_personas.trust_size_problems",
    "identity/aws_iam_role.this: The trust policy of … is … characters; IAM allows 2048 by default. With": "orchestrator.config.team_personas.trust_size_problems",
    "model-hosting/var.endpoint_instance_types: endpoint_instance_types must list at least one SageMaker instance type m": "orchestrator.config.fields._instance_type",
    "identity/var.name_prefix: The variable name_prefix must be 3-32 characters of lower-case letters,": "orchestrator.config.fields.SHORT_NAME",
    "identity/var.prefix: The variable prefix must be 2-22 characters of lower-case letters, digit": "orchestrator.config.fields.SHORT_NAME",
    "identity/var.prefix: The variable prefix must be the leading part of name_prefix: name_prefix": NAME_PREFIX,
    "identity/var.tags: The variable tags must have keys of 1-128 characters that do not start w": NO_TAGS,
    "identity/var.bucket_arns: The variable bucket_arns must contain at least one bucket ARN of the for": COMPUTED,
    "identity/var.bucket_arns: The variable bucket_arns must contain only bucket ARNs of the form arn:<": COMPUTED,
    "identity/var.bucket_arns: The variable bucket_arns must not contain duplicate ARNs.": COMPUTED,
    "identity/var.read_only_bucket_arns: The variable read_only_bucket_arns must only contain ARNs that are also": COMPUTED,
    "identity/var.read_only_bucket_arns: The variable read_only_bucket_arns must leave at least one entry of buck": COMPUTED,
    "identity/var.model_artifact_bucket_arns: The variable model_artifact_bucket_arns must only contain ARNs that are": COMPUTED,
    "identity/var.aws_service_bucket_arns: The variable aws_service_bucket_arns must contain only bucket ARNs of th": COMPUTED,
    "identity/var.aws_service_bucket_arns: The variable aws_service_bucket_arns must not contain duplicates nor any": COMPUTED,
    'identity/var.kms_key_arns: The variable kms_key_arns must contain the purposes "data", "ebs" and "s': COMPUTED,
    "identity/var.kms_key_arns: The variable kms_key_arns must use purpose names matching ^[a-z][a-z0-9-": COMPUTED,
    "identity/var.kms_key_arns: The variable kms_key_arns must map every purpose to a KMS key ARN of the": COMPUTED,
    "identity/var.ssm_parameter_arn_prefix: The variable ssm_parameter_arn_prefix must be an SSM parameter path ARN": "orchestrator.config.aws_rules.ssm_path_problem",
    "identity/var.subnet_ids: The variable subnet_ids must contain 1-16 subnet ids (the SageMaker VpcC": COMPUTED,
    "identity/var.subnet_ids: The variable subnet_ids must contain only subnet ids of the form subnet-": COMPUTED,
    "identity/var.security_group_ids: The variable security_group_ids must contain 1-5 security group ids (the": COMPUTED,
    "identity/var.security_group_ids: The variable security_group_ids must contain only security group ids of": COMPUTED,
    "identity/var.persona_principals: The variable persona_principals must contain only exact IAM role or user": "orchestrator.config.fields.principal_arn_problem",
    "identity/var.persona_principals: The variable persona_principals must not list the same principal twice f": "orchestrator.config.semantic._persona_problems",
    "identity/var.existing_role_arns: The variable existing_role_arns must map each set key to an exact IAM ro": "orchestrator.config.fields.RoleArn + orchestrator.config.fields.RoleName",
    "identity/var.studio_domain_id: The variable studio_domain_id must be null or a SageMaker domain id of t": CONSTANT,
    "identity/var.studio_user_profile_tag_key: The variable studio_user_profile_tag_key must be a tag key of 1-128 char": CONSTANT,
    "identity/var.project_resource_prefix: The variable project_resource_prefix must be null or 4-42 characters of": CONSTANT,
    'identity/var.project_resource_prefix: The variable project_resource_prefix must start with "<name_prefix>-" ("': CONSTANT,
    'identity/var.project_resource_prefix: The variable project_resource_prefix (default "<name_prefix>-project-")': CONSTANT,
    "identity/var.target_account_ids: The variable target_account_ids must use stage names matching ^[a-z][a-z": "orchestrator.config.fields.SHORT_NAME + orchestrator.config.fields.ACCOUNT_ID",
    "identity/var.target_account_ids: The variable target_account_ids must map every stage to a 12-digit accou": "orchestrator.config.fields.SHORT_NAME + orchestrator.config.fields.ACCOUNT_ID",
    "kms/aws_kms_key.this: user_arn_patterns must only name principals of this account (…); foreign": THIS_ACCOUNT,
    "kms/var.name_prefix: name_prefix must be 3-32 characters of lowercase letters, digits and hyp": "orchestrator.config.fields.SHORT_NAME",
    "kms/var.keys: keys must contain at least one entry (purpose => { description = ... }).": CONSTANT,
    "kms/var.keys: Every key of keys (the purpose name) must match ^[a-z][a-z0-9-]{0,30}$ (": CONSTANT,
    "kms/var.keys: keys[*].description must be a non-empty string of at most 8192 character": CONSTANT,
    'kms/var.keys: keys[*].via_services entries must be AWS service short names such as "s3': CONSTANT,
    "kms/var.keys: keys[*].cross_account_s3_decrypt_role_arns must contain exact IAM role A": "orchestrator.config.fields.ACCOUNT_ID + orchestrator.config.fields.PROJECT_NAME",
    "kms/var.keys: keys[*].via_services must not contain duplicates; offending purposes: ….": CONSTANT,
    "kms/var.administrator_arns: administrator_arns must contain at least one IAM role or user ARN.": DEPLOY_ROLE,
    "kms/var.administrator_arns: administrator_arns entries must be exact IAM role or user ARNs without w": "orchestrator.config.fields.principal_arn_problem",
    "kms/var.user_arn_patterns: user_arn_patterns entries must be IAM role/user ARN patterns of the form": THIS_ACCOUNT,
    "kms/var.read_only_arns: read_only_arns entries must be exact IAM role or user ARNs without wildc": THIS_ACCOUNT,
    "kms/var.deletion_window_in_days: deletion_window_in_days must be a whole number between 7 and 30; got ….": "orchestrator.config.schema.KmsConfig.deletion_window_days",
    "kms/var.rotation_period_in_days: rotation_period_in_days must be a whole number between 90 and 2560; got": "orchestrator.config.schema.KmsConfig.rotation_period_days",
    'kms/var.tags: tags keys must be 1-128 characters and must not start with "aws:", value': NO_TAGS,
    "mlops-project/aws_sagemaker_model_package_group_policy.this: target_accounts must be other accounts than this one (…); stages naming": "orchestrator.config.target_rules.target_account_problems",
    "mlops-project/aws_iam_role.ci: oidc_provider_arn, permissions_boundary_arn, guardrails_policy_arn, inst": "orchestrator.config.semantic._account_problems",
    "mlops-project/aws_iam_role.ci: oidc_provider_arn (…) must be this account's GitHub provider, ….": "orchestrator.config.semantic._account_problems",
    "mlops-project/var.name_prefix: name_prefix must be 3-32 characters of lowercase letters, digits and hyp": "orchestrator.config.fields.SHORT_NAME",
    "mlops-project/var.prefix: prefix must be 2-30 characters of lowercase letters, digits and hyphens": "orchestrator.config.fields.SHORT_NAME",
    "mlops-project/var.project_name: project_name must be 2-32 characters of lowercase letters, digits and si": "orchestrator.config.fields.PROJECT_NAME + orchestrator.config.derived_names._project_rules",
    'mlops-project/var.project_name: project_name "…" is too long for name_prefix "…": together they may have': "orchestrator.config.derived_names.PROJECT_PREFIX_MAX",
    'mlops-project/var.project_name: project_name must not be "project" nor start with "project-": <name_pref': "orchestrator.config.derived_names._project_rules",
    "mlops-project/var.repository: repository.owner and repository.name must each be non-empty letters, dig": "orchestrator.config.fields._repository",
    'mlops-project/var.repository: repository.owner and repository.name must not be "." or ".."; got ….': "orchestrator.config.fields._repository",
    "mlops-project/var.github_environment_build: github_environment_build must be 1-255 characters of letters, digits, '_": CONSTANT,
    "mlops-project/var.oidc_provider_arn: oidc_provider_arn must be arn:<partition>:iam::<12-digit account>:oidc-p": "orchestrator.config.fields.OIDC_PROVIDER_ARN",
    "mlops-project/var.target_accounts: target_accounts must name at least one deployment account (stage => 12-d": "orchestrator.config.semantic._kind_problems + orchestrator.config.target_rules.target_account_problems",
    "mlops-project/var.target_accounts: target_accounts keys must be stage names of 2-16 lowercase letters, digi": "orchestrator.config.fields.SHORT_NAME + orchestrator.config.fields.ACCOUNT_ID",
    "mlops-project/var.target_waves: target_waves must map stage names (regex ^[a-z][a-z0-9-]{0,14}[a-z0-9]$)": "orchestrator.config.fields.SHORT_NAME + orchestrator.config.fields.ACCOUNT_ID + orchestrator.config.stage_targets.WavesConfig.batch_size",
    "mlops-project/var.target_waves: target_waves must plan exactly the stages and accounts of target_account": WAVES,
    "mlops-project/aws_cloudwatch_event_target.dispatch: The model-approval dispatch's input template is … characters (client_pay": TEMPLATE_SIZE,
    "mlops-project/var.target_role_suffixes: target_role_suffixes must be a non-empty list of distinct role-name suff": "orchestrator.config.fields.PROJECT_NAME",
    "mlops-project/var.target_role_suffixes: target_role_suffixes must give role names <prefix>-<stage>-<suffix> of a": "orchestrator.config.derived_names._project_names",
    "mlops-project/var.kms_key_arn: kms_key_arn must be a KMS key ARN arn:<partition>:kms:<region>:<12-digit": COMPUTED,
    "mlops-project/var.access_log_bucket_name: access_log_bucket_name must be an S3 bucket name of 3-63 lowercase lette": "orchestrator.config.aws_rules.bucket_name_problem",
    "mlops-project/var.models_bucket_name: models_bucket_name must be an S3 bucket name of 3-63 lowercase letters,": "orchestrator.config.aws_rules.bucket_name_problem",
    "mlops-project/var.allowed_vpc_endpoint_ids: allowed_vpc_endpoint_ids must be a non-empty list of ids matching ^vpce-": COMPUTED,
    "mlops-project/var.vpce_exempt_principal_arns: vpce_exempt_principal_arns entries must be exact role ARNs arn:<partitio": "orchestrator.config.fields.RoleArn",
    "mlops-project/aws_iam_role_policy.ci: The CI role's inline policy is … characters; IAM allows 10240 for a role": SIZE,
    "mlops-project/var.package_repositories: package_repositories holds at most one repository (the environment's); g": COMPUTED,
    "mlops-project/var.package_repositories: package_repositories entries must be a CodeArtifact domain ARN and the A": COMPUTED,
    "mlops-project/var.permissions_boundary_arn: permissions_boundary_arn must be a customer-managed policy ARN arn:<part": COMPUTED,
    "mlops-project/var.guardrails_policy_arn: guardrails_policy_arn must be a customer-managed policy ARN arn:<partiti": COMPUTED,
    "mlops-project/var.instance_types_policy_arn: instance_types_policy_arn must be a customer-managed policy ARN arn:<par": COMPUTED,
    "mlops-project/var.data_bucket_name: data_bucket_name must be an S3 bucket name of 3-63 lowercase letters, di": "orchestrator.config.aws_rules.bucket_name_problem",
    "mlops-project/var.volume_kms_key_arn: volume_kms_key_arn must be a KMS key ARN arn:<partition>:kms:<region>:<1": COMPUTED,
    "mlops-project/var.subnet_ids: subnet_ids must be a non-empty list of ids matching ^subnet-[0-9a-f]+$;": COMPUTED,
    "mlops-project/var.security_group_ids: security_group_ids must be a non-empty list of ids matching ^sg-[0-9a-f]": COMPUTED,
    "mlops-project/var.ssm_prefix: ssm_prefix must be an absolute SSM path of 1-10 levels and at most 200 c": "orchestrator.config.fields.SHORT_NAME",
    'mlops-project/var.ssm_prefix: ssm_prefix must not start with /aws or /ssm (reserved by AWS); got "…".': "orchestrator.config.aws_rules.ssm_path_problem",
    "mlops-project/var.key_administrator_arns: key_administrator_arns must be a non-empty list of exact role ARNs arn:<": "orchestrator.config.fields.RoleArn",
    "mlops-project/var.key_reader_arns: key_reader_arns must be exact role ARNs arn:<partition>:iam::<12-digit a": THIS_ACCOUNT,
    "mlops-project/var.key_deletion_window_days: key_deletion_window_days must be a whole number of days between 7 and 30": CONSTANT,
    "mlops-project/var.dispatch_retry: dispatch_retry.maximum_event_age_seconds must be a whole number between": CONSTANT,
    'mlops-project/var.tags: tags keys must be 1-128 characters and must not start with "aws:", value': NO_TAGS,
    "model-hosting/aws_iam_policy.boundary: The hosting boundary is … characters; IAM allows 6144 for a managed poli": SIZE,
    "model-hosting/aws_iam_policy.deploy_common: The shared deploy policy is … characters; IAM allows 6144 for a managed": SIZE,
    "model-hosting/var.name_prefix: name_prefix must be 3-32 characters of lowercase letters, digits and hyp": "orchestrator.config.fields.SHORT_NAME",
    'model-hosting/var.name_prefix: name_prefix must end with "-<stage>" (stage = "…"), because the source a': STAGE,
    "model-hosting/var.stage: stage must be 2-10 lowercase letters or digits starting with a letter (r": "orchestrator.config.fields.SHORT_NAME",
    'model-hosting/var.tags: tags keys must be 1-128 characters and must not start with "aws:", value': NO_TAGS,
    'model-hosting/var.source_account_id: source_account_id must be a 12-digit account id; got "…".': "orchestrator.config.fields.ACCOUNT_ID",
    "model-hosting/var.source_account_id: source_account_id must be another account than this one (…): models are": "orchestrator.config.loader._link_source",
    "model-hosting/var.source_name_prefix: source_name_prefix must be 3-32 characters of lowercase letters, digits": "orchestrator.config.fields.SHORT_NAME",
    "model-hosting/var.source_models_bucket_arn: source_models_bucket_arn must be an S3 bucket ARN arn:<partition>:s3:::<": "orchestrator.config.aws_rules.bucket_name_problem",
    "model-hosting/var.source_data_key_alias_arn: source_data_key_alias_arn must be a customer alias ARN arn:<partition>:k": "orchestrator.config.fields.SHORT_NAME",
    "model-hosting/var.notification_emails: notification_emails must be distinct email addresses (name@domain.tld);": "orchestrator.config.monitoring._email + orchestrator.config.monitoring._distinct_emails",
    "model-hosting/var.model_monitor_image_repository_arn: model_monitor_image_repository_arn must be arn:<partition>:ecr:<region>:": MONITOR_IMAGE,
    'model-hosting/var.model_monitor_image_repository_arn: model_monitor_image_repository_arn must be in this region (…); got "…".': MONITOR_IMAGE,
    "model-hosting/var.source_data_key_alias_arn: source_data_key_alias_arn must be an alias of source_account_id (…); got": SOURCE_ALIAS,
    "model-hosting/var.source_data_key_alias_arn: source_data_key_alias_arn must be in this region (…): SageMaker reads mo": SOURCE_ALIAS,
    'model-hosting/var.vpc_id: vpc_id must be a VPC id vpc-<lowercase hex>; got "…".': COMPUTED,
    "model-hosting/var.subnet_ids: subnet_ids must contain at least two distinct subnet ids subnet-<lowerca": COMPUTED,
    "model-hosting/var.security_group_ids: security_group_ids must contain 1-5 distinct security group ids sg-<lowe": COMPUTED,
    "model-hosting/var.s3_vpc_endpoint_ids: s3_vpc_endpoint_ids must contain at least one VPC endpoint id vpce-<lowe": COMPUTED,
    "model-hosting/var.vpce_exempt_principal_arns: vpce_exempt_principal_arns must contain exact IAM role or user ARNs (no": "orchestrator.config.fields.principal_arn_problem",
    "model-hosting/var.oidc_provider_arn: oidc_provider_arn must be arn:<partition>:iam::<12-digit account>:oidc-p": THIS_ACCOUNT,
    'model-hosting/var.oidc_provider_arn: oidc_provider_arn must be this account\'s provider (…); got "…".': THIS_ACCOUNT,
    "model-hosting/var.projects: projects keys (project names) must be 2-32 lowercase letters, digits and": "orchestrator.config.fields.PROJECT_NAME",
    "model-hosting/var.projects: projects: the deploy role name <name_prefix>-<project>-deploy must fit I": "orchestrator.config.derived_names.hosted_project_problems",
    "model-hosting/var.projects: projects[*].repository must be { owner, name } of a GitHub repository: o": "orchestrator.config.fields._repository",
    'model-hosting/var.projects: projects[*].serving must be "realtime" (an endpoint) or "batch" (a sched': "orchestrator.config.schema.ProjectConfig",
    "model-hosting/var.projects: projects: a batch project's scheduler role <name_prefix>-<project>-sched": SCHEDULE_ROLE,
    "model-hosting/var.projects: projects[*].batch.schedule_expression must be an EventBridge Scheduler c": "orchestrator.config.schema.BatchConfig",
    "model-hosting/var.transform_instance_types: transform_instance_types must list at least one SageMaker instance type": "orchestrator.config.fields._instance_type",
    "model-hosting/var.batch_retention_days: batch_retention_days must be null or a whole number >= 1; got ….": CONSTANT,
    'model-hosting/var.ssm_parameter_path: ssm_parameter_path must be a parameter path such as "/mlops/staging" (se': "orchestrator.config.fields.SHORT_NAME",
    "model-hosting/var.additional_ecr_repository_arns: additional_ecr_repository_arns must contain exact ECR repository ARNs ar": CONSTANT,
    "model-hosting/var.kms_administrator_arns: kms_administrator_arns must contain at least one exact IAM role or user": "orchestrator.config.fields.principal_arn_problem",
    "model-hosting/var.kms_read_only_arns: kms_read_only_arns must contain exact IAM role or user ARNs (no wildcard": THIS_ACCOUNT,
    "model-hosting/var.kms_deletion_window_days: kms_deletion_window_days must be a whole number between 7 and 30; got ….": "orchestrator.config.schema.KmsConfig.deletion_window_days",
    "model-hosting/var.kms_rotation_period_days: kms_rotation_period_days must be a whole number between 90 and 2560; got": "orchestrator.config.schema.KmsConfig.rotation_period_days",
    "model-hosting/var.data_capture_retention_days: data_capture_retention_days must be null or a whole number >= 1; got ….": CONSTANT,
    "model-hosting/var.access_log_retention_days: access_log_retention_days must be a whole number >= 90; got ….": CONSTANT,
    "model-hosting/var.noncurrent_version_expiration_days: noncurrent_version_expiration_days must be a whole number >= 1; got ….": CONSTANT,
    "network/aws_vpc.this: The region has … available availability zone(s) but private_subnet_cidrs": "orchestrator.config.semantic._network_problems + orchestrator.config.aws_rules.REGION_AZ_COUNTS",
    "network/aws_cloudwatch_log_group.flow_logs: The variable flow_logs_kms_key_arn must reference a KMS key in partition": COMPUTED,
    "network/var.name_prefix: The variable name_prefix must be 3-32 characters of lower-case letters,": "orchestrator.config.fields.SHORT_NAME",
    'network/var.tags: The variable tags must not contain keys starting with "aws:"; that prefi': NO_TAGS,
    "network/var.tags: The variable tags may only contain keys of 1-128 characters and values o": NO_TAGS,
    "network/var.vpc_cidr: The variable vpc_cidr must be a valid IPv4 CIDR block written with its n": "orchestrator.config.fields._cidr",
    "network/var.vpc_cidr: The variable vpc_cidr must have a prefix length between /16 and /24 (the": "orchestrator.config.schema.NetworkConfig._vpc_cidr",
    "network/var.private_subnet_cidrs: The variable private_subnet_cidrs must contain between 2 and 4 CIDR bloc": "orchestrator.config.schema.NetworkConfig.az_count + orchestrator.config.semantic._subnet_count_problems",
    "network/var.private_subnet_cidrs: The variable private_subnet_cidrs may only contain valid IPv4 CIDR block": "orchestrator.config.fields._cidr + orchestrator.config.semantic._subnet_layout_problems",
    "network/var.private_subnet_cidrs: The variable private_subnet_cidrs may only contain CIDR blocks that lie": "orchestrator.config.semantic._subnet_layout_problems",
    "network/var.private_subnet_cidrs: The variable private_subnet_cidrs must not contain duplicate CIDR blocks": "orchestrator.config.semantic._subnet_layout_problems",
    "network/var.private_subnet_cidrs: The variable private_subnet_cidrs must not contain overlapping CIDR bloc": "orchestrator.config.semantic._subnet_layout_problems",
    'network/var.internet_access: The variable internet_access must be either "none" or "nat".': "orchestrator.config.schema.NetworkConfig.internet_access",
    'network/var.public_subnet_cidrs: The variable public_subnet_cidrs must be empty when internet_access is "': "orchestrator.config.semantic._subnet_count_problems",
    "network/var.public_subnet_cidrs: The variable public_subnet_cidrs may only contain valid IPv4 CIDR blocks": "orchestrator.config.fields._cidr + orchestrator.config.semantic._subnet_layout_problems",
    "network/var.public_subnet_cidrs: The variable public_subnet_cidrs may only contain CIDR blocks that lie e": "orchestrator.config.semantic._subnet_layout_problems",
    "network/var.public_subnet_cidrs: The variable public_subnet_cidrs must not contain duplicate CIDR blocks.": "orchestrator.config.semantic._subnet_layout_problems",
    "network/var.public_subnet_cidrs: The variable public_subnet_cidrs must not contain overlapping CIDR block": "orchestrator.config.semantic._subnet_layout_problems",
    "network/var.public_subnet_cidrs: The variable public_subnet_cidrs must not overlap any block in private_s": "orchestrator.config.semantic._subnet_layout_problems",
    "network/var.interface_endpoint_services: The variable interface_endpoint_services may only contain service short": "orchestrator.config.fields._endpoint",
    "network/var.interface_endpoint_services: The variable interface_endpoint_services must list short names only (e.g": "orchestrator.config.aws_rules.INTERFACE_ENDPOINT_SERVICES",
    "network/var.interface_endpoint_services: The variable interface_endpoint_services must not contain duplicate serv": "orchestrator.config.semantic._duplicates",
    "network/var.endpoint_allowed_security_group_ids: The variable endpoint_allowed_security_group_ids may only contain securi": CONSTANT,
    "network/var.endpoint_allowed_security_group_ids: The variable endpoint_allowed_security_group_ids must not contain duplic": CONSTANT,
    "network/var.s3_endpoint_allowed_bucket_arns: The variable s3_endpoint_allowed_bucket_arns must contain at least one b": COMPUTED,
    "network/var.s3_endpoint_allowed_bucket_arns: The variable s3_endpoint_allowed_bucket_arns may only contain S3 bucket": "orchestrator.config.fields._bucket_arn",
    "network/var.s3_endpoint_allowed_bucket_arns: The variable s3_endpoint_allowed_bucket_arns must not contain duplicate": "orchestrator.config.semantic._network_problems",
    "network/var.s3_endpoint_bucket_owner_accounts: The variable s3_endpoint_bucket_owner_accounts must contain 12-digit AWS": "orchestrator.config.fields.ACCOUNT_ID",
    "network/var.s3_endpoint_aws_owned_bucket_arns: The variable s3_endpoint_aws_owned_bucket_arns may only contain S3 bucke": COMPUTED,
    "network/var.interface_endpoint_principal_accounts: The variable interface_endpoint_principal_accounts must contain 12-digit": CONSTANT,
    "network/var.flow_logs_kms_key_arn: The variable flow_logs_kms_key_arn must be a KMS key ARN of the form arn": COMPUTED,
    "network/var.flow_logs_retention_days: The variable flow_logs_retention_days must be one of the retention value": "orchestrator.config.fields._retention",
    "network/var.flow_logs_retention_days: The variable flow_logs_retention_days must be at least 365 (one year): u": "orchestrator.config.fields._retention",
    "network/var.existing_network: existing_network.vpc_id must be a VPC id vpc-<8 or 17 lower-case hex dig": "orchestrator.config.fields.EC2_ID",
    "network/var.existing_network: Give exactly one of vpc_cidr (the module creates the VPC) and existing_n": "orchestrator.config.semantic._own_network_problems + orchestrator.config.semantic._existing_network_problems",
    'network/var.existing_network: internet_access must be "none" with existing_network: the module creates': "orchestrator.config.semantic._existing_network_problems",
    "network/var.existing_network: existing_network.private_subnet_ids must hold 2-16 distinct subnet ids s": "orchestrator.config.fields.EC2_ID + orchestrator.config.schema.ExistingNetworkConfig.private_subnet_ids + orchestrator.config.semantic._existing_network_problems",
    "network/var.existing_network: existing_network.route_table_ids must hold distinct route table ids rtb-": "orchestrator.config.fields.EC2_ID + orchestrator.config.semantic._existing_network_problems",
    "network/var.existing_network: existing_network.interface_endpoint_ids and s3_gateway_endpoint_id must": "orchestrator.config.fields.EC2_ID",
    'network/var.existing_network: existing_network.flow_logs must be "create" or "existing"; got ….': "orchestrator.config.schema.ExistingNetworkConfig.flow_logs",
    'project-templates/aws_servicecatalog_product.this: products["…"].versions[0] must stay "…": the first version is the produc': PUBLISHED,
    'project-templates/aws_servicecatalog_product.this: products["…"] version "…" is published and immutable, but its template …': PUBLISHED,
    'project-templates/aws_servicecatalog_provisioning_artifact.this: products["…"] version "…" is published and immutable, but its template …': PUBLISHED,
    "project-templates/aws_servicecatalog_constraint.launch: The variable launch_role_arn must be a role of this account (…, partitio": THIS_ACCOUNT,
    "project-templates/aws_servicecatalog_principal_portfolio_association.this: The variable principal_arns must contain roles of this account (…, parti": THIS_ACCOUNT,
    "project-templates/var.name_prefix: The variable name_prefix must be 3-32 characters of lower-case letters,": "orchestrator.config.fields.SHORT_NAME",
    'project-templates/var.template_distribution: The variable template_distribution must be "s3" or "service_catalog"; go': CONSTANT,
    "project-templates/var.tags: The variable tags must have keys of 1-128 characters that do not start w": NO_TAGS,
    "project-templates/var.tags: The variable tags must not set sagemaker:studio-visibility to anything b": NO_TAGS,
    "project-templates/var.kms_key_arn: The variable kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<reg": COMPUTED,
    "project-templates/var.access_log_bucket_name: The variable access_log_bucket_name must be an S3 bucket name (3-63 lowe": COMPUTED,
    "project-templates/var.allowed_vpc_endpoint_ids: The variable allowed_vpc_endpoint_ids must contain at least one S3 VPC e": COMPUTED,
    "project-templates/var.allowed_vpc_endpoint_ids: The variable allowed_vpc_endpoint_ids must contain only ids matching ^vp": COMPUTED,
    "project-templates/var.vpce_exempt_principal_arns: The variable vpce_exempt_principal_arns must name at least the role that": DEPLOY_ROLE,
    "project-templates/var.vpce_exempt_principal_arns: The variable vpce_exempt_principal_arns must contain IAM role/user ARNs": "orchestrator.config.fields.RoleArn",
    "project-templates/var.noncurrent_version_expiration_days: The variable noncurrent_version_expiration_days must be a whole number >": CONSTANT,
    'project-templates/var.provider_name: The variable provider_name must be 1-50 characters and not blank; got "…': "orchestrator.config.schema.ProjectTemplatesConfig.provider_name + orchestrator.config.schema.ProjectTemplatesConfig._not_blank",
    "project-templates/var.portfolio_description: The variable portfolio_description must be at most 2000 characters; got": CONSTANT,
    "project-templates/var.products: The variable products must contain at least one product; got {}.": CONSTANT,
    "project-templates/var.products: The variable products must use keys of 2-40 lower-case letters, digits a": CONSTANT,
    "project-templates/var.products: The variable products must give every product at least one version; with": CONSTANT,
    "project-templates/var.products: The variable products must not repeat a version name within a product; d": CONSTANT,
    "project-templates/var.products: The variable products must use version names of 1-64 letters, digits, do": CONSTANT,
    "project-templates/var.products: The variable products must point every version's template_path at an exi": CONSTANT,
    "project-templates/var.products: The variable products must keep version descriptions at most 8192 charac": CONSTANT,
    "project-templates/var.products: The variable products must give every product a non-blank owner, and dis": "orchestrator.config.schema.ProjectTemplatesConfig._not_blank",
    "project-templates/var.products: The variable products must use an e-mail address for support_email; inva": CONSTANT,
    "project-templates/var.products: The variable products must use an https:// URL for support_url; invalid:": CONSTANT,
    "project-templates/var.launch_role_arn: The variable launch_role_arn must be an IAM role ARN (arn:<partition>:ia": COMPUTED,
    "project-templates/var.principal_arns: The variable principal_arns must name at least one persona role, otherwi": "orchestrator.config.schema.ProjectTemplatesConfig.launch_personas + orchestrator.config.semantic._persona_problems",
    "project-templates/var.principal_arns: The variable principal_arns must contain only exact IAM role ARNs (arn:<": COMPUTED,
    "project-templates/var.principal_arns: The variable principal_arns must not contain duplicates; got ….": "orchestrator.config.semantic._persona_problems",
    's3-account-public-access-block/var.managed_by: managed_by must be "account" or "organization".': CONSTANT,
    "s3-bucket/aws_s3_bucket_server_side_encryption_configuration.this: kms_key_arn is required for SSE-KMS buckets and must be null for access-": INNER,
    "s3-bucket/var.bucket_name: bucket_name must follow the S3 naming rules: 3-63 characters of lowercas": "orchestrator.config.aws_rules.bucket_name_problem",
    "s3-bucket/var.kms_key_arn: kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account": INNER,
    "s3-bucket/var.kms_key_arn: kms_key_arn must be null when access_log_target = true (AWS only deliver": INNER,
    "s3-bucket/var.log_source_bucket_arns: log_source_bucket_arns entries must be S3 bucket ARNs (arn:<partition>:s": INNER,
    "s3-bucket/var.log_source_bucket_arns: log_source_bucket_arns must be non-empty when access_log_target = true a": INNER,
    "s3-bucket/var.logging: logging.target_bucket must be a valid S3 bucket name (3-63 lowercase let": INNER,
    "s3-bucket/var.logging: logging.target_prefix must be a string of at most 512 characters that do": INNER,
    "s3-bucket/var.allowed_vpc_endpoint_ids: allowed_vpc_endpoint_ids entries must match ^vpce-[0-9a-f]+$; invalid: …": COMPUTED,
    "s3-bucket/var.vpce_exempt_principal_arns: vpce_exempt_principal_arns entries must be IAM role/user ARNs or pattern": INNER,
    "s3-bucket/var.vpce_exempt_principal_arns: vpce_exempt_principal_arns has no effect without allowed_vpc_endpoint_id": INNER,
    "s3-bucket/var.lifecycle_rules: lifecycle_rules.noncurrent_version_expiration_days must be a whole numbe": INNER,
    "s3-bucket/var.lifecycle_rules: lifecycle_rules.abort_incomplete_multipart_upload_days must be a whole n": INNER,
    "s3-bucket/var.lifecycle_rules: lifecycle_rules.transition_to_standard_ia_days must be null or a whole n": INNER,
    "s3-bucket/var.lifecycle_rules: lifecycle_rules.expiration_days must be null or a whole number >= 1; got": INNER,
    "s3-bucket/var.lifecycle_rules: lifecycle_rules.expiration_days (…) must be greater than lifecycle_rules": INNER,
    "s3-bucket/var.additional_policy_statements: additional_policy_statements must be a list of policy statement objects,": INNER,
    "s3-bucket/var.additional_policy_statements: additional_policy_statements must not contain Allow statements with a wi": INNER,
    "s3-bucket/var.additional_policy_statements: additional_policy_statements must not reuse the module's reserved Sids (": INNER,
    's3-bucket/var.tags: tags keys must be 1-128 characters and must not start with "aws:", value': NO_TAGS,
    "sagemaker-studio/aws_sagemaker_studio_lifecycle_config.sdk_defaults: The rendered lifecycle configuration is … characters of base64; SageMake": SIZE,
    "sagemaker-studio/var.project_templates_location: The variable project_templates_location must be s3://<bucket>[/<prefix>/": COMPUTED,
    "sagemaker-studio/var.name_prefix: The variable name_prefix must be 3-32 characters of lower-case letters,": "orchestrator.config.fields.SHORT_NAME",
    "sagemaker-studio/var.tags: The variable tags must have keys of 1-128 characters that do not start w": NO_TAGS,
    'sagemaker-studio/var.tags: The variable tags must not contain the key "persona": the module sets it': NO_TAGS,
    "sagemaker-studio/var.vpc_id: The variable vpc_id must be a VPC id of the form vpc-<8-17 hex digits>;": COMPUTED,
    "sagemaker-studio/var.subnet_ids: The variable subnet_ids must not be empty: a VpcOnly Studio domain and e": COMPUTED,
    "sagemaker-studio/var.subnet_ids: The variable subnet_ids must contain at most 16 subnet ids (the SageMake": COMPUTED,
    "sagemaker-studio/var.subnet_ids: The variable subnet_ids must contain only subnet ids of the form subnet-": COMPUTED,
    "sagemaker-studio/var.security_group_ids: The variable security_group_ids must not be empty: VpcOnly Studio apps a": COMPUTED,
    "sagemaker-studio/var.security_group_ids: The variable security_group_ids must contain at most 3 security group id": COMPUTED,
    "sagemaker-studio/var.security_group_ids: The variable security_group_ids must contain only security group ids of": COMPUTED,
    "sagemaker-studio/var.kms_key_arn: The variable kms_key_arn must be a KMS key ARN of the form arn:<partitio": COMPUTED,
    'sagemaker-studio/var.home_efs_retention: The variable home_efs_retention must be "Retain" or "Delete" (case-sensi': "orchestrator.config.schema.StudioConfig.home_efs_retention",
    "sagemaker-studio/var.execution_role_arn: The variable execution_role_arn must be an IAM role ARN of the form arn:": COMPUTED,
    "sagemaker-studio/var.persona_execution_role_arns: The variable persona_execution_role_arns must use persona names of 1-63": "orchestrator.config.fields.PERSONAS",
    "sagemaker-studio/var.persona_execution_role_arns: The variable persona_execution_role_arns must map every persona to an IA": COMPUTED,
    "sagemaker-studio/var.user_profiles: The variable user_profiles has user profile names that break the SageMak": "orchestrator.config.fields.USER_PROFILE_NAME",
    "sagemaker-studio/var.user_profiles: The variable user_profiles refers to an unknown persona (not a key of pe": "orchestrator.config.fields.PERSONAS + orchestrator.config.semantic._persona_problems",
    "sagemaker-studio/var.user_profiles: The variable user_profiles must give team (2-20 lowercase letters or dig": "orchestrator.config.teams.TEAM_NAME",
    "sagemaker-studio/var.idle_timeout_in_minutes: The variable idle_timeout_in_minutes must be a whole number of minutes f": "orchestrator.config.schema.StudioConfig.idle_timeout_minutes",
    "sagemaker-studio/var.idle_timeout_in_minutes: The variable idle_timeout_in_minutes (…) must lie between min_idle_timeo": "orchestrator.config.schema.StudioConfig.idle_timeout_minutes",
    "sagemaker-studio/var.min_idle_timeout_in_minutes: The variable min_idle_timeout_in_minutes must be a whole number of minut": CONSTANT,
    "sagemaker-studio/var.max_idle_timeout_in_minutes: The variable max_idle_timeout_in_minutes must be a whole number of minut": "orchestrator.config.schema.StudioConfig.idle_timeout_minutes",
    "sagemaker-studio/var.max_idle_timeout_in_minutes: The variable max_idle_timeout_in_minutes (…) must not be lower than min_": "orchestrator.config.schema.StudioConfig.idle_timeout_minutes",
    "sagemaker-studio/var.jobs_volume_kms_key_arn: The variable jobs_volume_kms_key_arn must be a KMS key ARN of the form a": COMPUTED,
    "sagemaker-studio/var.jobs_output_kms_key_arn: The variable jobs_output_kms_key_arn must be a KMS key ARN of the form a": COMPUTED,
    "sagemaker-studio/var.sdk_default_bucket: The variable sdk_default_bucket must be null or an S3 bucket name (3-63": CONSTANT,
    'sagemaker-studio/var.ssm_prefix: The variable ssm_prefix must start with "/", not end with "/" and consis': "orchestrator.config.fields.SHORT_NAME",
    "storage/var.name_prefix: name_prefix must be 3-32 characters of lowercase letters, digits and hyp": "orchestrator.config.fields.SHORT_NAME",
    "storage/var.kms_key_arn: kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account": COMPUTED,
    "storage/var.allowed_vpc_endpoint_ids: allowed_vpc_endpoint_ids must contain at least one S3 VPC endpoint id (v": COMPUTED,
    "storage/var.allowed_vpc_endpoint_ids: allowed_vpc_endpoint_ids entries must match ^vpce-[0-9a-f]+$; invalid: …": COMPUTED,
    "storage/var.vpce_exempt_principal_arns: vpce_exempt_principal_arns entries must be IAM role/user ARNs or pattern": "orchestrator.config.fields.principal_arn_problem",
    "storage/var.lifecycle_rules: lifecycle_rules.noncurrent_version_expiration_days must be a whole numbe": "orchestrator.config.schema.StorageConfig.noncurrent_version_expiration_days",
    "storage/var.lifecycle_rules: lifecycle_rules.abort_incomplete_multipart_upload_days must be a whole n": "orchestrator.config.schema.StorageConfig.abort_incomplete_multipart_upload_days",
    "storage/var.lifecycle_rules: lifecycle_rules.transition_to_standard_ia_days must be null or a whole n": CONSTANT,
    "storage/var.lifecycle_rules: lifecycle_rules.expiration_days must be null or a whole number >= 1; got": CONSTANT,
    "storage/var.lifecycle_rules: lifecycle_rules.expiration_days (…) must be greater than lifecycle_rules": CONSTANT,
    "storage/var.access_log_retention_days: access_log_retention_days must be a whole number >= 90; got ….": "orchestrator.config.schema.StorageConfig.access_log_retention_days",
    "storage/var.additional_log_source_bucket_arn_patterns: additional_log_source_bucket_arn_patterns entries must be S3 bucket ARNs": "orchestrator.config.aws_rules.bucket_name_problem",
    "storage/var.additional_log_source_bucket_arn_patterns: additional_log_source_bucket_arn_patterns entries must name buckets of t": NAME_PREFIX,
    "storage/var.additional_log_source_bucket_arn_patterns: additional_log_source_bucket_arn_patterns must not contain duplicates.": NAME_PREFIX,
    "storage/var.models_additional_policy_statements: models_additional_policy_statements must be a list of policy statement o": CONSTANT,
    "storage/var.models_additional_policy_statements: models_additional_policy_statements must not contain Allow statements wi": CONSTANT,
    'storage/var.tags: tags keys must be 1-128 characters and must not start with "aws:", value': NO_TAGS,
}

_VALIDATION = re.compile(r"^\s*validation\s*\{", re.MULTILINE)
_PRECONDITION = re.compile(r"^\s*precondition\s*\{", re.MULTILINE)


@dataclass(frozen=True)
class ModuleRule:
    file: str
    key: str


def _plain(message: str) -> str:
    """The message without its ${...} interpolations (each becomes "…")."""
    out: list[str] = []
    depth = 0
    index = 0
    while index < len(message):
        if message.startswith("${", index):
            depth, index = depth + 1, index + 2
            continue
        char = message[index]
        if depth:
            depth += {"{": 1, "}": -1}.get(char, 0)
            out += ["…"] if depth == 0 else []
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _key(module: str, owner: str, message: str) -> str:
    return f"{module}/{owner}: {_plain(message)[:72].rstrip()}"


def _parse(tf_file: Path) -> dict:
    # python-hcl2 does not read a conditional whose "?" or ":" starts a line; join it to the line before.
    return hcl2.api.loads(re.sub(r"\n[ \t]*([?:])(?=[ \t])", r" \1", tf_file.read_text(encoding="utf-8")))


def _validations(module: str, document: dict) -> list[str]:
    return [
        _key(module, f"var.{name}", rule["error_message"])
        for block in document.get("variable", [])
        for name, body in block.items()
        for rule in body.get("validation", [])
    ]


def _preconditions(module: str, document: dict) -> list[str]:
    return [
        _key(module, f"{kind}.{name}", rule["error_message"])
        for block_type in ("resource", "data")
        for block in document.get(block_type, [])
        for kind, named in block.items()
        for name, body in named.items()
        for lifecycle in body.get("lifecycle", [])
        for rule in lifecycle.get("precondition", [])
    ]


def module_rules(modules_dir: Path) -> list[ModuleRule]:
    """Every validation and precondition of the modules under `modules_dir`."""
    rules: list[ModuleRule] = []
    for tf_file in sorted(modules_dir.glob("*/*.tf")):
        text = tf_file.read_text(encoding="utf-8")
        if not (_VALIDATION.search(text) or _PRECONDITION.search(text)):
            continue
        document = _parse(tf_file)
        module = tf_file.parent.name
        found = _validations(module, document) + _preconditions(module, document)
        assert len(found) == len(_VALIDATION.findall(text)) + len(_PRECONDITION.findall(text)), (
            f"{tf_file}: a rule was not parsed"
        )
        rules += [ModuleRule(str(tf_file.relative_to(modules_dir.parent)), key) for key in found]
    return rules


def unnamed(rules: list[ModuleRule]) -> list[str]:
    return [f"{rule.file}: {rule.key}" for rule in rules if rule.key not in TWINS]


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:]:
            fields = getattr(target, "model_fields", {})
            validators = getattr(getattr(target, "__pydantic_decorators__", None), "field_validators", {})
            if name in fields or name in validators:
                return name == parts[-1]
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_module_rule_is_twinned_or_explained() -> None:
    rules = module_rules(paths.MODULES_DIR)
    assert len(rules) > 250, "the modules' rules were not found"
    assert unnamed(rules) == [], "module rules without a twin in orchestrator/config/ or a reason in TWINS"
    stale = sorted(set(TWINS) - {rule.key for rule in rules})
    assert stale == [], "TWINS names rules the modules no longer have"


def test_every_twin_is_a_product_rule_and_every_reason_is_known() -> None:
    for key, twin in TWINS.items():
        if twin in REASONS:
            continue
        missing = [name for name in twin.split(" + ") if not _resolves(name)]
        assert not missing, f"{key}: {missing} is not a rule of the product"


def test_a_new_module_rule_without_a_twin_fails(tmp_path: Path) -> None:
    modules = tmp_path / "modules"
    shutil.copytree(paths.MODULES_DIR / "network", modules / "network")
    with (modules / "network" / "variables.tf").open("a", encoding="utf-8") as variables:
        variables.write(
            '\nvariable "extra" {\n  type = number\n\n  validation {\n    condition     = var.extra < 3\n    error_message = "extra must be below 3."\n  }\n}\n'
        )
    assert unnamed(module_rules(modules)) == ["modules/network/variables.tf: network/var.extra: extra must be below 3."]
