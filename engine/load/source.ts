// Reads one YAML file with source positions: size limit, UTF-8 check, alias-bomb guard, and a
// map from a data path (["phases", 1, "steps", 0]) back to FILE:LINE:COL for every problem.
import { readFile, stat } from 'node:fs/promises';
import { Alias, Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Node, type Pair, type ScalarTag, type Tags, type YAMLMap } from 'yaml';
import type { Problem, SourcePos } from '../model/errors.js';

/** Runbooks and inventories are small; anything larger is a mistake (or an attack) and is refused before reading. */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;
/** Aliases allowed in one file; a "billion laughs" document needs far more. */
export const MAX_ALIASES = 200;

export type DataPath = ReadonlyArray<string | number>;

/**
 * yes/no/on/off as booleans, as Ansible's YAML 1.1 reads them (`become: yes`). Everything else
 * follows YAML 1.2 (so 1:30 stays a string and 010 a decimal). Quote a word to keep it a string.
 */
const ansibleBool: ScalarTag = {
  identify: (v) => typeof v === 'boolean',
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF)$/,
  resolve: (s: string) => /^(?:yes|on)$/i.test(s),
};
export const customTags = (tags: Tags): Tags => [ansibleBool, ...tags];

/** A parsed YAML file: its JS value plus a way back from data paths to positions. */
export class YamlSource {
  constructor(
    readonly file: string,
    readonly text: string,
    readonly doc: Document,
    readonly value: unknown,
    private readonly lc: LineCounter,
  ) {}

  /** Position of an offset in the text. */
  at(offset: number): SourcePos {
    const { line, col } = this.lc.linePos(offset);
    return { file: this.file, line, col };
  }

  private readonly nodes = new Map<string, Node | undefined>();

  /** The node at a data path, following aliases; undefined if the path leaves the document. */
  node(path: DataPath): Node | undefined {
    // Positions are asked for every key of every step: walk from the nearest known parent.
    const key = path.join('\0');
    if (this.nodes.has(key)) return this.nodes.get(key);
    const found = path.length === 0 ? ((this.doc.contents ?? undefined) as Node | undefined) : this.child(this.node(path.slice(0, -1)), path[path.length - 1]!);
    this.nodes.set(key, found);
    return found;
  }

  private child(parent: unknown, seg: string | number): Node | undefined {
    let node: unknown = parent;
    if (isAlias(node)) node = this.resolveAlias(node as Alias);
    if (isMap(node)) node = this.pairOf(node, seg)?.value;
    else if (isSeq(node) && typeof seg === 'number') node = node.items[seg];
    else return undefined;
    return (node ?? undefined) as Node | undefined;
  }

  private readonly aliases = new Map<Alias, unknown>();

  /** yaml's Alias.resolve walks the whole document each time: once per alias is enough. */
  private resolveAlias(a: Alias): unknown {
    if (!this.aliases.has(a)) this.aliases.set(a, a.resolve(this.doc));
    return this.aliases.get(a);
  }

  private readonly pairs = new Map<YAMLMap, Map<string, Pair>>();

  /**
   * The first pair of a map whose scalar key reads `seg`. Indexed per map on first use: an
   * inventory asks for the position of each of its thousands of hosts in one map.
   */
  private pairOf(map: YAMLMap, seg: string | number): Pair | undefined {
    let index = this.pairs.get(map);
    if (!index) {
      index = new Map();
      for (const p of map.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const k = String(p.key.value);
        if (!index.has(k)) index.set(k, p as Pair);
      }
      this.pairs.set(map, index);
    }
    return index.get(String(seg));
  }

  /** Position of the key at a path (for "unknown key" problems). */
  keyPos(path: DataPath): SourcePos {
    const parent = this.node(path.slice(0, -1));
    const seg = path[path.length - 1];
    if (isMap(parent)) {
      const pair = this.pairOf(parent, seg!);
      const r = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (r) return this.at(r[0]);
    }
    return this.pos(path);
  }

  /** Where the text of a scalar starts (after an opening quote; first content line of a block scalar). */
  textPos(path: DataPath): SourcePos {
    const node = this.node(path);
    if (!isScalar(node) || !node.range) return this.pos(path);
    const start = node.range[0];
    if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return this.at(start + 1);
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') {
      const nl = this.text.indexOf('\n', start);
      if (nl >= 0) {
        let i = nl + 1;
        while (this.text[i] === ' ') i++;
        return this.at(i);
      }
    }
    return this.at(start);
  }

  /** The text of the value at a path as written (1.30 stays "1.30"). */
  rawText(path: DataPath): string | undefined {
    const node = this.node(path);
    return node?.range ? this.text.slice(node.range[0], node.range[1]) : undefined;
  }

  /** Position of the value at a path; falls back to the nearest enclosing node that exists. */
  pos(path: DataPath): SourcePos {
    for (let n = path.length; n >= 0; n--) {
      const node = this.node(path.slice(0, n));
      if (node?.range) {
        // A missing key inside an existing map: point at the map's first key, not its parent's key.
        return this.at(node.range[0]);
      }
    }
    return { file: this.file, line: 1, col: 1 };
  }
}

export type ReadResult = { source?: YamlSource; text?: string; problems: Problem[] };

function startPos(file: string): SourcePos {
  return { file, line: 1, col: 1 };
}

