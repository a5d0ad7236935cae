# Each role and its inline policy had a resource of its own (count) before
# roles.tf defined them once (for_each over local.created_role_definitions).

moved {
  from = aws_iam_role.data_science_admin[0]
  to   = aws_iam_role.this["data_science_admin"]
}

moved {
  from = aws_iam_role_policy.data_science_admin[0]
  to   = aws_iam_role_policy.this["data_science_admin"]
}

moved {
  from = aws_iam_role.team_lead[0]
  to   = aws_iam_role.this["team_lead"]
}

moved {
  from = aws_iam_role_policy.team_lead[0]
  to   = aws_iam_role_policy.this["team_lead"]
}

moved {
  from = aws_iam_role.data_scientist[0]
  to   = aws_iam_role.this["data_scientist"]
}

moved {
  from = aws_iam_role_policy.data_scientist[0]
  to   = aws_iam_role_policy.this["data_scientist"]
}

moved {
  from = aws_iam_role.sagemaker_execution[0]
  to   = aws_iam_role.this["sagemaker_execution"]
}

moved {
  from = aws_iam_role_policy.sagemaker_execution[0]
  to   = aws_iam_role_policy.this["sagemaker_execution"]
}

moved {
  from = aws_iam_role.pipeline_execution[0]
  to   = aws_iam_role.this["pipeline_execution"]
}

moved {
  from = aws_iam_role_policy.pipeline_execution[0]
  to   = aws_iam_role_policy.this["pipeline_execution"]
}

moved {
  from = aws_iam_role.launch[0]
  to   = aws_iam_role.this["launch"]
}

moved {
  from = aws_iam_role_policy.launch[0]
  to   = aws_iam_role_policy.this["launch"]
}

moved {
  from = aws_iam_role.deploy_events[0]
  to   = aws_iam_role.this["deploy_events"]
}

moved {
  from = aws_iam_role_policy.deploy_events[0]
  to   = aws_iam_role_policy.this["deploy_events"]
}
