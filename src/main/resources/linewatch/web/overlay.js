// A clip's overlays: its sidecar (<clip>.frames.json, docs/schema/clip-frames.v1.json) drawn on a
// canvas laid over the <video>, the frame whose clip time `t` is the last at or before the video's
// currentTime. Boxes with class and track id, hotspots with their temperature, defect regions and
// their masks (runs). The canvas's pixels are the source's (the clip is the source's packets); CSS
// scales it with the video. The canvas keeps what it drew in data attributes: data-shapes (shapes of
// the frame on it), data-frame (its frame number) and data-t (its clip time).

const COLOURS = ['#ff3b30', '#ffcc00', '#34c759', '#5ac8fa', '#af52de', '#ff9500'];
/** A frame further than this from the video's time is not shown (the pipeline dropped frames there). */
const MAX_GAP_S = 0.5;

const colourOf = (() => {
  const known = new Map();
  return (name) => {
    if (!known.has(name)) known.set(name, COLOURS[known.size % COLOURS.length]);
    return known.get(name);
  };
})();

/** The sidecar's URL beside the clip's: 000012-ab12.mp4 -> 000012-ab12.frames.json. */
export function sidecarUrl(clipUrl) {
  const [path] = clipUrl.split('?');
  return path.replace(/\.[A-Za-z0-9]+$/, '.frames.json');
}

/** Draws the sidecar at `sidecar` over `video` in `canvas` while the video plays or seeks. */
export async function attachOverlay(video, canvas, sidecar) {
  const r = await fetch(sidecar, { cache: 'no-store' });
  if (!r.ok) throw new Error(`${sidecar}: ${r.status}`);
  const frames = (await r.json()).frames;
  const draw = () => drawAt(video, canvas, frames, video.currentTime);
  const onFrame = () => { draw(); video.requestVideoFrameCallback(onFrame); };
  if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(onFrame);
  for (const name of ['loadeddata', 'seeked', 'timeupdate', 'play', 'pause']) video.addEventListener(name, draw);
  draw();
}

/** The index of the last frame whose t is at or before `time`, or -1. */
function frameAt(frames, time) {
  let lo = 0;
  let hi = frames.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid].t <= time + 1e-3) { found = mid; lo = mid + 1; } else hi = mid - 1;
  }
  return found;
}

function drawAt(video, canvas, frames, time) {
  if (!video.videoWidth) return;
  if (canvas.width !== video.videoWidth || canvas.height !== video.videoHeight) {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
  }
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, canvas.width, canvas.height);
  const i = frameAt(frames, time);
  const f = i < 0 || time - frames[i].t > MAX_GAP_S ? null : frames[i];
  let shapes = 0;
  if (f) {
    shapes += drawMask(g, f.mask, canvas);
    shapes += drawBoxes(g, f.detections, (d) => d.class + (d.track ? ` #${d.track}` : ''));
    // regions: a segmentation camera's defects (class, area), or a classification camera's fixed
    // regions (the state decided there).
    shapes += drawBoxes(g, f.regions, (d) => (d.decided !== undefined ? `${d.region}: ${d.decided}`
      : `${d.class} ${d.area_mm2.toFixed(1)} mm²`));
    shapes += drawHotspots(g, f.hotspots);
  }
  canvas.dataset.shapes = String(shapes);
  canvas.dataset.frame = f ? String(f.frame) : '';
  canvas.dataset.t = f ? String(f.t) : '';
}

function drawBoxes(g, items, label) {
  if (!items) return 0;
  g.lineWidth = 2;
  g.font = '12px sans-serif';
  let drawn = 0;
  for (const d of items) {
    if (!d.box) continue;
    const [x1, y1, x2, y2] = d.box;
    g.strokeStyle = g.fillStyle = colourOf(d.class !== undefined ? d.class : d.decided);
    drawn++;
    g.strokeRect(x1, y1, x2 - x1, y2 - y1);
    g.fillText(label(d), x1 + 2, Math.max(12, y1 - 3));
  }
  return drawn;
}

function drawHotspots(g, spots) {
  if (!spots) return 0;
  g.lineWidth = 2;
  g.font = '12px sans-serif';
  g.strokeStyle = g.fillStyle = '#00e5ff';
  for (const s of spots) {
    g.beginPath();
    g.arc(s.x, s.y, 8, 0, 2 * Math.PI);
    g.stroke();
    if (s.peak_k != null) g.fillText(`${(s.peak_k - 273.15).toFixed(1)} °C`, s.x + 10, s.y - 6);
  }
  return spots.length;
}

/** The mask's runs (row-major start, length pairs per class) in the class's colour, see-through. */
function drawMask(g, mask, canvas) {
  if (!mask) return 0;
  const [w, h] = mask.size;
  let classes = 0;
  g.save();
  g.scale(canvas.width / w, canvas.height / h);
  g.globalAlpha = 0.45;
  for (const [name, runs] of Object.entries(mask.runs)) {
    if (!runs.length) continue;
    g.fillStyle = colourOf(name);
    for (let k = 0; k + 1 < runs.length; k += 2) {
      g.fillRect(runs[k] % w, Math.floor(runs[k] / w), runs[k + 1], 1);
    }
    classes++;
  }
  g.restore();
  return classes;
}
