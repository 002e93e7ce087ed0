// The linewatch console: plain ES module, no build step. Reads /api/status every second, pulls each
// camera's live picture about 5 times a second while the page is open, and listens to the pushed
// alarm stream (server-sent events).
import uPlot from '/lib/uPlot.esm.js';
import { attachOverlay, sidecarUrl } from '/overlay.js';

const LIVE_PERIOD_MS = 200;
const COLOURS = ['#6cf', '#fc6', '#c6f', '#6fc', '#f6c', '#cf6'];
const $ = (sel) => document.querySelector(sel);
const cameras = new Map();      // id -> {card, img, last: {framesIn, at}}
const alarms = new Map();       // id -> element, the newest MAX_ALARMS_SHOWN
const MAX_ALARMS_SHOWN = 100;   // older ones are in the event log; a page left open all day stays light
const clipsDone = new Map();    // event id -> the clip message's clip ({path, ...} or {path: null, error})
let mayWrite = false;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function cameraCard(id) {
  const img = el('img', { alt: `live picture of ${id}`, 'data-frame': '' });
  const stats = el('div', { class: 'stats' });
  const card = el('article', { class: 'camera', id: `camera-${id}` }, el('h2', {}, id), img, stats);
  $('#cameras').append(card);
  $('#filters select[name=camera]').append(el('option', {}, id));
  const cam = { card, img, stats, last: null };
  cameras.set(id, cam);
  pullLive(id, cam);
  return cam;
}

// While the page is hidden (another tab, a minimised window) nothing is pulled, and the daemon stops
// encoding pictures no one watches.
const shown = () => new Promise((ok) => document.addEventListener('visibilitychange', ok, { once: true }));

async function pullLive(id, cam) {
  for (;;) {
    while (document.hidden) await shown();
    const started = performance.now();
    try {
      const r = await fetch(`/api/cameras/${encodeURIComponent(id)}/live.jpg`, { cache: 'no-store' });
      if (r.ok) {
        const url = URL.createObjectURL(await r.blob());
        const old = cam.img.src;
        cam.img.src = url;
        cam.img.dataset.frame = r.headers.get('X-Frame-Number') || '';
        if (old.startsWith('blob:')) URL.revokeObjectURL(old);
      }
    } catch (e) { /* the daemon restarts: try again */ }
    await new Promise((ok) => setTimeout(ok, Math.max(0, LIVE_PERIOD_MS - (performance.now() - started))));
  }
}

function showStatus(s) {
  $('#site').textContent = s.site;
  if (!$('#who').dataset.user) {
    $('#who').dataset.user = s.user;
    $('#who').append(s.user ? `${s.user}${s.mayWrite ? '' : ' (viewer)'}` : '');
    // A login session can end here; HTTP Basic cannot (the browser keeps sending it until it closes).
    if (s.session) $('#who').append(' ', el('form', { method: 'post', action: '/logout', class: 'logout' }, el('button', {}, 'log out')));
  }
  mayWrite = s.mayWrite;
  for (const c of s.cameras) {
    const cam = cameras.get(c.id) || cameraCard(c.id);
    let fps = '';
    if (cam.last) {
      fps = ((c.framesIn - cam.last.framesIn) / ((s.nowMillis - cam.last.at) / 1000)).toFixed(1);
    }
    cam.last = { framesIn: c.framesIn, at: s.nowMillis };
    cam.stats.innerHTML = '';
    cam.stats.append(el('span', { class: `state state-${c.state}` }, c.state), ` · ${fps} fps · in ${c.framesIn}`
      + ` · inferred ${c.inferred} · dropped ${c.dropped} · alarms ${c.alarms}`);
  }
  showHealth(s.health);
}

const megabytes = (bytes) => (bytes < 0 ? 'unreadable' : `${(bytes / 1e6).toFixed(1)} MB`);

