# The plan and apply roles, and their inline policies. The for_each maps are written out here (not
# built in a local) so that checkov expands them and evaluates each trust and policy document.

resource "aws_iam_role" "ci" {
  for_each = {
    plan = {
      name         = local.plan_role_name
      description  = "GitHub Actions pull-request plans of ${var.repository.owner}/${var.repository.name}: read-only, no state lock"
      trust_policy = local.plan_trust_policy
    }
    apply = {
      name         = local.apply_role_name
      description  = "GitHub Actions applies of ${var.repository.owner}/${var.repository.name} from GitHub environment ${var.github_environment}"
      trust_policy = local.apply_trust_policy
    }
  }

  name                 = each.value.name
  description          = each.value.description
  assume_role_policy   = jsonencode(each.value.trust_policy)
  max_session_duration = var.max_session_duration
  permissions_boundary = aws_iam_policy.ci_boundary.arn

  tags = merge(var.tags, { Name = each.value.name })

  depends_on = [aws_iam_openid_connect_provider.github]
}

# Inline policies: IAM allows 10,240 characters per role for them (a managed policy only 6,144,
# less than the apply policy needs), and the CI roles can not change them (boundary denies). The
# apply role's statements are split over two (policies.tf).
resource "aws_iam_role_policy" "ci" {
  for_each = {
    plan             = { role = "plan", name = local.plan_role_name, policy = local.plan_policy }
    apply_read_state = { role = "apply", name = "${local.apply_role_name}-read-state", policy = local.apply_read_state_policy }
    apply_manage     = { role = "apply", name = "${local.apply_role_name}-manage", policy = local.apply_manage_policy }
  }

  name   = each.value.name
  role   = aws_iam_role.ci[each.value.role].name
  policy = jsonencode(each.value.policy)

  lifecycle {
    precondition {
      condition     = length(jsonencode(local.apply_read_state_policy)) + length(jsonencode(local.apply_manage_policy)) <= 10240
      error_message = "The apply role's inline policies total ${length(jsonencode(local.apply_read_state_policy)) + length(jsonencode(local.apply_manage_policy))} characters; IAM allows 10240 per role. Shorten name_prefix or ssm_parameter_prefix."
    }
  }
}
