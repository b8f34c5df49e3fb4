"""Where the bearer token comes from: an environment variable, or azure-identity (optional).

A target profile says `token: {env: NAME}` (default GRAPH_TOKEN) and, optionally,
`provider: azure-client-credentials` or `provider: azure-device-code` for when the variable is
empty. azure-identity is the optional extra `azure` (pip install '.[azure]').
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType

from ..errors import ConfigError

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
PROVIDERS = ("azure-client-credentials", "azure-device-code")


def _azure_identity() -> ModuleType:
    try:
        return importlib.import_module("azure.identity")
    except ImportError:
        raise ConfigError(
            "token.provider needs azure-identity: install the optional extra with "
            "`.venv/bin/pip install -e '.[azure]'`, or export the token instead."
        ) from None


def _required(env: Mapping[str, str], names: tuple[str, ...], provider: str) -> list[str]:
    missing = [name for name in names if not env.get(name)]
    if missing:
        raise ConfigError(f"token.provider {provider} needs {', '.join(missing)} to be set.")
    return [env[name] for name in names]


def token_from_provider(provider: str, env: Mapping[str, str]) -> str:
    """Asks azure-identity for a Microsoft Graph token; one sentence on any failure."""
    if provider not in PROVIDERS:
        raise ConfigError(f"token.provider {provider!r} is not known; use one of {PROVIDERS}.")
    identity = _azure_identity()
    if provider == "azure-client-credentials":
        tenant, client, secret = _required(
            env, ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"), provider
        )
        credential = identity.ClientSecretCredential(tenant, client, secret)
    else:
        tenant, client = _required(env, ("AZURE_TENANT_ID", "AZURE_CLIENT_ID"), provider)
        credential = identity.DeviceCodeCredential(client_id=client, tenant_id=tenant)
    try:
        return str(credential.get_token(GRAPH_SCOPE).token)
    except Exception as exc:  # azure-identity raises many types; the user needs one sentence
        raise ConfigError(
            f"azure-identity could not get a token ({type(exc).__name__}); check the "
            "AZURE_* variables and the app registration."
        ) from None
