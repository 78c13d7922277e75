# syntax=docker/dockerfile:1
# One image per part of Agora, all from this file:
#
#   docker build --build-arg SERVICE=user -t agora-user .
#
# SERVICE is one of gateway, user, catalog, order, payment, notification. The image
# holds that part, the `agora` command and their dependencies only (uv installs the
# two workspace packages, not the workspace), runs as an unprivileged user, and
# starts `agora serve SERVICE` on 0.0.0.0, at the part's port (8000 gateway, 8001
# user ... 8005 notification; AGORA_<PART>_PORT moves it). Run migrations with
# the same image: `docker run ... agora-user agora migrate user`.
# Design: docs/adr/0072-container-images.md.

# BASE_IMAGE: the same Python, pinned, in both stages (the virtualenv moves between
# them). Where no registry is reachable, `make images` builds one from Debian's
# packages and passes it here (docs/adr/0087-images-built-and-run-with-podman.md).
# checkov:skip=CKV_DOCKER_7: FROM names the BASE_IMAGE argument, whose default above is a pinned tag
ARG BASE_IMAGE=python:3.11.14-slim-bookworm

# ---- build: resolve and install into a self-contained virtualenv ----
FROM ${BASE_IMAGE} AS build
ARG SERVICE
# The uv the Makefile pins, installed the way the Makefile does.
ARG UV_VERSION=0.9.30
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# binutils' strip, for the extension modules below; the build stage's only, so the
# runtime image has no binutils. Unpinned: the base image's Debian release decides.
# hadolint ignore=DL3008
RUN if [ -z "${SERVICE}" ]; then echo "build with --build-arg SERVICE=<part>" >&2; exit 1; fi \
    && apt-get update \
    && apt-get install --yes --no-install-recommends binutils \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir --disable-pip-version-check "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/agora
WORKDIR /src
COPY . .
# Versions come from the root pyproject's constraint-dependencies (no lockfile is
# committed, docs/adr/0002). --package twice: the CLI and the one part, nothing else;
# --no-editable: the virtualenv does not refer back to /src. The wheels' extension
# modules ship with their symbols and debug information (uvloop's alone is 13 MB);
# stripped, they load and run the same, at a fraction of the size (ADR 0099). Nor
# does anything import the wheels' type stubs, Cython and C sources or bundled test
# suites; the venv's activation scripts serve a shell, which the image never starts.
# botocore (the catalog's S3 image store) ships the models of every AWS service, 29 MB;
# only S3's and those of the credential providers (STS, SSO, sign-in) are used
# (ADR 0103). In the other images the loop finds nothing to remove.
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --no-dev --no-editable --package agora-cli --package "agora-${SERVICE}" \
    && find /opt/agora -name "*.so" -type f -exec strip --strip-unneeded {} + \
    && find /opt/agora/lib -type f \( -name "*.pyi" -o -name "*.pyx" -o -name "*.pxd" \
       -o -name "*.c" -o -name "*.h" -o -name "*.cpp" \) -delete \
    && rm -rf /opt/agora/lib/python3*/site-packages/*/tests \
    && for model in /opt/agora/lib/python3*/site-packages/botocore/data/*/; do \
         case "$(basename "$model")" in s3|sts|sso|sso-oidc|signin) ;; *) rm -rf "$model" ;; esac; \
       done \
    && rm -f /opt/agora/bin/activate* /opt/agora/bin/*.bat \
    && cp deploy/docker/healthcheck.py /opt/agora/healthcheck.py

# ---- runtime: the virtualenv on a slim Python, as a non-root user ----
FROM ${BASE_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="agora-${SERVICE}" \
      org.opencontainers.image.description="Agora ${SERVICE}: part of an open multi-vendor commerce backend" \
      org.opencontainers.image.vendor="Agora"
# A fixed uid/gid above 10000, so it matches no host user and Kubernetes'
# runAsNonRoot can check it numerically. /var/lib/agora/media is the catalog's local
# image store when a volume is mounted there (docker-compose.yml): the user's own, and
# a new named volume takes that owner from the image (ADR 0103).
RUN groupadd --system --gid 10001 agora \
    && useradd --system --uid 10001 --gid agora --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin agora \
    && install -d -o agora -g agora -m 0755 /var/lib/agora/media
COPY --from=build /opt/agora /opt/agora
ENV PATH="/opt/agora/bin:${PATH}" \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    AGORA_PART=${SERVICE}
WORKDIR /opt/agora
USER 10001:10001
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "/opt/agora/healthcheck.py"]
STOPSIGNAL SIGTERM
# exec: agora becomes PID 1 and gets SIGTERM itself (it drains and stops cleanly).
CMD ["/bin/sh", "-c", "exec agora serve \"$AGORA_PART\" --host 0.0.0.0"]
