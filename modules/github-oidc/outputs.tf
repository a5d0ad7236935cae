output "oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider the roles trust (created here, or existing_oidc_provider_arn)."
  value       = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.existing_oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of <name_prefix>-github-plan (pull requests, read-only): role-to-assume of plan jobs."
  value       = aws_iam_role.ci["plan"].arn
}

output "apply_role_arn" {
  description = "ARN of <name_prefix>-github-apply (jobs of the GitHub environment): role-to-assume of apply jobs."
  value       = aws_iam_role.ci["apply"].arn
}

output "plan_role_name" {
  description = "Name of the plan role (<name_prefix>-github-plan)."
  value       = aws_iam_role.ci["plan"].name
}

output "apply_role_name" {
  description = "Name of the apply role (<name_prefix>-github-apply)."
  value       = aws_iam_role.ci["apply"].name
}

output "ci_boundary_policy_arn" {
  description = "ARN of the CI permissions boundary (<name_prefix>-ci-boundary) on both roles."
  value       = aws_iam_policy.ci_boundary.arn
}

output "trust_policies" {
  description = "Map role (\"plan\", \"apply\") => trust policy JSON, for review and tests."
  value = {
    plan  = aws_iam_role.ci["plan"].assume_role_policy
    apply = aws_iam_role.ci["apply"].assume_role_policy
  }
}

output "subject_claim_keys" {
  description = "The repository's OIDC subject template the trust policies expect, in order: GitHub's include_claim_keys (PUT /repos/<owner>/<repo>/actions/oidc/customization/sub with use_default false). Tokens of another template match no trust."
  value       = local.subject_claim_keys
}

output "subjects" {
  description = "The subjects the roles trust, in the customised format: pull_request (plan role, StringLike: any pull request's refs/pull/<number>/merge), plan_branch (plan role), apply (apply role: the environment on apply_branch)."
  value = {
    pull_request = local.pull_request_subject
    plan_branch  = local.plan_branch_subject
    apply        = local.apply_subject
  }
}

output "permission_policies" {
  description = "Map role (\"plan\", \"apply\") => permission policy JSON, for review and tests (apply: the statements of its two inline policies, <name>-read-state and <name>-manage, and of its managed policy <name_prefix>-ci-packages, in one document). Effective permissions are these minus the CI boundary's denies."
  value = {
    plan = aws_iam_role_policy.ci["plan"].policy
    apply = jsonencode({
      Version   = "2012-10-17"
      Statement = concat(jsondecode(aws_iam_role_policy.ci["apply_read_state"].policy).Statement, jsondecode(aws_iam_role_policy.ci["apply_manage"].policy).Statement, jsondecode(aws_iam_policy.ci_packages.policy).Statement)
    })
  }
}

output "organizations_read_policy" {
  description = "The plan role's managed policy ci-organizations-read-<name_prefix> (JSON: sts:AssumeRole on organizations_read_role_arn only), for review and tests; null without organizations_read_role_arn."
  value       = one(aws_iam_policy.ci_organizations_read[*].policy)
}
