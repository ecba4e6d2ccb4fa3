# The gateway's image: the self-contained distribution (its own jlink'd Java runtime) on a slim
# Debian, run as a non-root user. Build the distribution first, then the image, from the root:
#
#   ./mvnw -B -ntp -Pdist -DskipTests package -pl dist -am
#   docker build -t sluice:0.1.0-SNAPSHOT .
#
# The config is read from /etc/sluice/sluice.yaml (mount a ConfigMap or a file there); keys come
# from the environment it names. See docs/deploying.md. .ci/check-image checks this file against
# the distribution, since CI cannot pull the base image.
FROM debian:bookworm-slim

# Must match the version in pom.xml: the folder the build made is dist/target/sluice-VERSION.
ARG SLUICE_VERSION=0.1.0-SNAPSHOT

# A fixed numeric id, so that runAsUser/runAsNonRoot in deploy/ can name it without a lookup.
RUN groupadd --system --gid 10001 sluice \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin sluice

# Owned by root and not writable by the gateway's user: the gateway only reads its files.
COPY dist/target/sluice-${SLUICE_VERSION}/ /opt/sluice/
COPY dist/src/main/dist/conf/sluice.yaml /etc/sluice/sluice.yaml

# Netty unpacks its native transport into java.io.tmpdir; with a read-only root file system,
# mount a writable /tmp (deploy/ does, as an emptyDir).
ENV SLUICE_JAVA_OPTS="-Djava.io.tmpdir=/tmp"

USER 10001:10001
WORKDIR /opt/sluice
EXPOSE 8080
# bin/sluice execs java, so the JVM is PID 1 and receives SIGTERM itself.
ENTRYPOINT ["/opt/sluice/bin/sluice"]
CMD ["gateway", "--config", "/etc/sluice/sluice.yaml"]
