#!/usr/bin/python3
"""A GStreamer RTSP server for linewatch's tests: a moving test pattern as MJPEG over RTP, or a
video file re-encoded as H.264 (OpenH264, a key frame every second, no B-frames) over RTP.

Usage: rtsp_server.py PORT [WIDTH HEIGHT FPS [h264:FILE | jpegs:PATTERN]]
jpegs:PATTERN streams the numbered JPEG files PATTERN (printf style, from 0) once, as they are, at FPS
(MJPEG over RTP: each picture keeps its own size, so a camera that changes size mid-stream can be shown).
Serves rtsp://127.0.0.1:PORT/cam on the loopback interface only, prints "ready" once it listens,
and runs until it is killed. Needs Debian's python3-gi, gir1.2-gst-rtsp-server-1.0,
gstreamer1.0-plugins-base and gstreamer1.0-plugins-good; H.264 also gstreamer1.0-plugins-bad
(openh264enc, h264parse) (.ci/run installs them).
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    port = sys.argv[1]
    width, height, fps = (sys.argv[2:5] + ["320", "240", "15"][len(sys.argv[2:5]):])
    source = sys.argv[5] if len(sys.argv) > 5 else "mjpeg"
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    if source.startswith("h264:"):
        factory.set_launch(
            f"( filesrc location={source[5:]} ! decodebin ! videoconvert ! videoscale ! videorate "
            f"! video/x-raw,format=I420,width={width},height={height},framerate={fps}/1 "
            f"! openh264enc bitrate=3000000 gop-size={fps} ! h264parse "
            "! rtph264pay name=pay0 pt=96 config-interval=-1 )")
    elif source.startswith("jpegs:"):
        factory.set_launch(
            f"( multifilesrc location={source[6:]} index=0 caps=image/jpeg,framerate={fps}/1 "
            "! jpegparse ! rtpjpegpay name=pay0 pt=26 )")
    else:
        factory.set_launch(
            "( videotestsrc is-live=true pattern=ball "
            f"! video/x-raw,format=I420,width={width},height={height},framerate={fps}/1 "
            "! jpegenc quality=80 ! rtpjpegpay name=pay0 pt=26 )")
    factory.set_shared(True)
    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{port}", file=sys.stderr, flush=True)
        sys.exit(1)
    print("ready", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
