// The body of every node shim (apt-get, kubeadm, etcdctl, …): sends the tool's argv, working
// directory and ETCDCTL_* environment to the lab's control endpoint and replays the answer —
// stdout, stderr, exit code — as the real tool would print it. CommonJS, built-ins only: start-up
// is the cost of every call.
'use strict';
const http = require('node:http');

const tool = process.argv[2];
const argv = process.argv.slice(3);
const base = process.env.LAB_CONTROL_URL;
const token = process.env.LAB_TOKEN;
const node = process.env.LAB_NODE;
if (!base || !token || !node) {
  process.stderr.write(`${tool}: this is a runbook-lab shim; it runs only on a lab node (LAB_CONTROL_URL, LAB_TOKEN, LAB_NODE unset)\n`);
  process.exit(127);
}
const env = {};
for (const [k, v] of Object.entries(process.env)) if (k.startsWith('ETCDCTL_')) env[k] = v;
const body = JSON.stringify({ node, tool, argv, cwd: process.cwd(), env });

let code = null;
let rest = '';
const req = http.request(new URL('/shim', base), {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
}, (res) => {
  if (res.statusCode !== 200) {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (d) => { text += d; });
    res.on('end', () => { process.stderr.write(`${tool}: the lab refused the call (HTTP ${res.statusCode}): ${text.trim()}\n`); process.exitCode = 127; });
    return;
  }
  res.setEncoding('utf8');
  res.on('data', (d) => {
    rest += d;
    let i;
    while ((i = rest.indexOf('\n')) >= 0) {
      const line = rest.slice(0, i);
      rest = rest.slice(i + 1);
      const tag = line[0];
      const payload = line.slice(2);
      if (tag === 'o') process.stdout.write(Buffer.from(payload, 'base64'));
      else if (tag === 'e') process.stderr.write(Buffer.from(payload, 'base64'));
      else if (tag === 'x') code = Number(payload);
    }
  });
  res.on('end', () => {
    if (code === null) process.stderr.write(`${tool}: the lab stopped answering before the command finished\n`);
    process.exitCode = code === null ? 255 : code;
  });
});
req.on('error', (e) => {
  process.stderr.write(`${tool}: cannot reach the lab at ${base} (${e.code || e.message}); is the lab still running?\n`);
  process.exitCode = 127;
});
req.end(body);