// The health panel: one row each, with an id the test (and a curious operator) can find.
function showHealth(h) {
  const rows = [];
  const row = (id, name, value, good) => rows.push(el('tr', { id, class: good ? 'ok' : 'bad' }, el('th', {}, name), el('td', {}, value)));
  row('health-broker', 'broker', h.broker, h.broker === 'connected' || h.broker === 'off');
  if (h.outboxMessages !== undefined) {
    row('health-outbox', 'outbox', `${h.outboxMessages} waiting (${megabytes(h.outboxBytes)})${h.outboxError ? ' · ' + h.outboxError : ''}`,
      !h.outboxError);
  }
  for (const m of h.models) row(`health-model-${m.model}`, `model ${m.model}`, `${m.engine} · ${m.health}`, m.health === 'running');
  for (const l of h.lanes) row(`health-lane-${l.lane}`, `${l.lane} ring`, `${l.depth}/${l.slots}`, l.depth < l.slots);
  row('health-latency', 'latency p50 / p99', `${h.latencyP50Millis.toFixed(0)} / ${h.latencyP99Millis.toFixed(0)} ms`, true);
  row('health-snapshots', 'snapshots on disk', megabytes(h.snapshotsBytes), h.snapshotsBytes >= 0);
  if (h.clipsBytes !== undefined) {
    row('health-clips', 'clips on disk', `${megabytes(h.clipsBytes)} of ${megabytes(h.clipsMaxBytes)}`, h.clipsBytes <= h.clipsMaxBytes);
  }
  $('#health').replaceChildren(...rows);
}

// Charts by id: made at the first data, refilled after; made again when their series change.
const charts = new Map();       // id -> {plot, div, key}
function chart(id, cls, title, series, data, extra = {}) {
  const key = JSON.stringify(series.map((x) => x.label));
  let c = charts.get(id);
  if (c && c.key !== key) { c.plot.destroy(); c.div.remove(); c = null; }
  if (!c) {
    const div = el('div', { class: `chart ${cls}`, id });
    $('#charts').append(div);
    const plot = new uPlot({ title, width: 460, height: 180, series: [{}, ...series], ...extra }, data, div);
    c = { plot, div, key };
    charts.set(id, c);
  } else {
    c.plot.setData(data);
  }
  return c.div;
}

/** Resolves in a task of its own, after what is queued (an alarm pushed meanwhile goes first). */
const nextTask = () => new Promise((ok) => setTimeout(ok, 0));
const finite = (values) => values.filter((v) => v !== null && Number.isFinite(v));
const most = (values) => Math.max(0, ...finite(values));
const RAISE = { stroke: '#f44', dash: [6, 4] };
const CLEAR = { stroke: '#4c4', dash: [2, 4] };

