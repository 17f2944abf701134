// `-e` values: `k=v` (v read as a YAML scalar, so 3 is a number and "3" a string), `@file.yaml`
// (a map of variables), or inline JSON/YAML maps `{"k": 1}`. Later -e wins, like Ansible.
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import type { Problem } from '../model/errors.js';
import { isMap } from './context.js';
import { customTags, MAX_SOURCE_BYTES } from './source.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseExtraVars(args: string[]): { vars: Record<string, unknown>; problems: Problem[] } {
  const vars: Record<string, unknown> = {};
  const problems: Problem[] = [];
  args.forEach((arg, i) => {
    const where = { file: `-e #${i + 1}`, line: 1, col: 1 };
    const bad = (message: string) => problems.push({ pos: where, message });
    const t = arg.trim();
    if (t.startsWith('@')) {
      const file = t.slice(1);
      const at = { file, line: 1, col: 1 };
      let text: string;
      try {
        if (statSync(file).size > MAX_SOURCE_BYTES) return problems.push({ pos: at, message: 'vars file is over the size limit' });
        text = readFileSync(file, 'utf8');
      } catch (e) {
        return problems.push({ pos: at, message: `cannot read vars file: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}` });
      }
      let v: unknown;
      try {
        v = parse(text, { maxAliasCount: 100, customTags });
      } catch (e) {
        const lp = (e as { linePos?: Array<{ line: number; col: number }> }).linePos?.[0];
        return problems.push({ pos: { file, line: lp?.line ?? 1, col: lp?.col ?? 1 }, message: `vars file: ${(e as Error).message.split('\n')[0]}` });
      }
      if (!isMap(v)) return problems.push({ pos: at, message: 'a vars file holds a map of variables' });
      Object.assign(vars, v);
      return;
    }
    if (t.startsWith('{')) {
      let v: unknown;
      try {
        v = parse(t, { customTags });
      } catch (e) {
        return bad(`-e ${t}: not a valid map: ${(e as Error).message.split('\n')[0]}`);
      }
      if (!isMap(v)) return bad(`-e ${t}: expected a map`);
      Object.assign(vars, v);
      return;
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) return bad(`-e "${arg}": expected key=value, @file.yaml or a {"json": "map"}`);
    const key = arg.slice(0, eq).trim();
    if (!NAME.test(key)) return bad(`-e "${arg}": "${key}" is not a variable name`);
    const raw = arg.slice(eq + 1);
    let value: unknown = raw;
    try {
      const v = parse(raw, { customTags });
      // Only scalars are read as YAML; "a: b" or "[x" stay the text typed.
      if (v === null) value = raw === '' ? '' : null;
      else if (typeof v !== 'object') value = v;
    } catch {
      value = raw;
    }
    vars[key] = value;
  });
  return { vars, problems };
}
