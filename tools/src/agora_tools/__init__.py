"""Agora's tooling: native provisioning of real servers (``agora_tools.infra``) and the
pytest fixtures that start them (``agora_tools.pytest_plugin``)."""
