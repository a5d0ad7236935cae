variables {
  name_prefix   = "mlops-dev"
  partition     = "aws"
  account_id    = "111111111111"
  project_names = ["churn", "abalone"]
}

run "names_and_arns" {
  command = plan

  assert {
    condition     = output.plan_role_name == "mlops-dev-github-plan" && output.apply_role_name == "mlops-dev-github-apply"
    error_message = "The CI roles are <name_prefix>-github-plan and <name_prefix>-github-apply."
  }

  assert {
    condition     = output.role_arns == ["arn:aws:iam::111111111111:role/mlops-dev-github-plan", "arn:aws:iam::111111111111:role/mlops-dev-github-apply"] && output.plan_role_arn == output.role_arns[0] && output.apply_role_arn == output.role_arns[1]
    error_message = "The ARNs name the roles in the given account and partition, plan first."
  }

  assert {
    condition     = output.project_ci_role_names == { churn = "mlops-dev-churn-ci", abalone = "mlops-dev-abalone-ci" }
    error_message = "A project's CI role is <name_prefix>-<project>-ci."
  }

  assert {
    condition     = output.project_ci_role_arns == ["arn:aws:iam::111111111111:role/mlops-dev-churn-ci", "arn:aws:iam::111111111111:role/mlops-dev-abalone-ci"]
    error_message = "The project CI role ARNs follow project_names' order."
  }
}

run "other_partition_no_projects" {
  command = plan

  variables {
    partition     = "aws-cn"
    project_names = []
  }

  assert {
    condition     = output.plan_role_arn == "arn:aws-cn:iam::111111111111:role/mlops-dev-github-plan" && output.project_ci_role_arns == [] && output.project_ci_role_names == {}
    error_message = "The partition is the caller's; no projects, no project roles."
  }
}

run "bad_values_refused" {
  command = plan

  variables {
    name_prefix   = "Mlops_dev"
    partition     = "amazon"
    account_id    = "1234"
    project_names = ["-x"]
  }

  expect_failures = [var.name_prefix, var.partition, var.account_id, var.project_names]
}
