# env.yaml projects.<name>.notify: each address is subscribed to its project's pipeline-events topic
# (modules/mlops-project notifications.tf: executions of the project's pipeline that end Failed or
# Stopped). Each address confirms the email AWS sends.

locals {
  pipeline_events_emails = merge([
    for name, project in var.projects : { for email in project.notify : "${name}/${lower(email)}" => { project = name, email = email } }
  ]...)
}

resource "aws_sns_topic_subscription" "pipeline_events_email" {
  for_each = local.pipeline_events_emails

  topic_arn = module.project[each.value.project].pipeline_events_topic_arn
  protocol  = "email"
  endpoint  = each.value.email
}
