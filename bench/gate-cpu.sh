#!/bin/bash
# CPU the motion gate saves (issue 22): the shipped conveyor clip with 30 s of its first frame held
# before it and 30 s of its last after it (2500 frames, 1500 of them still), replayed as fast as
# possible with the gate off and on at its default (motion_gate: {}), alternating, two rounds each;
# CPU seconds of the whole process (user + sys, /usr/bin/time), so JVM start and model load count.
# Usage: mvn -B -ntp -q package -DskipTests && bench/gate-cpu.sh      (writes under $GATE_DIR)
cd "$(dirname "$0")/.."
G=${GATE_DIR:-/tmp/linewatch-gate}; mkdir -p $G
ffmpeg -v error -y -i samples/conveyor.mp4 -vf "tpad=start_mode=clone:start_duration=30:stop_mode=clone:stop_duration=30" \
    -c:v libx264 -preset ultrafast -crf 18 -pix_fmt yuv420p $G/idle60.mp4
sed -e "s|../../models/|$PWD/models/|" -e "s|../../samples/|$PWD/samples/|" deploy/examples/conveyor.yaml > $G/off.yaml
sed -e "s|    loop: false|    loop: false\n    motion_gate: {}|" $G/off.yaml > $G/on.yaml
for round in 1 2; do
  for mode in off on; do
    rm -rf $G/snapshots-$mode $G/events-$mode.jsonl
    /usr/bin/time -f "gate $mode, round $round: %U s user, %S s system, %e s wall" java -jar target/linewatch.jar replay \
        --no-mqtt --config $G/$mode.yaml --events $G/events-$mode.jsonl --snapshots $G/snapshots-$mode $G/idle60.mp4 2>&1 \
        | grep -E 'round|replay:|skipped|frames in'
  done
done