// The last hour: each thermal camera's hottest pixel; each temperature rule's measure of its zone
// with its raise (red) and clear (green) levels; counts and drops per minute; latency; parts per hour.
// One chart per task: a chart draws in a microtask after it is made or refilled, so charts drawn in
// one go make one long task, and an alarm pushed meanwhile would wait for all of them.
async function showTrends(t) {
  for (const cam of t.thermal) {
    const div = chart(`thermal-${cam.camera}`, 'thermal', `${cam.camera}: hottest pixel °C, last hour`,
      [{ label: 'hottest °C', stroke: '#fa4' }], [cam.epochSeconds, cam.celsius]);
    div.dataset.maxC = String(most(cam.celsius));
    await nextTask();
  }
  for (const z of t.zones) {
    const series = [{ label: `${z.zone} ${z.measure} °C`, stroke: '#fa4' }];
    const data = [z.epochSeconds, z.celsius];
    if (z.raiseC !== undefined) {
      series.push({ label: 'raise', ...RAISE }, { label: 'clear', ...CLEAR });
      data.push(z.epochSeconds.map(() => z.raiseC), z.epochSeconds.map(() => z.clearC));
    }
    const div = chart(`zone-${z.camera}-${z.rule}`, 'zone', `${z.camera} · zone ${z.zone} (${z.rule}), last hour`,
      series, data);
    Object.assign(div.dataset, { camera: z.camera, rule: z.rule, zone: z.zone, maxC: String(most(z.celsius)),
      raiseC: z.raiseC === undefined ? '' : String(z.raiseC) });
    await nextTask();
  }
  const perMinute = async (kind, id, title) => {
    const chosen = t.perMinute.filter((p) => p.kind === kind);
    if (!chosen.length) return;
    const div = chart(id, 'per-minute', title, chosen.map((p, i) => ({ label: p.name, stroke: COLOURS[i % COLOURS.length] })),
      [t.samples, ...chosen.map((p) => p.values)]);
    div.dataset.max = String(Math.max(...chosen.map((p) => most(p.values))));
    await nextTask();
  };
  await perMinute('count', 'chart-counts', 'counts per minute');
  await perMinute('drops', 'chart-drops', 'dropped frames per minute');
  chart('chart-latency', 'latency', 'capture→publish p99 (ms)', [{ label: 'p99 ms', stroke: '#6cf' }],
    [t.samples, t.latencyP99Millis]).dataset.max = String(most(t.latencyP99Millis));
  await nextTask();
  for (const p of t.partsPerHour) {
    const bars = uPlot.paths.bars({ size: [0.4, 40] });
    const div = chart(`parts-${p.camera}`, 'parts', `${p.camera}: parts per hour`,
      [{ label: 'ok', stroke: '#4c4', fill: '#4c48', paths: bars }, { label: 'nok', stroke: '#f44', fill: '#f448', paths: bars }],
      [p.hourStarts, p.ok, p.nok]);
    div.dataset.ok = String(p.ok.reduce((a, b) => a + b, 0));
    div.dataset.nok = String(p.nok.reduce((a, b) => a + b, 0));
    await nextTask();
  }
}

async function pollTrends() {
  try {
    const r = await fetch('/api/trends', { cache: 'no-store' });
    if (r.ok) await showTrends(await r.json());
  } catch (e) { /* try again */ }
  setTimeout(pollTrends, 2000);
}

function evidenceUrl(kind, camera, path) {
  const name = String(path).split('/').pop();
  return `/evidence/${kind}/${encodeURIComponent(camera)}/${encodeURIComponent(name)}`;
}

// The list holds still under an operator at work in it. While the pointer moves over it, or focus is in
// it (a comment being typed), pushed alarms wait above the list behind a "new alarms" button instead of
// pushing the rows down: an operator about to acknowledge one alarm must not hit the next. They go in
// when the pointer or focus leaves, when the button is pressed, or after HOLD_IDLE_MS with no pointer
// or key activity in the list (a mouse left resting on it does not hide alarms for long).
const HOLD_IDLE_MS = 15000;
const held = new Map();         // event id -> {alarm, receivedMillis}, in arrival order
const heldAcks = new Map();     // event id -> an ack pushed for a held alarm
const hold = { pointerIn: false, activeAt: 0, releasing: false };

function holding() {
  const list = $('#alarms');
  return (hold.pointerIn || list.contains(document.activeElement)) && Date.now() - hold.activeAt < HOLD_IDLE_MS;
}

function showHeld() {
  const button = $('#alarms-held');
  button.dataset.count = String(held.size);
  button.textContent = `▲ ${held.size} new alarm${held.size === 1 ? '' : 's'}: show`;
}

function releaseHeld() {
  if (held.size === 0) return;
  const waiting = [...held.values()];
  held.clear();
  hold.releasing = true;  // the button pressed with focus still in the list: they go in all the same
  try {
    for (const h of waiting) addAlarm(h.alarm, 'stream', h.receivedMillis);
  } finally {
    hold.releasing = false;
  }
  for (const ack of heldAcks.values()) acknowledged(ack);
  heldAcks.clear();
  showHeld();
}

