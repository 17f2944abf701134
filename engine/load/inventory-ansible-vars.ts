// Ansible's connection variables (ansible_host, ansible_port, …) mapped to our SSH settings,
// with bad values (a port that is not 1–65535, a become that is not a boolean) reported.
import type { Problem, SourcePos } from '../model/errors.js';
import type { Settings } from './inventory-build.js';
import { nearest } from './suggest.js';

export interface PosValue {
  value: unknown;
  pos: SourcePos;
}

/** The Ansible variables read above. */
const CONNECTION_VARS = [
  'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user',
  'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_become', 'ansible_sudo', 'ansible_connection',
  'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_host_key_checking', 'ansible_ssh_host_key_checking',
];
/** Real Ansible variables we do not use, kept as plain variables without complaint. */
const KNOWN_OTHER = new Set([
  'ansible_python_interpreter', 'ansible_password', 'ansible_ssh_pass', 'ansible_become_user', 'ansible_become_method',
  'ansible_become_pass', 'ansible_become_password', 'ansible_become_exe', 'ansible_become_flags', 'ansible_shell_type',
  'ansible_shell_executable', 'ansible_ssh_executable', 'ansible_sftp_extra_args', 'ansible_scp_extra_args',
  'ansible_ssh_pipelining', 'ansible_timeout', 'ansible_ssh_timeout', 'ansible_group_priority', 'ansible_network_os',
]);

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

/** `-o ProxyJump=x`, `-J x` or `-o ProxyCommand="ssh -W %h:%p -q user@bastion"` in ansible_ssh_common_args. */
function proxyJumpOf(args: string): string | undefined {
  const j = /(?:^|\s)-J\s*(\S+)/.exec(args) ?? /ProxyJump[= ]\s*(\S+)/i.exec(args);
  if (j) return j[1]!.replace(/["']/g, '');
  const c = /ProxyCommand[= ]\s*["']?ssh\s+.*?-W\s+%h:%p\s+(?:-q\s+)?([^\s"']+)/i.exec(args);
  return c ? c[1] : undefined;
}

/**
 * The settings carried by a host's or group's Ansible variables. Unknown `ansible_*` variables
 * stay plain variables (Ansible has many we do not need).
 */
export function ansibleSettings(vars: Record<string, PosValue>, problems: Problem[]): Record<string, { value: unknown; key: string; pos: SourcePos }> {
  const out: Record<string, { value: unknown; key: string; pos: SourcePos }> = {};
  const set = (k: keyof Settings, value: unknown, key: string, pos: SourcePos) => {
    out[k] = { value, key, pos };
  };
  for (const [key, { value, pos }] of Object.entries(vars)) {
    switch (key) {
      case 'ansible_host':
      case 'ansible_ssh_host':
        set('address', String(value), key, pos);
        break;
      case 'ansible_port':
      case 'ansible_ssh_port': {
        const n = typeof value === 'number' ? value : /^\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : NaN;
        if (!Number.isInteger(n) || n < 1 || n > 65535) problems.push({ pos, message: `${key}: ${JSON.stringify(value)} is not a port (1-65535)` });
        else set('port', n, key, pos);
        break;
      }
      case 'ansible_user':
      case 'ansible_ssh_user':
        set('user', String(value), key, pos);
        break;
      case 'ansible_ssh_private_key_file':
      case 'ansible_private_key_file':
        set('identityFile', String(value), key, pos);
        set('identitiesOnly', true, key, pos);
        break;
      case 'ansible_become':
      case 'ansible_sudo': {
        const b = bool(value);
        if (b === undefined) problems.push({ pos, message: `${key}: "${String(value)}" is not true or false` });
        else set('become', b, key, pos);
        break;
      }
      case 'ansible_connection': {
        const c = String(value);
        if (c === 'local') set('connection', 'local', key, pos);
        else if (c === 'ssh' || c === 'paramiko' || c === 'smart') set('connection', 'ssh', key, pos);
        else problems.push({ pos, message: `${key}: "${c}" is not supported (use ssh or local)` });
        break;
      }
      case 'ansible_ssh_common_args':
      case 'ansible_ssh_extra_args': {
        const pj = proxyJumpOf(String(value));
        if (pj) set('proxyJump', pj, key, pos);
        break;
      }
      case 'ansible_host_key_checking':
      case 'ansible_ssh_host_key_checking': {
        const b = bool(value);
        // We never turn host key checking off; "false" still records unknown keys but refuses changed ones.
        if (b === false) set('strictHostKeyChecking', 'accept-new', key, pos);
        break;
      }
      default: {
        // A typo in a connection variable would silently connect elsewhere: name it.
        const near = key.startsWith('ansible_') && !KNOWN_OTHER.has(key) ? nearest(key, CONNECTION_VARS) : undefined;
        if (near) problems.push({ pos, message: `unknown connection variable "${key}" (did you mean "${near}"?)` });
        break;
      }
    }
  }
  return out;
}

/** Plain values of settings, for group-level settings. */
export function plainSettings(s: Record<string, { value: unknown }>): Settings {
  return Object.fromEntries(Object.entries(s).map(([k, w]) => [k, w.value])) as Settings;
}
