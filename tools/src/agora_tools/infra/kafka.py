"""Apache Kafka: one KRaft node (broker and controller in one JVM), from the broker's
jars on Maven Central, resolved by Maven from a generated pom and run on the JDK.

No distribution tarball is needed: the jars that ``kafka_2.13`` and ``kafka-tools``
pull in are the broker, its storage formatter (``kafka.tools.StorageTool``) and the
command-line tools (``ConsoleConsumer``), the same classes the ``bin/*.sh`` scripts run.
"""

from __future__ import annotations

import base64
import socket
import struct
import subprocess
import uuid
from pathlib import Path

from agora_tools.infra.base import HOST, Server, env_port, run
from agora_tools.infra.toolchains import java, maven_fetch

VERSION = "4.3.1"
SCALA = "2.13"
# Kafka logs through SLF4J 1.x; this binding sends it to Log4j 2, which the broker
# already depends on (same version as the log4j-core the broker pulls in).
LOG4J = "2.25.4"

CONSOLE_CONSUMER = "org.apache.kafka.tools.consumer.ConsoleConsumer"

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.agora.infra</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka_{scala}</artifactId>
      <version>{version}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId>
      <version>{version}</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId>
      <version>{log4j}</version>
    </dependency>
  </dependencies>
</project>
"""

_LOG4J_CONFIG = """status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.target = {target}
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = {level}
rootLogger.appenderRef.out.ref = OUT
"""


class Kafka(Server):
    name = "kafka"
    version = VERSION
    start_timeout = 120.0

    def __init__(
        self,
        *,
        port: int | None = None,
        controller_port: int | None = None,
        home: Path | None = None,
    ) -> None:
        """The broker of this checkout; or, given ``port``, ``controller_port`` and
        ``home``, another one beside it (a test's own, which it may stop and start
        without disturbing the tests that share the first)."""
        super().__init__()
        self.port = port or env_port("KAFKA", 9092)
        self.controller_port = controller_port or env_port("KAFKA_CONTROLLER", 9093)
        if home is not None:
            self.home = home
            self.log_file = home / "kafka.log"
            self.pid_file = home / "pid"
        self.dist = self.cache / VERSION
        self.jars_dir = self.dist / "libs"
        self.data_dir = self.home / "data"
        self.config_file = self.home / "server.properties"

    @property
    def bootstrap_servers(self) -> str:
        return f"{HOST}:{self.port}"

    def install(self) -> None:
        marker = self.dist / ".complete"
        if marker.exists():
            return
        self.dist.mkdir(parents=True, exist_ok=True)
        (self.dist / "pom.xml").write_text(_POM.format(version=VERSION, scala=SCALA, log4j=LOG4J))
        maven_fetch(
            [
                "dependency:copy-dependencies",
                f"-DoutputDirectory={self.jars_dir}",
                "-DincludeScope=runtime",
            ],
            self.dist,
        )
        for name, target, level in (
            ("server", "SYSTEM_OUT", "INFO"),
            ("tools", "SYSTEM_ERR", "WARN"),
        ):
            (self.dist / f"log4j2-{name}.properties").write_text(
                _LOG4J_CONFIG.format(target=target, level=level)
            )
        marker.touch()

    def classpath(self) -> str:
        return ":".join(str(jar) for jar in sorted(self.jars_dir.glob("*.jar")))

    @property
    def tools_log_config(self) -> Path:
        return self.dist / "log4j2-tools.properties"

    def java_command(self, main_class: str, *args: str) -> list[str]:
        """A command running one of Kafka's tools (a main class) from the cached jars."""
        return tool_command(self.classpath(), self.tools_log_config, main_class, *args)

    def prepare(self) -> None:
        self.config_file.write_text(
            "\n".join(
                [
                    "process.roles=broker,controller",
                    "node.id=1",
                    f"controller.quorum.voters=1@{HOST}:{self.controller_port}",
                    f"listeners=PLAINTEXT://{HOST}:{self.port},CONTROLLER://{HOST}:{self.controller_port}",
                    f"advertised.listeners=PLAINTEXT://{HOST}:{self.port}",
                    "controller.listener.names=CONTROLLER",
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
                    f"log.dirs={self.data_dir}",
                    "num.partitions=1",
                    "auto.create.topics.enable=true",
                    # One node: every internal topic has one replica.
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1",
                    # Tests join groups one after another; waiting for more members is wasted time.
                    "group.initial.rebalance.delay.ms=0",
                    "",
                ]
            )
        )
        if not (self.data_dir / "meta.properties").exists():
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
            run(
                self.java_command(
                    "kafka.tools.StorageTool",
                    "format",
                    "--ignore-formatted",
                    # One argument with "=": a random id may begin with "-", which a
                    # separate argument would make look like an option.
                    f"--cluster-id={cluster_id}",
                    "-c",
                    str(self.config_file),
                ),
                timeout=120,
            )

    def command(self) -> list[str]:
        return [
            java(),
            "-Xms512m",
            "-Xmx512m",
            "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={self.dist / 'log4j2-server.properties'}",
            "-cp",
            self.classpath(),
            "kafka.Kafka",
            str(self.config_file),
        ]

    def ready(self) -> bool:
        return api_versions_ok(HOST, self.port)

    def endpoints(self) -> dict[str, str]:
        return {"bootstrap": self.bootstrap_servers, "controller": f"{HOST}:{self.controller_port}"}

    def console_consumer(
        self, topic: str, max_messages: int = 1, timeout_s: float = 30.0
    ) -> list[str]:
        return console_consumer(
            self.classpath(),
            self.tools_log_config,
            self.bootstrap_servers,
            topic,
            max_messages=max_messages,
            timeout_s=timeout_s,
        )