function watchHold() {
  const list = $('#alarms');
  const active = () => { hold.activeAt = Date.now(); };
  for (const type of ['pointermove', 'pointerdown', 'wheel', 'keydown', 'input']) list.addEventListener(type, active, { passive: true });
  list.addEventListener('pointerenter', () => { hold.pointerIn = true; active(); });
  list.addEventListener('pointerleave', () => { hold.pointerIn = false; if (!holding()) releaseHeld(); });
  list.addEventListener('focusin', active);
  list.addEventListener('focusout', () => setTimeout(() => { if (!holding()) releaseHeld(); }));
  $('#alarms-held').addEventListener('click', releaseHeld);
  setInterval(() => { if (held.size && !holding()) releaseHeld(); }, 1000);
}

function addAlarm(a, via, receivedMillis = Date.now()) {
  if (alarms.has(a.id) || held.has(a.id) || !a.id) return;
  if (via === 'stream' && !hold.releasing && holding()) {
    held.set(a.id, { alarm: a, receivedMillis });
    showHeld();
    return;
  }
  const item = el('li', { class: `alarm ${a.type}`, id: `alarm-${a.id}`, 'data-camera': a.camera, 'data-rule': a.rule || '',
    'data-type': a.type, 'data-received': String(receivedMillis), 'data-via': via });
  const what = a.class ? `${a.class}${a.track ? ' #' + a.track : ''}` : (a.measure ? `${a.measure} ${a.value}` : '');
  item.append(el('div', {}, `${a.type.toUpperCase()} ${a.rule || ''} · ${a.camera} · ${what} · ${a.time}`));
  if (a.snapshot) {
    item.append(el('img', { class: 'snapshot', alt: `snapshot of ${a.id}`, loading: 'lazy', decoding: 'async',
      src: evidenceUrl('snapshots', a.camera, a.snapshot) }));
  }
  if (a.clip && a.clip.path) item.append(el('div', { class: 'clip-box pending' }, 'clip being recorded…'));
  if (mayWrite && a.type === 'raised') item.append(ackForm(a.id));
  alarms.set(a.id, item);
  if (via === 'recent') $('#alarms').append(item); else $('#alarms').prepend(item);
  // Over the cap the bottom ones, the oldest shown, go; one whose clip the operator opened stays.
  for (let gone = $('#alarms').lastElementChild; alarms.size > MAX_ALARMS_SHOWN && gone;) {
    const above = gone.previousElementSibling;
    if (!gone.querySelector('video.clip')) {
      const oldest = gone.id.slice('alarm-'.length);
      alarms.delete(oldest);
      clipsDone.delete(oldest);
      gone.remove();
    }
    gone = above;
  }
  if (!alarms.has(a.id)) return;
  if (clipsDone.has(a.id)) clipReady(a.id);
  for (const name of ['rule']) {
    const sel = $(`#filters select[name=${name}]`);
    if (a[name] && ![...sel.options].some((o) => o.value === a[name])) sel.append(el('option', {}, a[name]));
  }
  filter(item, new FormData($('#filters')));
}

// The clip is written after the alarm (its post seconds); the daemon says when it is complete on disk
// with a clip message (pushed, or among the recent ones for a page opened later). Only then is it
// offered: no request for a clip that is not there yet. The player is made when the operator asks
// for it (a busy line raises many alarms; a hundred idle players would load a hundred clips). Its
// sidecar is renamed before the clip, so once the clip loads its overlays can be fetched and drawn.
function clipDone(message) {
  clipsDone.set(message.event_id, message.clip || { path: null, error: 'no clip' });
  if (alarms.has(message.event_id)) clipReady(message.event_id);
}

function clipReady(id) {
  const item = alarms.get(id);
  const pending = item.querySelector('.clip-box.pending');
  if (!pending) return;
  const clip = clipsDone.get(id);
  pending.replaceWith(clip.path ? clipOffer(item.dataset.camera, clip.path)
    : el('div', { class: 'clip-box failed' }, `no clip: ${clip.error || 'not written'}`));
}

