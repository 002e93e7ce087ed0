// Prints, base64, the NCMD payload a Sparkplug host sends to ask an edge node for its births
// ("Node Control/Rebirth" = true), encoded by the npm sparkplug-payload package.
'use strict';
const sparkplug = require('sparkplug-payload').get('spBv1.0');
const bytes = sparkplug.encodePayload({
  timestamp: Date.now(),
  metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }],
});
process.stdout.write(Buffer.from(bytes).toString('base64') + '\n');
