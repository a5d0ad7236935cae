"""SQS: server-side encryption gap of the stock emulator."""

from __future__ import annotations

from typing import Any

SQS_MANAGED_SSE = "SqsManagedSseEnabled"
KMS_MASTER_KEY = "KmsMasterKeyId"


def _kms_key_replaces_sqs_managed_encryption(queue: Any, requested: dict[str, Any]) -> None:
    """A request that gives the queue a KMS key (and says nothing of SSE-SQS) turns SSE-SQS off."""
    if requested.get(KMS_MASTER_KEY) and SQS_MANAGED_SSE not in requested:
        queue.sqs_managed_sse_enabled = False


def kms_encrypted_queues_are_not_sqs_managed() -> None:
    """CreateQueue/SetQueueAttributes: moto reports `SqsManagedSseEnabled: true` for every queue,
    also for one encrypted with a customer managed KMS key. SQS supports one server-side encryption
    option per queue (GetQueueAttributes documentation), and a queue created with `KmsMasterKeyId`
    reads back `SqsManagedSseEnabled: false` (the AWS provider's acceptance test of an encrypted
    queue checks exactly that), so Terraform recorded SSE-SQS as on for the platform's KMS-encrypted
    dead-letter queues. Here a request that sets a KMS key, without naming SqsManagedSseEnabled
    itself, leaves SSE-SQS off. Queues without a KMS key keep SQS's default (SSE-SQS on)."""
    from moto.sqs.models import Queue, SQSBackend  # noqa: PLC0415

    create_queue_object = Queue.__init__
    set_queue_attributes = SQSBackend.set_queue_attributes

    def queue_init(self: Queue, name: str, region: str, account_id: str, **kwargs: Any) -> None:
        create_queue_object(self, name, region, account_id, **kwargs)
        _kms_key_replaces_sqs_managed_encryption(self, kwargs)

    def set_attributes(self: SQSBackend, queue_name: str, attributes: dict[str, Any]) -> Queue:
        queue = set_queue_attributes(self, queue_name, attributes)
        _kms_key_replaces_sqs_managed_encryption(queue, attributes)
        return queue

    Queue.__init__ = queue_init  # type: ignore[method-assign]
    SQSBackend.set_queue_attributes = set_attributes  # type: ignore[method-assign]
