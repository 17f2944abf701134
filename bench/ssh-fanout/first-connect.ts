// A preload for splitting a fan-out run at its first TCP connect: prints, at exit, the wall time
// (ms since the process started) and the CPU (user+sys, ms) when the first net.Socket connect
// was called, and both at exit — to stderr as `FIRST-CONNECT <ms> <cpu-ms> EXIT <ms> <cpu-ms>`.
// Usage: node --import ./dist/bench/ssh-fanout/first-connect.js engine/cli/runbook.mjs exec …
//        node --import ./dist/bench/ssh-fanout/first-connect.js dist/bench/ssh-fanout/bare-ssh2.js FLEET.json
import net from 'node:net';
import { performance } from 'node:perf_hooks';

const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
let first: { ms: number; cpu: number } | undefined;
const connect = net.Socket.prototype.connect;
// Wrapped once, at the first call; the original does the work either way.
net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
  first ??= { ms: performance.now(), cpu: cpuMs() };
  return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof connect;
process.on('exit', () => {
  const at = first ? `${first.ms.toFixed(0)} ${first.cpu.toFixed(0)}` : '- -';
  process.stderr.write(`FIRST-CONNECT ${at} EXIT ${performance.now().toFixed(0)} ${cpuMs().toFixed(0)}\n`);
});
