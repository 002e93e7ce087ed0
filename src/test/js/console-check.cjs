// Drives Debian's Chromium (headless, through playwright-core) against a running linewatch console
// and prints one line of JSON with what it saw; ConsoleBrowserTest judges it.
// Usage: node console-check.cjs BASE_URL OPERATOR:PASSWORD VIEWER:PASSWORD CAMERAS(comma-separated) OUT_DIR
// LINEWATCH_CPU_THROTTLE=N (in the environment of the test) shows the page on an N times slower box.
const { chromium, request } = require('playwright-core');

const [base, operator, viewer, cameraList, outDir] = process.argv.slice(2);
const cameras = cameraList.split(',');
const creds = (pair) => ({ username: pair.split(':')[0], password: pair.split(':').slice(1).join(':') });
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run'];
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function main() {
  const seen = {};
  const anonymous = await request.newContext();
  seen.anonymousPage = (await anonymous.get(`${base}/`)).status();
  seen.anonymousReload = (await anonymous.post(`${base}/reload`)).status();
  const asViewer = await request.newContext({ httpCredentials: creds(viewer) });
  seen.viewerPage = (await asViewer.get(`${base}/`)).status();
  seen.viewerReload = (await asViewer.post(`${base}/reload`)).status();

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ARGS });
  try {
    const context = await browser.newContext({ httpCredentials: creds(operator), viewport: { width: 1500, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => { seen.pageErrors = (seen.pageErrors || []).concat(String(e)); });
    // The page asks for a clip only once the daemon said it is complete: no clip request fails.
    seen.clipMisses = 0;
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().includes('/evidence/clips/')) seen.clipMisses++;
      if (r.status() >= 400) console.error(`${r.status()} ${r.url()}`);
    });
    // The page's long tasks (main thread busy over 50 ms), reported with what was seen: they are what
    // delays a pushed alarm on a loaded machine.
    await page.addInitScript(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longTasks.push([Math.round(e.startTime), Math.round(e.duration)]); })
        .observe({ type: 'longtask', buffered: true });
    });
    // LINEWATCH_CPU_THROTTLE=N runs the page N times slower (Chromium's CPU emulation): a loaded CI box, here.
    if (process.env.LINEWATCH_CPU_THROTTLE) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.LINEWATCH_CPU_THROTTLE) });
    }
    // Playwright puts its own scripts into the page at its first query of each kind: a one-time compile
    // of 170-670 ms of the page's main thread on a loaded box. Done as the page arrives, before its
    // scripts open the alarm stream, not in the middle of the pushes judged below.
    await page.goto(base, { waitUntil: 'commit' });
    await page.waitForFunction(() => true);
    await page.waitForSelector('html', { state: 'attached' });
    await page.waitForLoadState('load');
    try {
      await look(page, seen);
    } catch (e) {
      console.error(await page.$eval('body', (b) => b.innerText).catch(() => 'no page'));
      await page.screenshot({ path: `${outDir}/failure.png` }).catch(() => {});
      throw e;
    }
    // The login form instead of Basic: a session cookie, and a logout that ends it.
    const fresh = await browser.newContext();
    const login = await fresh.newPage();
    await login.goto(`${base}/login`);
    const [user, password] = [creds(operator).username, creds(operator).password];
    await login.fill('input[name=user]', user);
    await login.fill('input[name=password]', password);
    await Promise.all([login.waitForURL(`${base}/`), login.click('button[type=submit]')]);
    await login.waitForSelector('#who form.logout button', { timeout: 30000 });
    // A page opened later shows who acknowledged an alarm, how and why, as the pushed ack showed it.
    if (seen.ack && seen.ack.id) {
      seen.ack.lateShown = await login.waitForSelector(`#alarm-${seen.ack.id} .ack-by`, { timeout: 30000 })
        .then((e) => e.textContent()).catch(() => null);
    }
    // A page opened later gets the clips already complete with the recent alarms (no push needed).
    const lateOffer = 'li.alarm.raised[data-via=recent] button.play-clip';
    seen.lateClips = await login.waitForSelector(lateOffer, { timeout: 30000 })
      .then(() => login.$$eval(lateOffer, (v) => v.length)).catch(() => 0);
    if (seen.lateClips) {
      const late = await login.$(lateOffer);
      const lateIn = await late.evaluate((b) => b.closest('li').id);
      await late.evaluate((b) => b.click());
      seen.latePlays = await login.waitForFunction((id) => {
        const v = document.querySelector(`#${id} video.clip`);
        return v && v.readyState >= 2;
      }, lateIn, { timeout: 60000, polling: 250 }).then(() => true).catch(() => false);
    }
    seen.session = { who: await login.$eval('#who', (w) => w.dataset.user),
      status: (await login.request.get(`${base}/api/status`)).status() };
    // The logout button posts its form; the page then moves to /login. Waited for by polling rather than
    // by a navigation event, which a busy page (five pictures and a stream in flight) can miss.
    await login.$eval('#who form.logout', (f) => f.requestSubmit());
    for (let i = 0; i < 120 && !login.url().endsWith('/login'); i++) await login.waitForTimeout(250);
    seen.session.urlAfterLogout = login.url();
    seen.session.afterLogout = (await login.request.get(`${base}/api/status`)).status();
    seen.session.cookies = (await fresh.cookies()).map((c) => c.name);
    await fresh.close();
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(seen));
}

