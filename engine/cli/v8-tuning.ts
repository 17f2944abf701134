// V8 tuning for a command-line run. Measured (bench/README.md, start-up): of `runbook validate`'s
// ~0.45 CPU-s, ~0.15 went to TurboFan optimising functions that ran a few hundred times during
// start-up (module bodies, the YAML parser) and were never needed again. A larger interrupt budget
// makes V8 wait for more executed bytecode before it optimises a function: short commands skip
// that work; long ones (a plan of 1,000 hosts, an exec) still optimise their hot loops, a little later.
import { setFlagsFromString } from 'node:v8';

/** 8× Node 20's default (67,584); V8 12 (Node 22) defaults to 135,168, so 4× there. */
const BUDGET = 540_672;

export function tuneV8ForCli(): void {
  // The flag exists with this meaning in the V8s Node 20–22 ship; elsewhere leave V8 alone
  // (an unknown flag would print an error).
  const major = Number(process.versions.v8.split('.')[0]);
  if (major < 11 || major > 12) return;
  // Someone who set it (node --interrupt-budget=…, NODE_OPTIONS) knows better.
  if ([...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].some((a) => a.includes('interrupt-budget'))) return;
  setFlagsFromString(`--interrupt-budget=${BUDGET}`);
}
