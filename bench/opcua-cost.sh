#!/usr/bin/env bash
# The OPC UA server's cost per frame (issue 16): linewatch run on the shipped conveyor clip, looped and
# read as fast as the pipeline takes it (pacing: fast), MQTT off, /metrics on; once started (the OPC UA
# server listening, or after as long with it off), frames inferred and the process's CPU time over
# OPCUA_WINDOW_SECONDS (default 60). Prints one line for off, one for on. Needs `mvn test-compile` first.
set -euo pipefail
cd "$(dirname "$0")/.."
window=${OPCUA_WINDOW_SECONDS:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
http_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ua_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp="target/classes:$(cat target/runtime.classpath)"
for mode in off on; do
  enabled=$([ "$mode" = on ] && echo true || echo false)
  sed -e "s|\.\./\.\./|$PWD/|" -e 's/    pacing: realtime/    pacing: fast/' -e 's/    loop: false/    loop: true/' \
      -e '0,/^  enabled: true/s//  enabled: false/' \
      -e "s|  port: 0 |  port: $http_port |" -e "s|event_log: events.jsonl|event_log: $work/events.jsonl|" \
      -e "s|snapshots_dir: snapshots|snapshots_dir: $work/snapshots|" deploy/examples/conveyor.yaml > "$work/$mode.yaml"
  printf '\nopcua:\n  enabled: %s\n  port: %s\n  state_dir: %s/opcua\n' "$enabled" "$ua_port" "$work" >> "$work/$mode.yaml"
  java -cp "$cp" io.linewatch.cli.Main run --config "$work/$mode.yaml" > "$work/$mode.log" 2>&1 &
  pid=$!
  ready=$([ "$mode" = on ] && echo 'OPC UA server on' || echo 'STREAMING')
  for _ in $(seq 1 180); do grep -q "$ready" "$work/$mode.log" && break; sleep 1; done
  sleep $([ "$mode" = on ] && echo 20 || echo 60)   # with it off, about as long as the server takes to start here
  frames() { curl -s "http://127.0.0.1:$http_port/metrics" | awk '/^linewatch_frames_inferred_total/ {print $2}'; }
  ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }
  f0=$(frames); c0=$(ticks); t0=$(date +%s.%N)
  sleep "$window"
  f1=$(frames); c1=$(ticks); t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" || true
  python3 -c "
f = float('$f1') - float('$f0'); t = float('$t1') - float('$t0'); cpu = (int('$c1') - int('$c0')) / $(getconf CLK_TCK)
print('opcua $mode: %.0f frames in %.1f s: %.1f fps; process CPU %.1f s: %.1f ms a frame' % (f, t, f / t, cpu, cpu * 1000 / f))"
done