function clipOffer(camera, path) {
  if (path.endsWith('.mkv')) {
    // Matroska clips hold what browsers do not decode (FFV1: a thermal camera's 16-bit counts): a download,
    // and the command that makes a playable copy with the overlays burnt in.
    return el('div', { class: 'clip-box download' }, el('a', { href: evidenceUrl('clips', camera, path), download: '' },
      '⬇ download clip (FFV1)'), ' · play it in ffplay or VLC, or `linewatch export-clip` for an MP4');
  }
  const box = el('div', { class: 'clip-box offered' });
  box.append(el('button', { class: 'play-clip', type: 'button', onclick: () => box.replaceWith(clipPlayer(camera, path)) },
    '▶ play clip'));
  return box;
}

function clipPlayer(camera, path) {
  const video = el('video', { class: 'clip', controls: '', muted: '', autoplay: '', preload: 'auto', playsinline: '' });
  const canvas = el('canvas', { class: 'overlay', 'data-shapes': '0' });
  const src = evidenceUrl('clips', camera, path);
  video.addEventListener('loadedmetadata', () => {
    attachOverlay(video, canvas, sidecarUrl(src)).catch((e) => { canvas.dataset.error = String(e); });
  }, { once: true });
  video.muted = true;
  video.src = src;
  return el('div', { class: 'clip-box' }, video, canvas);
}

function acknowledged(ack) {
  if (held.has(ack.id)) {
    heldAcks.set(ack.id, ack);
    return;
  }
  const item = alarms.get(ack.id);
  if (!item || item.classList.contains('acked')) return;
  item.classList.add('acked');
  item.append(el('div', { class: 'ack-by' }, `acknowledged by ${ack.user} (${ack.via})${ack.comment ? ': ' + ack.comment : ''}`));
}

// An operator's acknowledgement, with an optional comment (the POST's plain-text body). The daemon
// pushes it back to every page (the stream's ack message); a refusal (already acknowledged, cleared)
// is shown beside the button.
function ackForm(id) {
  const answer = el('span', { class: 'ack-answer' });
  const comment = el('input', { name: 'comment', maxlength: '500', placeholder: 'comment (optional)' });
  const form = el('form', { class: 'ack' }, comment, el('button', { type: 'submit' }, 'acknowledge'), answer);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    answer.textContent = '';
    try {
      const r = await fetch(`/api/alarms/${id}/ack`, { method: 'POST', body: comment.value,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
      if (!r.ok) answer.textContent = (await r.text()).trim();
    } catch (err) { answer.textContent = `not sent: ${err}`; }
  });
  return form;
}

function filter(item, f) {
  item.hidden = Boolean((f.get('camera') && item.dataset.camera !== f.get('camera'))
    || (f.get('rule') && item.dataset.rule !== f.get('rule'))
    || (f.get('type') && item.dataset.type !== f.get('type')));
}

function applyFilters() {
  const f = new FormData($('#filters'));
  for (const item of alarms.values()) filter(item, f);
}

async function poll() {
  try {
    const r = await fetch('/api/status', { cache: 'no-store' });
    if (r.ok) showStatus(await r.json());
  } catch (e) { /* try again */ }
  setTimeout(poll, 1000);
}

async function start() {
  $('#filters').addEventListener('change', applyFilters);
  watchHold();
  await poll();
  pollTrends();
  // The stream first, then the recent ones: an alarm accepted in between is not missed (ids dedupe).
  // Pushed alarms go on top at once; the recent ones, older, go below them, newest first.
  const stream = new EventSource('/api/alarms/stream');
  stream.addEventListener('alarm', (e) => addAlarm(JSON.parse(e.data), 'stream'));
  stream.addEventListener('clip', (e) => clipDone(JSON.parse(e.data)));
  stream.addEventListener('ack', (e) => acknowledged(JSON.parse(e.data)));
  const recent = await (await fetch('/api/alarms', { cache: 'no-store' })).json();
  for (const c of recent.clips) clipDone(c);
  for (const a of recent.alarms.slice(-MAX_ALARMS_SHOWN).reverse()) addAlarm(a, 'recent');
  for (const ack of recent.acks) acknowledged(ack);  // who, how and why, as a pushed ack shows it
}

start();
