pytest_plugins = ["agora_kit.testing.fixtures"]
