// Decodes Sparkplug B payloads with the npm sparkplug-payload package (Eclipse Tahu's JavaScript
// decoder), independent of linewatch's own encoder. Input: a file of lines "TOPIC<TAB>BASE64".
// Output: one JSON object per line, {"topic", "timestamp", "seq", "metrics": [{"name", "type",
// "value", "timestamp", "historical"}]}; 64-bit integers as numbers, NaN as null.
'use strict';
const fs = require('fs');
const sparkplug = require('sparkplug-payload').get('spBv1.0');

function plain(v) {
  if (v !== null && typeof v === 'object' && typeof v.toNumber === 'function') {
    return v.toNumber(); // a Long
  }
  return typeof v === 'number' && Number.isNaN(v) ? null : v;
}

const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(l => l.length > 0);
for (const line of lines) {
  const tab = line.indexOf('\t');
  const topic = line.substring(0, tab);
  const payload = sparkplug.decodePayload(Buffer.from(line.substring(tab + 1), 'base64'));
  const metrics = (payload.metrics || []).map(m => ({
    name: m.name, type: m.type, value: plain(m.value), timestamp: plain(m.timestamp),
    historical: m.isHistorical === true,
  }));
  process.stdout.write(JSON.stringify({
    topic, timestamp: plain(payload.timestamp), seq: payload.seq === undefined ? null : plain(payload.seq), metrics,
  }) + '\n');
}
