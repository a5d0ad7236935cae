output "plan_role_name" {
  description = "Name of the read-only GitHub Actions plan role: <name_prefix>-github-plan."
  value       = local.plan_role_name
}

output "apply_role_name" {
  description = "Name of the GitHub Actions apply role: <name_prefix>-github-apply."
  value       = local.apply_role_name
}

output "plan_role_arn" {
  description = "ARN of the plan role: arn:<partition>:iam::<account_id>:role/<name_prefix>-github-plan."
  value       = "${local.iam_arn}:role/${local.plan_role_name}"
}

output "apply_role_arn" {
  description = "ARN of the apply role: arn:<partition>:iam::<account_id>:role/<name_prefix>-github-apply."
  value       = "${local.iam_arn}:role/${local.apply_role_name}"
}

output "role_arns" {
  description = "The plan and apply roles' ARNs, in that order."
  value       = [for name in [local.plan_role_name, local.apply_role_name] : "${local.iam_arn}:role/${name}"]
}

output "project_ci_role_names" {
  description = "Map project => name of its CI role: <name_prefix>-<project>-ci."
  value       = local.project_ci_role_names
}

output "project_ci_role_arns" {
  description = "The projects' CI role ARNs, in the order of project_names: arn:<partition>:iam::<account_id>:role/<name_prefix>-<project>-ci."
  value       = [for project in var.project_names : "${local.iam_arn}:role/${local.project_ci_role_names[project]}"]
}
