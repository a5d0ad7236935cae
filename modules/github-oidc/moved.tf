# Each role and inline policy had a resource of its own before roles.tf defined them with for_each.

moved {
  from = aws_iam_role.plan
  to   = aws_iam_role.ci["plan"]
}

moved {
  from = aws_iam_role.apply
  to   = aws_iam_role.ci["apply"]
}

moved {
  from = aws_iam_role_policy.plan
  to   = aws_iam_role_policy.ci["plan"]
}

moved {
  from = aws_iam_role_policy.apply_read_state
  to   = aws_iam_role_policy.ci["apply_read_state"]
}

moved {
  from = aws_iam_role_policy.apply_manage
  to   = aws_iam_role_policy.ci["apply_manage"]
}
