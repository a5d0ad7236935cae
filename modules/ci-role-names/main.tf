# The names and ARNs of an environment's GitHub Actions roles, computed here only: the plan and
# apply roles bootstrap creates (modules/github-oidc) and each project's CI role (the projects
# stack, modules/mlops-project). Every stack and module that grants or names these roles calls
# this module; the orchestrator's orchestrator/config/ci_roles.py follows the same rule (a test
# compares the two). No resources: the names are deterministic, so any stack may use them before
# the roles exist.

locals {
  iam_arn = "arn:${var.partition}:iam::${var.account_id}"

  plan_role_name  = "${var.name_prefix}-github-plan"
  apply_role_name = "${var.name_prefix}-github-apply"

  project_ci_role_names = { for project in var.project_names : project => "${var.name_prefix}-${project}-ci" }
}
