// What machine a figure was measured on: cores, CPU model, RAM, Node version, load, date.
import { cpus, freemem, loadavg, totalmem, release } from 'node:os';

export interface Machine {
  cores: number;
  cpu: string;
  ramGiB: number;
  node: string;
  kernel: string;
  load: string;
  date: string;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cores: c.length,
    cpu: c[0]?.model.trim() ?? 'unknown',
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: `Linux ${release()}`,
    load: loadavg().map((x) => x.toFixed(1)).join(' '),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
  };
}

export function describe(m: Machine): string {
  return `${m.cores} cores (${m.cpu}), ${m.ramGiB} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node ${m.node}, ${m.kernel}, load ${m.load}`;
}
