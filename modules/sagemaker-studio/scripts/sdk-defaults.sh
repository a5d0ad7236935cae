#!/bin/bash
# Studio lifecycle configuration of ${domain_name} (JupyterLab and Code Editor spaces).
#
# Writes the SageMaker Python SDK defaults file (~/.config/sagemaker/config.yaml,
# the SDK's "intelligent defaults") so that every training, processing, transform,
# AutoML, compilation and monitoring job, model and endpoint configuration a user
# creates with the SDK runs in the environment's private subnets and security
# groups, with customer-managed KMS keys and encrypted inter-container traffic:
# the settings without which the platform's IAM guardrails deny the request.
#
# Rendered by Terraform (modules/sagemaker-studio); runs at every app start.
# Idempotent: an up-to-date file is left untouched, a different one is replaced
# atomically and kept once as config.yaml.previous.
set -euo pipefail

target_home="$${HOME:-/home/sagemaker-user}"
config_dir="$target_home/.config/sagemaker"
config_file="$config_dir/config.yaml"

mkdir -p "$config_dir"
tmp_file="$(mktemp "$config_dir/.config.yaml.XXXXXX")"
trap 'rm -f "$tmp_file"' EXIT

cat >"$tmp_file" <<'SAGEMAKER_SDK_CONFIG'
${sdk_config_yaml}SAGEMAKER_SDK_CONFIG

if [ -f "$config_file" ] && cmp -s "$tmp_file" "$config_file"; then
  echo "SageMaker SDK defaults already up to date in $config_file"
  exit 0
fi

if [ -f "$config_file" ]; then
  cp -p "$config_file" "$config_file.previous"
  echo "Replaced SageMaker SDK defaults; the previous file is $config_file.previous"
fi

chmod 0644 "$tmp_file"
mv -f "$tmp_file" "$config_file"
echo "Wrote SageMaker SDK defaults to $config_file"
