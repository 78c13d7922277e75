pytest_plugins = ["agora_kit.testing.fixtures", "agora_tools.pytest_plugin"]
