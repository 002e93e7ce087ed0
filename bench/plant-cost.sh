#!/usr/bin/env bash
# The cost per frame of OPC UA and Sparkplug B both on against both off (issue 16): linewatch run on the
# shipped conveyor clip, looped and read as fast as the pipeline takes it (pacing: fast), MQTT on to a
# Mosquitto this script starts on a free loopback port (in both runs, so only the two servers differ),
# /metrics on; once started (the OPC UA server listening and the Sparkplug node's births sent, or after
# as long with both off), frames inferred and the process's CPU time over PLANT_WINDOW_SECONDS (default
# 60). Prints one line for off, one for on. Needs `mvn test-compile` first and /usr/sbin/mosquitto.
set -euo pipefail
cd "$(dirname "$0")/.."
window=${PLANT_WINDOW_SECONDS:-60}
work=$(mktemp -d)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http_port=$(free_port)
ua_port=$(free_port)
mqtt_port=$(free_port)
/usr/sbin/mosquitto -p "$mqtt_port" > "$work/mosquitto.log" 2>&1 &
broker=$!
trap 'kill $broker 2>/dev/null || true; rm -rf "$work"' EXIT
cp="target/classes:$(cat target/runtime.classpath)"
for mode in off on; do
  enabled=$([ "$mode" = on ] && echo true || echo false)
  sed -e "s|\.\./\.\./|$PWD/|" -e 's/    pacing: realtime/    pacing: fast/' -e 's/    loop: false/    loop: true/' \
      -e "s|url: tcp://127.0.0.1:1883|url: tcp://127.0.0.1:$mqtt_port|" -e "s|dir: outbox |dir: $work/outbox-$mode |" \
      -e "/^  sparkplug:/,/^    enabled:/s/^    enabled: false/    enabled: $enabled/" \
      -e "s|  port: 0 |  port: $http_port |" -e "s|event_log: events.jsonl|event_log: $work/events.jsonl|" \
      -e "s|snapshots_dir: snapshots|snapshots_dir: $work/snapshots|" deploy/examples/conveyor.yaml > "$work/$mode.yaml"
  printf '\nopcua:\n  enabled: %s\n  port: %s\n  state_dir: %s/opcua\n' "$enabled" "$ua_port" "$work" >> "$work/$mode.yaml"
  java -cp "$cp" io.linewatch.cli.Main run --config "$work/$mode.yaml" > "$work/$mode.log" 2>&1 &
  pid=$!
  ready=$([ "$mode" = on ] && echo 'OPC UA server on' || echo 'STREAMING')
  for _ in $(seq 1 180); do grep -q "$ready" "$work/$mode.log" && break; sleep 1; done
  sleep $([ "$mode" = on ] && echo 20 || echo 60)   # with them off, about as long as the servers take to start here
  frames() { curl -s "http://127.0.0.1:$http_port/metrics" | awk '/^linewatch_frames_inferred_total/ {print $2}'; }
  ticks() { awk '{print $14+$15}' "/proc/$pid/stat"; }
  f0=$(frames); c0=$(ticks); t0=$(date +%s.%N)
  sleep "$window"
  f1=$(frames); c1=$(ticks); t1=$(date +%s.%N)
  kill "$pid"; wait "$pid" || true
  grep -q "sparkplug: connected" "$work/$mode.log" && echo "($mode: the Sparkplug node was connected)"
  python3 -c "
f = float('$f1') - float('$f0'); t = float('$t1') - float('$t0'); cpu = (int('$c1') - int('$c0')) / $(getconf CLK_TCK)
print('opcua+sparkplug $mode: %.0f frames in %.1f s: %.1f fps; process CPU %.1f s: %.1f ms a frame' % (f, t, f / t, cpu, cpu * 1000 / f))"
done
