#!/usr/bin/env python3
"""Context switches a second of a process's threads whose Linux name starts with PREFIX.

Usage: bench/thread-switches.py PID [PREFIX]   (PREFIX default: lw-capture)

Once a second, until the process ends, prints the threads seen in both of the last two reads and
the voluntary plus involuntary switches they made in between (/proc/PID/task/*/status), then the
median and 90th percentile over the seconds that had such threads. Used for BENCHMARKS runs P:

  java ... -jar target/linewatch.jar bench ... & bench/thread-switches.py $!
"""
import glob
import statistics
import sys
import time


def switches(pid, prefix):
    counts = {}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(task + "/comm") as f:
                if not f.read().startswith(prefix):
                    continue
            with open(task + "/status") as f:
                counts[task] = sum(int(line.split()[1]) for line in f if "ctxt_switches" in line)
        except (OSError, ValueError):
            pass  # the thread ended between the listing and the read
    return counts


def main():
    pid = sys.argv[1]
    prefix = sys.argv[2] if len(sys.argv) > 2 else "lw-capture"
    before, rates = {}, []
    while glob.glob(f"/proc/{pid}/status"):
        now = switches(pid, prefix)
        both = [t for t in now if t in before]
        if both:
            rate = sum(now[t] - before[t] for t in both)
            rates.append(rate)
            print(f"{time.strftime('%T')} threads {len(both)} switches/s {rate}", flush=True)
        before = now
        time.sleep(1)
    if rates:
        rates.sort()
        print(f"median {statistics.median(rates):.0f} switches/s, p90 {rates[int(len(rates) * 0.9) - 1]},"
              f" over {len(rates)} s")


if __name__ == "__main__":
    main()