/** Reads a file's text with the checks every input gets: exists, is a file, size, UTF-8, not empty. */
export async function readText(file: string, what: string, display = file): Promise<{ text?: string; problems: Problem[] }> {
  const p = (message: string, pos = startPos(display)) => ({ problems: [{ pos, message }] });
  let st;
  try {
    st = await stat(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return p(code === 'ENOENT' ? `${what} not found` : `cannot read ${what}: ${(e as Error).message}`);
  }
  if (st.isDirectory()) return p(`${what} is a directory, not a file — name the YAML file inside it`);
  if (!st.isFile()) return p(`${what} is not a regular file`);
  if (st.size > MAX_SOURCE_BYTES) {
    return p(`${what} is ${(st.size / 1048576).toFixed(1)} MiB, over the ${MAX_SOURCE_BYTES / 1048576} MiB limit for runbooks and inventories — is this the right file?`);
  }
  const bytes = await readFile(file);
  if (bytes.length > MAX_SOURCE_BYTES) return p(`${what} is over the ${MAX_SOURCE_BYTES / 1048576} MiB limit`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const off = firstInvalidUtf8(bytes);
    const before = bytes.subarray(0, off).toString('utf8');
    const lines = before.split('\n');
    const pos = { file: display, line: lines.length, col: lines[lines.length - 1]!.length + 1 };
    return p(`${what} is not valid UTF-8 (byte 0x${bytes[off]?.toString(16).padStart(2, '0')} at offset ${off}) — save it as UTF-8`, pos);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') return p(`${what} is empty`);
  return { text, problems: [] };
}

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 1 : c >> 5 === 6 ? 2 : c >> 4 === 14 ? 3 : c >> 3 === 30 ? 4 : 0;
    if (n === 0 || i + n > b.length) return i;
    for (let k = 1; k < n; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return i;
}

/** Parses YAML text into a YamlSource; syntax errors become problems with their positions. */
export function parseYaml(file: string, text: string, what: string): ReadResult {
  let lc = new LineCounter();
  const options = { prettyErrors: false, merge: true, customTags };
  // yaml checks key uniqueness by scanning the map's earlier keys for every key: quadratic in an
  // inventory's map of thousands of hosts (~1 s of 3 at 5,000). Parse without it, look for a
  // repeated key in one linear pass, and only when there may be one parse again with yaml's own
  // check, so its errors are reported exactly as before.
  let docs = parseAllDocuments(text, { ...options, lineCounter: lc, uniqueKeys: false });
  if (Array.isArray(docs) && docs.some(mayRepeatKeys)) {
    lc = new LineCounter();
    docs = parseAllDocuments(text, { ...options, lineCounter: lc, uniqueKeys: true });
  }
  const problems: Problem[] = [];
  const toPos = (offset: number): SourcePos => ({ file, ...lc.linePos(offset) });
  if (!Array.isArray(docs)) return { problems: [{ pos: startPos(file), message: `${what} holds no YAML document` }] };
  if (docs.length === 0) return { problems: [{ pos: startPos(file), message: `${what} is empty` }] };
  if (docs.length > 1) {
    const second = docs[1]!;
    problems.push({ pos: toPos(second.range[0]), message: `${what} holds ${docs.length} YAML documents; put one runbook or inventory per file` });
  }
  const doc = docs[0]!;
  for (const e of doc.errors) {
    const message = `YAML syntax: ${yamlMessage(e.message)}`;
    // One deep-nesting failure is reported once, not once per level.
    if (!problems.some((p) => p.message === message && /nested too deeply/.test(message))) problems.push({ pos: toPos(e.pos[0]), message });
  }
  if (problems.length) return { text, problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    let at = startPos(file);
    // Point at the first alias: that is where the expansion starts.
    const first = text.search(/(^|[\s,[{:])\*[^\s,\]}]/m);
    if (first >= 0) at = toPos(text.indexOf('*', first));
    return { text, problems: [{ pos: at, message: `YAML aliases expand too much (${(e as Error).message.replace(/\.$/, '')}); at most ${MAX_ALIASES} aliases are allowed` }] };
  }
  if (value === null || value === undefined) return { text, problems: [{ pos: startPos(file), message: `${what} is empty` }] };
  return { text, source: new YamlSource(file, text, doc, value, lc), problems: [] };
}

/** Whether any map of the document has two keys yaml could call equal (scalars of one value; anything else is flagged too). */
function mayRepeatKeys(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const p of map.items) {
        const k = isScalar(p.key) ? p.key.value : p.key;
        if (seen.has(k)) {
          found = true;
          return visit.BREAK;
        }
        seen.add(k);
      }
      return undefined;
    },
  });
  return found;
}

function yamlMessage(m: string): string {
  if (/Maximum call stack/.test(m)) return 'nested too deeply (the YAML parser ran out of stack); runbooks and inventories are a few levels deep';
  // yaml appends " at line N, column M" even with prettyErrors off; the position is already ours.
  return m.replace(/ at line \d+, column \d+:?[\s\S]*$/, '').trim();
}

/** Reads and parses one YAML file (all checks of readText and parseYaml). */
export async function loadYaml(file: string, what: string, display = file): Promise<ReadResult> {
  const t = await readText(file, what, display);
  if (!t.text) return t;
  return parseYaml(display, t.text, what);
}

export { isScalar };
