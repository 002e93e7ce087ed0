#!/bin/bash
# Soak of the daemon (issue 19): the shipped conveyor clip looped at its own rate (25 fps), alarms
# through the on-disk outbox into a real Mosquitto; the daemon's resident memory every minute.
# Usage: mvn -B -ntp -q package -DskipTests && [SOAK_MINUTES=30] [SOAK_JAVA_OPTS=-Xmx256m] bench/soak.sh
# Writes $SOAK_DIR/rss.txt (default /tmp/linewatch-soak).
cd "$(dirname "$0")/.."
S=${SOAK_DIR:-/tmp/linewatch-soak}; mkdir -p $S
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > $S/mosquitto.conf <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
CONF
/usr/sbin/mosquitto -c $S/mosquitto.conf > $S/mosquitto.log 2>&1 &
MPID=$!
sleep 1
sed -e "s|loop: false|loop: true|" -e "s|../../models/|$PWD/models/|" -e "s|../../samples/|$PWD/samples/|" \
    -e "s|url: tcp://127.0.0.1:1883|url: tcp://127.0.0.1:$PORT|" -e "s|event_log: events.jsonl|event_log: $S/events.jsonl|" \
    -e "s|snapshots_dir: snapshots|snapshots_dir: $S/snapshots|" -e "s|dir: outbox |dir: $S/outbox |" \
    -e "s|^site: plant1|site: plant1\nnode: soak|" deploy/examples/conveyor.yaml > $S/linewatch.yaml
nice -n 10 java ${SOAK_JAVA_OPTS:-} -jar target/linewatch.jar run --config $S/linewatch.yaml --stats-interval 60 > $S/daemon.log 2>&1 &
DPID=$!
echo "minute rss_mib events outbox_files" > $S/rss.txt
MINUTES=${SOAK_MINUTES:-30}
for m in $(seq 0 $MINUTES); do
  rss=$(awk '/VmRSS/{printf "%.0f", $2/1024}' /proc/$DPID/status 2>/dev/null)
  ev=$(wc -l < $S/events.jsonl 2>/dev/null)
  ob=$(du -sk $S/outbox 2>/dev/null | cut -f1)
  echo "$m $rss $ev ${ob}KiB" >> $S/rss.txt
  [ $m -lt $MINUTES ] && sleep 60
done
kill -TERM $DPID; wait $DPID; echo "daemon exit $?" >> $S/rss.txt
kill $MPID
echo done > $S/done
