// kubelet (the binary the package installed) and systemctl (daemon-reload, restart/start/stop,
// status, is-active of kubelet): restarting asks the cluster to cycle the Node object.
import { parseVersion } from '../versions.js';
import type { ShimCall, ShimHandler } from './types.js';

export const kubelet: ShimHandler = ({ node, argv, io }) => {
  const v = parseVersion(node.packages.kubelet)!;
  if (argv.includes('--version') || argv.includes('version')) {
    io.out(`Kubernetes v${v.major}.${v.minor}.${v.patch}\n`);
    return 0;
  }
  io.err('kubelet: the lab only answers `kubelet --version`; the kubelet itself runs under systemd (systemctl restart kubelet)\n');
  return 1;
};

/** Units the lab knows; others are "not found" as systemd says. */
const OTHER_UNITS = new Set(['containerd', 'docker', 'cri-docker', 'ssh', 'sshd']);
const unitName = (u: string): string => u.replace(/\.service$/, '');

/** Start (or restart) the kubelet: refused like the skew policy when it is newer than the API server. */
function startKubelet(call: ShimCall, verb: string): number {
  const { ctx, node, io } = call;
  const installed = parseVersion(node.packages.kubelet)!;
  const server = parseVersion(ctx.control.serverVersion())!;
  if (node.kubelet.unitChanged) {
    io.err("Warning: The unit file, source configuration file or drop-ins of kubelet.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n");
  }
  const iv = `v${installed.major}.${installed.minor}.${installed.patch}`;
  if (installed.major > server.major || (installed.major === server.major && installed.minor > server.minor)) {
    node.kubelet.state = 'failed';
    node.kubelet.lastError = `kubelet ${iv} is newer than the API server ${ctx.control.serverVersion()}: the version skew policy does not allow a kubelet newer than kube-apiserver`;
    io.err(`Job for kubelet.service failed because the control process exited with error code.\nSee "systemctl status kubelet.service" and "journalctl -xeu kubelet.service" for details.\n`);
    io.err(`(lab) ${node.kubelet.lastError}; upgrade the control plane first\n`);
    return 1;
  }
  void verb;
  node.kubelet.state = 'active';
  node.kubelet.runningVersion = iv;
  delete node.kubelet.lastError;
  ctx.control.restartKubelet(node.name, iv);
  return 0;
}

function status(call: ShimCall): number {
  const { node, io } = call;
  const k = node.kubelet;
  const active = k.state === 'active' ? 'active (running)' : k.state === 'failed' ? 'failed (Result: exit-code)' : 'inactive (dead)';
  io.out(`● kubelet.service - kubelet: The Kubernetes Node Agent\n     Loaded: loaded (/lib/systemd/system/kubelet.service; enabled; vendor preset: enabled)\n    Drop-In: /usr/lib/systemd/system/kubelet.service.d\n             └─10-kubeadm.conf\n     Active: ${active}\n       Docs: https://kubernetes.io/docs/\n`);
  if (k.state === 'active') io.out(`   Main PID: 4242 (kubelet)\n     CGroup: /system.slice/kubelet.service\n             └─4242 /usr/bin/kubelet --config=/var/lib/kubelet/config.yaml (${k.runningVersion})\n`);
  if (k.lastError) io.out(`\n${node.name} kubelet[4242]: E ${k.lastError}\n`);
  return k.state === 'active' ? 0 : 3;
}

export const systemctl: ShimHandler = (call) => {
  const { node, io } = call;
  const args = call.argv.filter((a) => !a.startsWith('-'));
  const quiet = call.argv.includes('-q') || call.argv.includes('--quiet');
  const [verb, ...units] = args;
  if (verb === 'daemon-reload') { node.kubelet.unitChanged = false; return 0; }
  if (!verb) { io.err('Too few arguments.\n'); return 1; }
  if (units.length === 0) { io.err(`Too few arguments.\n`); return 1; }
  let code = 0;
  for (const raw of units) {
    const u = unitName(raw);
    if (u !== 'kubelet') {
      if (OTHER_UNITS.has(u)) {
        if (verb === 'is-active') { if (!quiet) io.out('active\n'); }
        continue;
      }
      if (verb === 'is-active') { if (!quiet) io.out('inactive\n'); code = 3; continue; }
      io.err(`Failed to ${verb} ${u}.service: Unit ${u}.service not found.\n`);
      code = verb === 'status' ? 4 : 5;
      continue;
    }
    switch (verb) {
      case 'restart': case 'start': case 'try-restart': case 'reload-or-restart':
        if (verb === 'start' && node.kubelet.state === 'active') break;
        code = Math.max(code, startKubelet(call, verb));
        break;
      case 'stop':
        node.kubelet.state = 'inactive';
        break;
      case 'enable': case 'disable': case 'mask': case 'unmask':
        break;
      case 'is-enabled':
        if (!quiet) io.out('enabled\n');
        break;
      case 'is-active':
        if (!quiet) io.out(`${node.kubelet.state}\n`);
        if (node.kubelet.state !== 'active') code = 3;
        break;
      case 'is-failed':
        if (!quiet) io.out(`${node.kubelet.state}\n`);
        if (node.kubelet.state !== 'failed') code = 1;
        break;
      case 'status':
        code = Math.max(code, status(call));
        break;
      default:
        io.err(`Unknown command verb ${verb}.\n`);
        return 1;
    }
  }
  return code;
};
