# The apply role manages the environment's SNS topics <name_prefix>-* (a target account's alerts
# topic, its policy, tags and email subscriptions; never sns:Publish; the plan role reads them with
# the detective read policy): a managed policy of its own, because the apply role's inline policies
# are at IAM's 10,240-character limit. Its name does not start with name_prefix, so no CI role may
# change it (ManagePolicies is <name_prefix>-* only), and the boundary's DenyCiAndBoundaryChanges
# keeps the apply role from detaching it; the boundary allows SNS on the same topics only.

locals {
  ci_topics_policy_name = "ci-topics-${var.name_prefix}"

  manage_topics = {
    Sid      = "ManageTopics"
    Effect   = "Allow"
    Action   = ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource"]
    Resource = ["arn:${local.partition}:sns:${local.regional}:${var.name_prefix}-*"]
  }
}

resource "aws_iam_policy" "ci_topics" {
  name        = local.ci_topics_policy_name
  description = "GitHub Actions apply role of ${var.name_prefix}: manage the SNS topics ${var.name_prefix}-* and their subscriptions; never publish."
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.manage_topics]
  })

  tags = merge(var.tags, { Name = local.ci_topics_policy_name })
}

resource "aws_iam_role_policy_attachment" "ci_topics" {
  role       = aws_iam_role.ci["apply"].name
  policy_arn = aws_iam_policy.ci_topics.arn
}
