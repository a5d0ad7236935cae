"""EventBridge: connection gaps of the stock emulator.

A connection keeps its authorization in a Secrets Manager secret that EventBridge manages
(`events!connection/<name>/<uuid>/auth`). Stock moto creates that secret once, under the default
key, and then forgets the connection's customer managed key and every later authorization change.
"""

from __future__ import annotations

import json
from typing import Any


def _secrets_backend(account_id: str, region_name: str) -> Any:
    from moto.secretsmanager.models import secretsmanager_backends  # noqa: PLC0415

    return secretsmanager_backends[account_id][region_name]


def _connection(handler: Any) -> Any:
    from moto.events.exceptions import ResourceNotFoundException  # noqa: PLC0415

    name = handler._get_param("Name")
    connection = handler.events_backend.connections.get(name)
    if connection is None:
        raise ResourceNotFoundException(f"Connection '{name}' does not exist.")
    return connection


def _secret_string(auth_parameters: dict[str, Any]) -> str:
    """The secret's content in moto's own layout (the one CreateConnection writes): the members of
    every authorization structure side by side, the invocation parameters under their own key, all
    keys in snake case."""
    from moto.utilities.utils import CamelToUnderscoresWalker  # noqa: PLC0415

    value: dict[str, Any] = {}
    for key, member in auth_parameters.items():
        if key == "InvocationHttpParameters":
            value["InvocationHttpParameters"] = member
        else:
            value.update(member)
    return json.dumps(CamelToUnderscoresWalker.parse(value))


def connections_keep_their_kms_key() -> None:
    """Create/Update/DescribeConnection: moto ignores `KmsKeyIdentifier`, so DescribeConnection
    never returns it (a connection with `kms_key_identifier` never re-plans clean) and the
    connection's secret stays under Secrets Manager's default key. Here, as on AWS, the identifier
    is kept as sent, returned by DescribeConnection, and the secret is encrypted under that key
    (its `KmsKeyId`); an update without the parameter keeps the key."""
    from moto.events.models import Connection  # noqa: PLC0415
    from moto.events.responses import EventsHandler  # noqa: PLC0415

    stock_create = EventsHandler.create_connection
    stock_update = EventsHandler.update_connection
    stock_describe = Connection.describe

    def use_key(handler: EventsHandler, connection: Any) -> None:
        key = handler._get_param("KmsKeyIdentifier")
        if key is None:
            return
        connection.kms_key_identifier = key
        secret = _secrets_backend(handler.current_account, handler.region).secrets[connection.secret_arn]
        secret.kms_key_id = key

    def create_connection(self: EventsHandler) -> tuple[str, dict[str, Any]]:
        response = stock_create(self)
        use_key(self, _connection(self))
        return response

    def update_connection(self: EventsHandler) -> tuple[str, dict[str, Any]]:
        connection = _connection(self)
        response = stock_update(self)
        use_key(self, connection)
        return response

    def describe(self: Connection) -> dict[str, Any]:
        description = stock_describe(self)
        key = getattr(self, "kms_key_identifier", None)
        if key is not None:
            description["KmsKeyIdentifier"] = key
        return description

    EventsHandler.create_connection = create_connection  # type: ignore[method-assign]
    EventsHandler.update_connection = update_connection  # type: ignore[method-assign]
    Connection.describe = describe  # type: ignore[method-assign]


def connection_updates_reach_the_secret() -> None:
    """UpdateConnection: moto replaces the connection's authorization parameters but leaves the
    secret that holds them as it was at creation, so a credential set with `update-connection`
    (the way a token is set without passing through Terraform) never reaches the secret. Here the
    updated parameters are written to the secret as its new current version, as EventBridge does;
    an update without `AuthParameters` leaves the secret alone."""
    from moto.events.responses import EventsHandler  # noqa: PLC0415

    stock_update = EventsHandler.update_connection

    def update_connection(self: EventsHandler) -> tuple[str, dict[str, Any]]:
        connection = _connection(self)
        response = stock_update(self)
        if self._get_param("AuthParameters") is not None:
            _secrets_backend(self.current_account, self.region).put_secret_value(
                secret_id=connection.secret_arn,
                secret_string=_secret_string(connection.auth_parameters),
                secret_binary=None,
                client_request_token=None,
                version_stages=["AWSCURRENT"],
            )
        return response

    EventsHandler.update_connection = update_connection  # type: ignore[method-assign]
