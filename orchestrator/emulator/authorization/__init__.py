"""IAM authorization in the local emulator: every request is allowed or denied as AWS would decide it.

- `principals.py`: who signed a request (the access key of an assumed-role session, or the
  emulator's administrator) and every policy that IAM attaches to them.
- `calls.py`: which operation of which service a request is, with its parameters, parsed with the
  same service models the SDKs use.
- `actions.py`: what IAM checks for an operation: the action(s), the resource ARN(s) derived from
  the parameters, the condition keys the request carries, and the actions it implies (iam:PassRole
  of a role handed to a service, the KMS calls S3 makes for an SSE-KMS object).
- `resource_policies.py`: the resource policy of a target (bucket, key, role trust, model package
  group, queue, topic, secret, repository, event bus) read from the emulator's own state.
- `denials.py`: the error each service answers an unauthorized call with.
- `network.py`: network position: an address per VPC whose requests go through that VPC's
  endpoints (their policies, `aws:SourceVpce`, `aws:SourceVpc`).
- `middleware.py`: the WSGI application that puts these together before the emulator serves a
  request, and counts what it evaluated, denied and could not evaluate.
The decision itself is `orchestrator.policy.authorization.authorize`, the evaluator the policy tests use.
"""
