# Detective controls of one environment's account (modules/detective-controls): CloudTrail, AWS
# Config with the platform's rules, Security Hub, GuardDuty, findings to an encrypted SNS topic.
# It depends on no other stack (it runs beside foundation or hosting). The environment switches it
# with env.yaml `detective_controls.enabled`: with false the module has count 0, so a stack that
# had the controls plans their destroy instead of leaving them behind.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name_prefix = "${var.prefix}-${var.environment}"
}

# The GitHub Actions roles' names and ARNs: the platform's one rule (modules/ci-role-names).
module "ci_role_names" {
  source = "../../../modules/ci-role-names"

  name_prefix = local.name_prefix
  partition   = data.aws_partition.current.partition
  account_id  = data.aws_caller_identity.current.account_id
}

module "detective_controls" {
  source = "../../../modules/detective-controls"
  count  = var.detective_controls.enabled ? 1 : 0

  name_prefix = local.name_prefix
  # Every change of the controls is the deploy role's (orchestrator/protected.py): the CI roles
  # only read the keys (plan, drift), so they can neither disable nor delete them.
  administrator_arns       = distinct(concat([var.deploy_role_arn], var.kms.administrator_arns))
  read_only_arns           = [module.ci_role_names.plan_role_arn, module.ci_role_names.apply_role_arn]
  log_reader_arn_patterns  = var.detective_controls.log_reader_arns
  minimum_severity         = var.detective_controls.minimum_severity
  subscriptions            = var.detective_controls.subscriptions
  log_retention_days       = var.detective_controls.log_retention_days
  kms_deletion_window_days = var.kms.deletion_window_days
  kms_rotation_period_days = var.kms.rotation_period_days
  force_destroy            = var.force_destroy
}