async function look(page, seen) {
  {
    seen.frames = {};
    for (const id of cameras) {
      await page.waitForFunction((cam) => {
        const img = document.querySelector(`#camera-${cam} img`);
        return img && img.dataset.frame && img.naturalWidth > 0;
      }, id, { timeout: 60000 });
      const first = await page.$eval(`#camera-${id} img`, (img) => Number(img.dataset.frame));
      await page.waitForFunction(([cam, f]) => Number(document.querySelector(`#camera-${cam} img`).dataset.frame) > f,
        [id, first], { timeout: 10000 });
      const second = await page.$eval(`#camera-${id} img`, (img) => Number(img.dataset.frame));
      seen.frames[id] = [first, second];
    }
    // Alarms pushed while the page was open; the clip of one of them (written a second after the
    // alarm; a busy machine may take longer) is offered once complete, and plays when asked for.
    const offered = await page.waitForSelector('li.alarm.raised[data-via=stream] button.play-clip', { timeout: 90000 });
    const offeredIn = await offered.evaluate((b) => b.closest('li').id);
    // The alarms pushed so far (seconds of a page at work: pictures, trends, the stream), each judged
    // against its MQTT message. Taken before the click: the page's first player builds Chromium's media
    // controls, a one-time cost of several hundred ms on this box's shared cores, which the test, not an
    // operator's own PC, imposes on the page.
    seen.pushed = await page.$$eval('li.alarm[data-via=stream]', (items) => items.map((li) => ({
      id: li.id.slice('alarm-'.length), receivedMillis: Number(li.dataset.received) })));
    seen.page = await page.evaluate(() => ({ alarms: document.querySelectorAll('li.alarm').length,
      videos: document.querySelectorAll('video').length, images: document.querySelectorAll('img').length,
      longTasks: window.__longTasks.length, longTaskMillis: window.__longTasks.reduce((a, t) => a + t[1], 0),
      longest: window.__longTasks.map((t) => t[1]).sort((a, b) => b - a).slice(0, 8),
      timeOrigin: Math.round(performance.timeOrigin), tasks: window.__longTasks.slice(-40) }));
    seen.hold = await holdStill(page, outDir);
    await offered.evaluate((b) => b.click()); // the element itself, wherever the list has put it
    const playable = await page.waitForFunction((id) => {
      const v = document.querySelector(`#${id} video.clip`);
      return v && v.readyState >= 2 && id;
    }, offeredIn, { timeout: 120000, polling: 250 }).catch(async (e) => {
      const state = await page.$eval(`#${offeredIn}`, (li) => {
        const v = li.querySelector('video');
        return { box: li.querySelector('.clip-box') && li.querySelector('.clip-box').className, video: v && {
          readyState: v.readyState, networkState: v.networkState, error: v.error && v.error.message, src: v.currentSrc } };
      }).catch((x) => String(x));
      throw new Error(`the clip in ${offeredIn}, asked for, did not load: ${JSON.stringify(state)}; ${e.message}`);
    });
    const video = `#${await playable.jsonValue()} video.clip`;
    await page.$eval(video, (v) => { v.muted = true; return v.play(); });
    await page.waitForFunction((sel) => document.querySelector(sel).currentTime > 0.3, video, { timeout: 30000 });
    seen.clip = await page.$eval(video, (v) => ({ currentTime: v.currentTime, duration: v.duration,
      width: v.videoWidth, height: v.videoHeight, src: v.currentSrc }));
    // The sidecar's overlays over the clip, in step with it: seeked to the time of a sidecar frame
    // with shapes, the canvas shows that frame (the page's count of shapes, and the canvas's own pixels,
    // not transparent where it drew).
    const overlay = `#${await playable.jsonValue()} canvas.overlay`;
    seen.sidecar = await page.evaluate(async (src) => {
      const s = await (await fetch(src.split('?')[0].replace(/\.[a-z0-9]+$/, '.frames.json'))).json();
      const shaped = s.frames.filter((f) => (f.detections || []).length + (f.regions || []).length
        + (f.hotspots || []).length > 0);
      // A frame half a second in or later: a seek before the clip's first picture lands on that picture.
      const pick = shaped.find((f) => f.t >= 0.5) || shaped[shaped.length - 1];
      return { frames: s.frames.length, shaped: shaped.length, shapedT: pick ? pick.t : null,
        shapedFrame: pick ? pick.frame : null };
    }, seen.clip.src);
    await page.$eval(video, (v, t) => new Promise((ok) => {
      v.pause();
      v.addEventListener('seeked', ok, { once: true });
      v.currentTime = t + 0.01;
    }), seen.sidecar.shapedT || 0);
    await sleep(300);
    seen.overlay = await page.$eval(overlay, (c) => {
      const v = c.parentElement.querySelector('video');
      const pixels = c.width ? c.getContext('2d').getImageData(0, 0, c.width, c.height).data : [];
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
      return { shapes: Number(c.dataset.shapes), frame: Number(c.dataset.frame), frameT: Number(c.dataset.t),
        videoT: v.currentTime, width: c.width, height: c.height, painted, error: c.dataset.error || '' };
    });
    // Seeking needs byte ranges: the clip answers one with 206 and just those bytes.
    const ranged = await page.request.get(seen.clip.src, { headers: { Range: 'bytes=100-199' } });
    seen.range = { status: ranged.status(), contentRange: ranged.headers()['content-range'] || '',
      length: (await ranged.body()).length };
    // The trends: the motor's overheat rule's measure rose past its raise line; the bearing zone is
    // drawn; the belt's counting line counted; parts were judged; latency was measured.
    await page.waitForFunction(() => {
      const z = document.querySelector('.chart.zone[data-rule=motor-overheat]');
      const counts = document.querySelector('#chart-counts');
      const parts = document.querySelector('.chart.parts');
      return z && Number(z.dataset.maxC) > Number(z.dataset.raiseC) && counts && Number(counts.dataset.max) > 0
        && parts && Number(parts.dataset.ok) + Number(parts.dataset.nok) > 0;
    }, null, { timeout: 90000, polling: 500 }).catch(() => {});
    seen.zones = await page.$$eval('.chart.zone', (all) => all.map((c) => ({ id: c.id, camera: c.dataset.camera,
      rule: c.dataset.rule, zone: c.dataset.zone, maxC: Number(c.dataset.maxC), raiseC: c.dataset.raiseC,
      canvases: c.querySelectorAll('canvas').length })));
    seen.thermal = await page.$$eval('.chart.thermal', (all) => all.map((c) => ({ id: c.id, maxC: Number(c.dataset.maxC) })));
    seen.charts = await page.$$eval('.chart.per-minute, .chart.latency, .chart.parts', (all) => all.map((c) => ({
      id: c.id, max: c.dataset.max, ok: c.dataset.ok, nok: c.dataset.nok,
      labels: [...c.querySelectorAll('.u-legend .u-label')].map((l) => l.textContent) })));
    // The health panel: its rows as the page shows them.
    seen.health = await page.$$eval('#health tr', (rows) => Object.fromEntries(rows.map((r) => [r.id,
      { text: r.querySelector('td').textContent, ok: r.classList.contains('ok') }])));
    // The filters: one camera's alarms only, then all again.
    const listed = () => page.$$eval('li.alarm', (all) => ({ shown: all.filter((li) => !li.hidden).map((li) => li.dataset.camera),
      hidden: all.filter((li) => li.hidden).length }));
    seen.filterCamera = await page.$eval('li.alarm', (li) => li.dataset.camera);
    await page.selectOption('#filters select[name=camera]', seen.filterCamera);
    seen.filtered = await listed();
    await page.selectOption('#filters select[name=camera]', '');
    await page.selectOption('#filters select[name=type]', 'raised');
    seen.filteredRaised = await page.$$eval('li.alarm', (all) => ({ shown: all.filter((li) => !li.hidden).map((li) => li.dataset.type),
      hidden: all.filter((li) => li.hidden).length }));
    await page.selectOption('#filters select[name=type]', '');
    seen.unfiltered = await listed();
    // An operator acknowledges a raised alarm with a comment: the daemon pushes the acknowledgement
    // back (the item turns acknowledged, naming who). Newest first; one that has cleared meanwhile is
    // refused, and the page says why.
    // A thermal camera's clip (FFV1 in Matroska, which Chromium does not decode) is offered as a download.
    seen.downloads = await page.waitForSelector('.clip-box.download a', { timeout: 30000 })
      .then(() => page.$$eval('.clip-box.download a', (all) => all.map((a) => a.getAttribute('href')))).catch(() => []);
    seen.ack = { refusals: [] };
    // The newest raised one not tried yet, chosen afresh each time (alarms keep raising and clearing).
    const tried = [];
    for (let attempt = 0; attempt < 10; attempt++) {
      const li = await page.waitForFunction((done) => {
        const form = [...document.querySelectorAll('li.alarm.raised[data-via=stream]:not(.acked) form.ack')]
          .find((f) => !done.includes(f.closest('li').id));
        return form && form.closest('li').id;
      }, tried, { timeout: 30000, polling: 100 }).then((h) => h.jsonValue()).catch(() => null);
      if (!li) break;
      tried.push(li);
      const comment = `checked by the browser test (${li.slice(6, 14)})`;
      await page.fill(`#${li} form.ack input[name=comment]`, comment);
      await page.$eval(`#${li} form.ack button`, (b) => b.click());
      const outcome = await page.waitForFunction((id) => {
        const item = document.getElementById(id);
        const answer = item.querySelector('.ack-answer').textContent;
        return item.classList.contains('acked') ? { acked: item.querySelector('.ack-by').textContent }
          : (answer ? { refused: answer } : null);
      }, li, { timeout: 15000, polling: 100 }).then((h) => h.jsonValue()).catch(() => ({ timeout: true }));
      if (outcome.acked) {
        seen.ack = { ...seen.ack, id: li.slice('alarm-'.length), comment, shown: outcome.acked };
        break;
      }
      seen.ack.refusals.push(outcome.refused || 'no answer in 15 s');
    }
    await page.$eval(video, (v) => v.scrollIntoView());
    await page.evaluate(() => window.scrollTo(0, 0));
    await sleep(500);
    await page.screenshot({ path: `${outDir}/console.png`, fullPage: false });
  }
}

