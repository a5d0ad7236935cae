# Both CI roles read the detective controls (stack detective) for plans, drift and the apply
# role's refresh, and may change none of them: a managed policy of its own, because the apply role's inline policies are at
# IAM's 10,240-character limit. Every change of the controls is the deploy role's
# (orchestrator/protected.py). The policy's name does not start with name_prefix, so no CI role
# may change it (ManagePolicies is <name_prefix>-* only), and the boundary's
# DenyCiAndBoundaryChanges keeps them from detaching it from themselves.

locals {
  ci_detective_read_policy_name = "ci-detective-read-${var.name_prefix}"

  # What a plan, drift and the apply role's refresh read: trails, Config's recorder, delivery
  # channel and rules, the hub and its standards, the detector (no resource-level permissions for
  # most: "*" in the region), the environment's topics and subscriptions. Never findings, events,
  # compliance results or a change.
  detective_read_statements = [
    {
      Sid    = "ReadDetectiveControls"
      Effect = "Allow"
      Action = [
        "cloudtrail:DescribeTrails",
        "cloudtrail:Get*Selectors",
        "cloudtrail:GetTrail*",
        "cloudtrail:ListTags",
        "config:DescribeConfig*",
        "config:DescribeDeliveryChannels",
        "config:ListTags*",
        "guardduty:GetDetector",
        "securityhub:DescribeHub",
        "securityhub:GetEnabledStandards",
      ]
      Resource  = "*"
      Condition = local.in_region
    },
    {
      Sid      = "ReadDetectiveTopics"
      Effect   = "Allow"
      Action   = ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListTagsForResource"]
      Resource = ["arn:${local.partition}:sns:${local.regional}:${var.name_prefix}-*", "arn:${local.partition}:sns:${local.regional}:${var.name_prefix}-*:*"]
    },
    {
      # The controls' resources inside the apply role's broad name scopes (rules, buckets and
      # topics <name_prefix>-*): reads only, so no CI role disables or deletes a findings rule or
      # its target, the findings topic or its subscriptions, or the audit buckets, their policies or
      # log files. CloudTrail, Config, GuardDuty and Security Hub writes are allowed to no CI role;
      # the controls' keys name the CI roles as readers only.
      Sid       = "DenyDetectiveControlsChanges"
      Effect    = "Deny"
      NotAction = ["events:Describe*", "events:List*", "s3:Get*", "s3:List*", "sns:Get*", "sns:List*"]
      Resource = [
        "arn:${local.partition}:events:${local.regional}:rule/${var.name_prefix}-*-findings",
        "arn:${local.partition}:sns:${local.regional}:${var.name_prefix}-security-findings",
        "arn:${local.partition}:sns:${local.regional}:${var.name_prefix}-security-findings:*",
        "arn:${local.partition}:s3:::${var.name_prefix}-audit-*",
      ]
    },
  ]
}

resource "aws_iam_policy" "ci_detective_read" {
  name        = local.ci_detective_read_policy_name
  description = "GitHub Actions roles of ${var.name_prefix}: read the detective controls (trail, Config, Security Hub, GuardDuty, findings rules and topic, audit buckets); never findings, events or a change."
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.detective_read_statements
  })

  tags = merge(var.tags, { Name = local.ci_detective_read_policy_name })
}

resource "aws_iam_role_policy_attachment" "ci_detective_read" {
  for_each = { plan = "plan", apply = "apply" }

  role       = aws_iam_role.ci[each.value].name
  policy_arn = aws_iam_policy.ci_detective_read.arn
}
