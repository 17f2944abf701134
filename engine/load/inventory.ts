// loadInventory: native YAML, Ansible YAML or Ansible INI, told apart by content, each read
// with positions; every problem at FILE:LINE:COL.
import type { Problem } from '../model/errors.js';
import type { Inventory } from '../model/inventory.js';
import { readIni } from './inventory-ini.js';
import { isNative, readAnsibleYaml, readNative } from './inventory-yaml.js';
import { parseYaml, readText } from './source.js';

/** INI when a line is a [section] header, or the first content line is `host key=value…`. */
export function looksLikeIni(text: string): boolean {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#') && !l.startsWith(';') && l !== '---');
  if (lines.some((l) => /^\[[^\]]*\]$/.test(l) && !/^\[.*[,"'{].*\]$/.test(l))) return true;
  const first = lines[0] ?? '';
  return !first.includes(':') || /^\S+\s+\w+=/.test(first);
}

export async function loadInventory(file: string): Promise<{ inventory?: Inventory; problems: Problem[] }> {
  const t = await readText(file, 'inventory');
  if (t.text === undefined) return { problems: t.problems };
  if (looksLikeIni(t.text)) return readIni(file, t.text);
  const y = parseYaml(file, t.text, 'inventory');
  if (!y.source) return { problems: y.problems };
  return isNative(y.source) ? readNative(y.source) : readAnsibleYaml(y.source);
}