// An operator's pointer over the alarm list, moving a little as a reader's does: alarms pushed meanwhile
// wait behind the "new alarms" button, and the row under the pointer stays where it was. When the pointer
// leaves, they go in on top.
async function holdStill(page, outDir) {
  // The list, the button and the first row read at one instant: alarms keep coming.
  const now = () => page.evaluate(() => {
    const first = document.querySelector('#alarms li.alarm');
    const button = document.querySelector('#alarms-held');
    return { first: first.id, top: first.getBoundingClientRect().top, firstVia: first.dataset.via,
      listed: document.querySelectorAll('#alarms li.alarm').length, held: Number(button.dataset.count),
      button: button.textContent };
  });
  // The pointer starts off the list; the list's first row is brought to the middle of the view (the list
  // may start near the bottom of the page, or be scrolled in its own box) and the pointer put on it, in
  // one go: rows pushed on top before the pointer is in move the view (scroll anchoring), so it tries
  // again until the pointer is on the first row. From then on pushed alarms wait.
  await page.mouse.move(2, 2);
  let x = 0;
  let y = 0;
  for (let i = 0; i < 10; i++) {
    ({ x, y } = await page.$eval('#alarms li.alarm', (li) => {
      li.scrollIntoView({ block: 'center' });
      const b = li.getBoundingClientRect();
      return { x: b.x + b.width / 2, y: b.y + Math.min(20, b.height / 2) };
    }));
    await page.mouse.move(x, y);
    const onFirst = await page.evaluate(([px, py]) => {
      const e = document.elementFromPoint(px, py);
      return Boolean(e && document.querySelector('#alarms li.alarm').contains(e));
    }, [x, y]);
    if (onFirst) break;
    await page.mouse.move(2, 2);
  }
  const hold = { before: await now() };
  for (let i = 0; i < 120 && (await now()).held === 0; i++) {
    await page.mouse.move(x + (i % 2 ? 3 : -3), y);
    await sleep(250);
  }
  await sleep(300);
  hold.during = await now();
  // What the pointer was over, for a failure's message.
  hold.under = await page.evaluate(([px, py]) => {
    const e = document.elementFromPoint(px, py);
    return e && { tag: e.tagName, id: e.id, cls: String(e.className), inList: document.querySelector('#alarms').contains(e) };
  }, [x, y]);
  await page.screenshot({ path: `${outDir}/console-hold.png` });
  await page.mouse.move(2, 2);
  await page.waitForFunction(() => document.querySelector('#alarms-held').dataset.count === '0', null, { timeout: 5000 })
    .catch(() => {});
  hold.after = await now();
  return hold;
}

main().catch((e) => { console.error(e.stack || String(e)); process.exit(1); });