def tool_command(classpath: str, log_config: Path, main_class: str, *args: str) -> list[str]:
    return [
        java(),
        "-Xmx256m",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={log_config}",
        "-cp",
        classpath,
        main_class,
        *args,
    ]


def console_consumer(
    classpath: str,
    log_config: Path,
    bootstrap_servers: str,
    topic: str,
    *,
    max_messages: int = 1,
    timeout_s: float = 30.0,
    from_beginning: bool = True,
    properties: dict[str, str] | None = None,
) -> list[str]:
    """Read ``topic`` with Kafka's own console consumer; the lines it printed, in order
    (the values, plus keys or headers when ``properties`` ask for them, such as
    ``{"print.key": "true"}``)."""
    args = tool_command(
        classpath,
        log_config,
        CONSOLE_CONSUMER,
        "--bootstrap-server",
        bootstrap_servers,
        "--topic",
        topic,
        "--max-messages",
        str(max_messages),
        "--timeout-ms",
        str(int(timeout_s * 1000)),
        *(["--from-beginning"] if from_beginning else []),
        *(
            arg
            for key, value in (properties or {}).items()
            for arg in ("--formatter-property", f"{key}={value}")
        ),
    )
    # The tool exits non-zero when it times out before max_messages; what it printed
    # so far is still the answer, so no check here.
    result = subprocess.run(  # noqa: S603 - fixed java command, no shell
        args, capture_output=True, text=True, timeout=timeout_s + 60, check=False
    )
    return [line for line in result.stdout.splitlines() if line]


def api_versions_ok(host: str, port: int) -> bool:
    """Whether a Kafka broker answers ApiVersions (the first request every client sends)."""
    client_id = b"agora-infra"
    # api_key 18 (ApiVersions), version 0, correlation id 1, client id
    request = struct.pack(">hhih", 18, 0, 1, len(client_id)) + client_id
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            sock.settimeout(2)
            sock.sendall(struct.pack(">i", len(request)) + request)
            size = struct.unpack(">i", _recv_exact(sock, 4))[0]
            correlation_id, error_code = struct.unpack(">ih", _recv_exact(sock, size)[:6])
    except (OSError, struct.error):
        return False
    return bool(correlation_id == 1 and error_code == 0)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            raise OSError("connection closed")
        data += chunk
    return data
