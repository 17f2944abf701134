// df: free space of the node's one filesystem — nearly full under the diskFull fault, so
// runbooks that check space before an etcd snapshot see why it would fail.
import type { ShimHandler } from './types.js';

const TOTAL_K = 102_626_232; // a 100 GiB root disk, in 1K blocks

function human(k: number): string {
  const units = ['K', 'M', 'G', 'T'];
  let v = k;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return v >= 10 || i === 0 ? `${Math.round(v)}${units[i]}` : `${v.toFixed(1)}${units[i]}`;
}

export const df: ShimHandler = ({ ctx, node, argv, io }) => {
  const full = ctx.control.faults.diskFull.includes(node.name);
  const usedK = full ? TOTAL_K - 2_048 : 20_514_384;
  const availK = TOTAL_K - usedK;
  const pct = `${Math.ceil((usedK / TOTAL_K) * 100)}%`;
  const humanOut = argv.some((a) => a === '-h' || a === '--human-readable' || (/^-[a-zA-Z]*h/.test(a) && !a.startsWith('--')));
  let block = 1024;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^(?:-B|--block-size=)(.*)$/.exec(a);
    if (m) { const s = m[1] || argv[++i] || '1'; block = s === 'K' ? 1024 : s === 'M' ? 1 << 20 : s === 'G' ? 1 << 30 : Number(s) || 1; }
    if (a === '-m') block = 1 << 20;
    if (a === '-k') block = 1024;
  }
  const fmt = (k: number): string => (humanOut ? human(k) : String(Math.ceil((k * 1024) / block)));
  const output = argv.find((a) => a.startsWith('--output'));
  if (output) {
    const fields = (output.split('=')[1] ?? 'source,size,used,avail,pcent,target').split(',');
    const head: Record<string, string> = { source: 'Filesystem', size: humanOut ? 'Size' : '1K-blocks', used: 'Used', avail: 'Avail', pcent: 'Use%', target: 'Mounted on', fstype: 'Type' };
    const val: Record<string, string> = { source: '/dev/vda1', size: fmt(TOTAL_K), used: fmt(usedK), avail: fmt(availK), pcent: pct, target: '/', fstype: 'ext4' };
    io.out(fields.map((f) => head[f] ?? f).join(' ') + '\n' + fields.map((f) => val[f] ?? '-').join(' ') + '\n');
    return 0;
  }
  const sizeHead = humanOut ? 'Size' : block === 1024 ? '1K-blocks' : `${block}B-blocks`;
  const row = ['/dev/vda1', fmt(TOTAL_K), fmt(usedK), fmt(availK), pct, '/'];
  const head = ['Filesystem', sizeHead, 'Used', humanOut ? 'Avail' : 'Available', 'Use%', 'Mounted on'];
  const w = head.map((h, i) => Math.max(h.length, row[i]!.length));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : i === r.length - 1 ? c : c.padStart(w[i]!))).join(' ') + '\n';
  io.out(line(head) + line(row));
  return 0;
};
