"""A stand-in for systemd's notification socket: binds a Unix datagram socket at argv[1] and prints
each notification on one line (newlines inside it shown as '|'), flushing at once."""
import os
import socket
import sys

path = sys.argv[1]
if os.path.exists(path):
    os.unlink(path)
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
print("listening", flush=True)
while True:
    data = s.recv(4096)
    print(data.decode("utf-8", "replace").strip().replace("\n", "|"), flush=True)
