# Addresses before the module could work in an existing VPC: a VPC created by an earlier version
# keeps its resources (plans no change) under their counted addresses.

moved {
  from = aws_vpc.this
  to   = aws_vpc.this[0]
}

moved {
  from = aws_default_security_group.this
  to   = aws_default_security_group.this[0]
}

moved {
  from = aws_vpc_endpoint.s3
  to   = aws_vpc_endpoint.s3[0]
}

moved {
  from = aws_cloudwatch_log_group.flow_logs
  to   = aws_cloudwatch_log_group.flow_logs[0]
}

moved {
  from = aws_iam_policy.flow_logs_boundary
  to   = aws_iam_policy.flow_logs_boundary[0]
}

moved {
  from = aws_iam_role.flow_logs
  to   = aws_iam_role.flow_logs[0]
}

moved {
  from = aws_iam_role_policy.flow_logs
  to   = aws_iam_role_policy.flow_logs[0]
}

moved {
  from = aws_flow_log.this
  to   = aws_flow_log.this[0]
}
