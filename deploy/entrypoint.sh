#!/bin/sh
# The container's entrypoint (deploy/Dockerfile): starts the gateway in the current directory, which holds
# gateway.jar, conf/ (yours), container-conf/ (the image's: the probes listener), data/, logs/, run/ and secrets/.
#
# Two HTTP listeners:
#   127.0.0.1:$ROBMQTT_HTTP_PORT (8080)     everything, the Web Console included: loopback only, so reach it
#                                           with `kubectl port-forward`, `docker exec`, or a TLS proxy in the pod
#   $ROBMQTT_PROBES_HOST:$ROBMQTT_PROBES_PORT (0.0.0.0:8081)
#                                           /health, /health/live, /health/ready and /metrics, nothing else
# ROBMQTT_CONSOLE_HOST=0.0.0.0 opens the main listener, and so the Web Console, on every interface: only behind
# a TLS-terminating proxy (README, Security).
#
# The Web Console has no default password: without secrets/console-password a random one is made where secrets/
# is writable; where it is not (a read-only Secret mount without that key) the console stays locked.
# JAVA_OPTS adds JVM options (e.g. -XX:MaxRAMPercentage=75). exec: java gets SIGTERM and stops cleanly.
set -eu
umask 077 # everything the gateway writes (data/, logs/, run/) is its user's alone

if [ ! -s secrets/console-password ]; then
  if (head -c 18 /dev/urandom | base64 | tr -d '/+=\n' > secrets/console-password) 2>/dev/null; then
    echo "Web Console login: admin, password in $(pwd)/secrets/console-password"
  else
    echo "WARN no secrets/console-password and secrets/ is not writable: the Web Console stays locked" >&2
  fi
fi

# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
exec java -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} \
  -Dorg.apache.felix.http.host="${ROBMQTT_CONSOLE_HOST:-127.0.0.1}" \
  -Dorg.osgi.service.http.port="${ROBMQTT_HTTP_PORT:-8080}" \
  -Drobmqtt.probes.host="${ROBMQTT_PROBES_HOST:-0.0.0.0}" \
  -Drobmqtt.probes.port="${ROBMQTT_PROBES_PORT:-8081}" \
  -Dfelix.fileinstall.dir=conf,container-conf -Dlogback.configurationFile=conf/logback.xml \
  -Djava.util.logging.config.file=conf/logging.properties \
  -jar gateway.jar
