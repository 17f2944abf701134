// The fast evaluator renders what Handlebars renders — same text, same value, same error — for
// every template in the shipped runbooks and test fixtures and a set of tricky ones, over values
// of every kind a scope holds (strings, numbers, booleans, lists, maps, null, run-time stand-ins).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { packageRoot } from '../../engine/paths.js';
import { render, runtimeLabel, runtimeValue, templateReads } from '../../engine/template/index.js';
import { rendersFast, renderWithHandlebars } from '../../engine/template/render.js';

const root = packageRoot();

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : n.endsWith('.yaml') ? [p] : [];
  });
}

function templatesIn(v: unknown, out: Set<string>): void {
  if (typeof v === 'string' && v.includes('{{')) out.add(v);
  else if (Array.isArray(v)) v.forEach((x) => templatesIn(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => templatesIn(x, out));
}

const TRICKY = [
  '{{a}}{{b}}', '{{{a}}}', 'x {{a}} {{b}}', '{{a}} x', '{{default a "x"}}', '{{default a.b 1}}', '{{default a b}}',
  '{{quote a}}', 'echo {{quote a}} {{{a}}}', '{{minor a}}', 'v{{pkg_version a}}', '{{next_minor a}}', '{{join a ","}}',
  '{{join a}}', '{{upgrade_path a b}}', '{{a.b.c}}', '{{a.b}}', '{{#if a}}x{{/if}}', '{{~a~}} x', '{{!c}}{{a}}',
  '{{a.length}}', '{{a.toString}}', '{{this.a}}', '{{./a}}', '{{a.[b]}}', '{{a.stdout}}', 'n={{a}}{{b}}',
  '{{quote (minor a)}}', '{{pkg_version (default a "1.31.4")}}', '{{lookup a "b"}}', '{{a}} {{! note }} {{b}}',
];

const templates = new Set<string>(TRICKY);
for (const dir of ['runbooks', 'test/fixtures']) {
  for (const f of yamlFiles(join(root, dir))) {
    try {
      for (const doc of [parse(readFileSync(f, 'utf8')) as unknown]) templatesIn(doc, templates);
    } catch {
      // A fixture that is not YAML on purpose (test/fixtures/bad): nothing to collect.
    }
  }
}

const POOL: unknown[] = [
  '1.31.14', 'v1.30.2', "it's a b", '', 120, 0, 1.5, true, false, null, undefined, ['kubelet', 'kubectl'], [],
  { b: { c: 'deep' }, stdout: 'out', length: 2 }, runtimeValue('register.r'), 'kubeadm', -1,
];

function outcome(fn: () => unknown): { ok: true; v: unknown } | { ok: false; msg: string } {
  try {
    return { ok: true, v: fn() };
  } catch (e) {
    return { ok: false, msg: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

/** A scope as text (a run-time stand-in cannot be turned into JSON outside plan). */
function show(scope: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(scope).map(([k, v]) => [k, runtimeLabel(v) ? `<stand-in ${runtimeLabel(v)}>` : v === undefined ? '<undefined>' : v])));
}

function same(a: unknown, b: unknown): boolean {
  // A stand-in's toString read as a value: a new function each time, on both paths.
  if (typeof a === 'function' && typeof b === 'function') return String(a) === String(b);
  return a !== null && typeof a === 'object' ? JSON.stringify(a) === JSON.stringify(b) : Object.is(a, b);
}

test(`the fast evaluator agrees with Handlebars on ${templates.size} templates × ${POOL.length} kinds of values`, () => {
  let compared = 0;
  const pos = { file: 'rb.yaml', line: 3, col: 5 };
  for (const t of templates) {
    const names = templateReads(t).names;
    for (let i = 0; i < POOL.length; i++) {
      const scope: Record<string, unknown> = {};
      names.forEach((n, j) => (scope[n] = POOL[(i + j) % POOL.length]));
      for (const shell of [false, true]) {
        for (const runtime of ['placeholder', 'error'] as const) {
          const opts = { shell, runtime, pos };
          const fast = outcome(() => render(t, scope, opts));
          const slow = outcome(() => renderWithHandlebars(t, scope, opts));
          const agree = fast.ok && slow.ok ? same(fast.v, slow.v) : !fast.ok && !slow.ok && fast.msg === slow.msg;
          if (!agree) assert.unreachable(`${JSON.stringify(t)} with ${show(scope)} (shell ${shell}, ${runtime}): fast ${JSON.stringify(fast)} vs Handlebars ${JSON.stringify(slow)}`);
          compared++;
        }
      }
    }
  }
  assert.ok(compared > 2000, `${compared} renderings compared`);
  // And the comparison is not empty: most shipped templates do take the fast path.
  const shipped = [...templates].filter((t) => !TRICKY.includes(t));
  const fast = shipped.filter((t) => rendersFast(t, true)).length;
  assert.ok(fast > shipped.length * 0.8, `${fast} of ${shipped.length} shipped templates render without Handlebars`);
});

test.run();
