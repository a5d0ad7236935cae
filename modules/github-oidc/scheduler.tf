# Both CI roles read the batch projects' schedules (modules/model-hosting batch.tf: EventBridge
# Scheduler schedules and their group <name_prefix>-batch) for plans, drift and the apply role's
# refresh: a managed policy of its own, because the apply role's inline policies are at IAM's
# 10,240-character limit. Every change of a schedule is the deploy role's
# (orchestrator/protected.py: a schedule passes the role that starts a pipeline). The policy's name
# does not start with name_prefix, so no CI role may change it (ManagePolicies is <name_prefix>-*
# only), and the boundary's DenyCiAndBoundaryChanges keeps them from detaching it from themselves.

locals {
  ci_scheduler_read_policy_name = "ci-scheduler-read-${var.name_prefix}"

  scheduler_read_statements = [
    {
      Sid    = "ReadBatchSchedules"
      Effect = "Allow"
      Action = ["scheduler:GetSchedule", "scheduler:GetScheduleGroup", "scheduler:ListTagsForResource"]
      Resource = [
        "arn:${local.partition}:scheduler:${local.regional}:schedule/${var.name_prefix}-*",
        "arn:${local.partition}:scheduler:${local.regional}:schedule-group/${var.name_prefix}-*",
      ]
    },
  ]
}

resource "aws_iam_policy" "ci_scheduler_read" {
  name        = local.ci_scheduler_read_policy_name
  description = "GitHub Actions roles of ${var.name_prefix}: read the batch schedules and their group; never a change."
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = local.scheduler_read_statements
  })

  tags = merge(var.tags, { Name = local.ci_scheduler_read_policy_name })
}

resource "aws_iam_role_policy_attachment" "ci_scheduler_read" {
  for_each = { plan = "plan", apply = "apply" }

  role       = aws_iam_role.ci[each.value].name
  policy_arn = aws_iam_policy.ci_scheduler_read.arn
}
