// kubeadm: version, upgrade plan|apply|node — with kubeadm's own version-skew policy
// (cmd/kubeadm/app/phases/upgrade/policy.go) and its messages, moving the lab's API server.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeControlPlaneManifests, type NodeState } from '../node-state.js';
import { compareVersions, parseVersion, vstr, type KVersion } from '../versions.js';
import { simSleep, type ShimCall, type ShimHandler } from './types.js';

const STACK_HINT = 'To see the stack trace of this error execute with --v=5 or higher\n';
/** How many minors older than the target kubelets may be (constants.MaximumAllowedMinorVersionKubeletSkew). */
const KUBELET_SKEW = 3;

function kubeadmVersion(node: NodeState): KVersion {
  return parseVersion(node.packages.kubeadm)!;
}

function versionInfo(v: KVersion): string {
  return `&version.Info{Major:"${v.major}", Minor:"${v.minor}", GitVersion:"${vstr(v)}", GitCommit:"6b5a5a5d3d0c3b0b9f1d3c9e4a1e2f7c8d9e0a1b", GitTreeState:"clean", BuildDate:"2024-12-10T11:43:21Z", GoVersion:"go1.22.10", Compiler:"gc", Platform:"linux/amd64"}`;
}

function version(call: ShimCall): number {
  const v = kubeadmVersion(call.node);
  const i = call.argv.findIndex((a) => a === '-o' || a === '--output' || a.startsWith('-o=') || a.startsWith('--output='));
  const fmt = i < 0 ? '' : call.argv[i]!.includes('=') ? call.argv[i]!.split('=')[1]! : call.argv[i + 1] ?? '';
  if (fmt === 'short') call.io.out(`${vstr(v)}\n`);
  else if (fmt === 'json') call.io.out(JSON.stringify({ clientVersion: { major: `${v.major}`, minor: `${v.minor}`, gitVersion: vstr(v), gitTreeState: 'clean', goVersion: 'go1.22.10', compiler: 'gc', platform: 'linux/amd64' } }, null, 2) + '\n');
  else if (fmt === '') call.io.out(`kubeadm version: ${versionInfo(v)}\n`);
  else { call.io.err(`error: invalid output format: ${fmt}\n`); return 1; }
  return 0;
}

/** Workers have no admin.conf, so every cluster-wide kubeadm command fails there like this. */
function needsAdminConf(call: ShimCall): boolean {
  if (existsSync(join(call.node.root, 'etc/kubernetes/admin.conf'))) return true;
  call.io.err('couldn\'t create a Kubernetes client from file "/etc/kubernetes/admin.conf": failed to load admin kubeconfig: open /etc/kubernetes/admin.conf: no such file or directory\n' + STACK_HINT);
  return false;
}

/**
 * kubeadm's CheckClusterHealth (phases/upgrade/health.go): every control-plane Node Ready and the
 * static pod manifests on disk; `--ignore-preflight-errors=NAME,…|all` skips a check.
 */
function clusterHealthy(call: ShimCall, args: string[], fatalPrefix: string): boolean {
  const values = args.flatMap((a, i) => (a.startsWith('--ignore-preflight-errors=') ? [a.split('=')[1]!] : a === '--ignore-preflight-errors' ? [args[i + 1] ?? ''] : []));
  const ignore = new Set(values.flatMap((v) => v.split(',')).map((x) => x.trim().toLowerCase()));
  const errors: string[] = [];
  const notReady = call.ctx.control.nodes().filter((n) => n.role === 'control-plane' && !n.ready).map((n) => n.name);
  if (notReady.length && !ignore.has('all') && !ignore.has('controlplanenodesready')) {
    errors.push(`[ERROR ControlPlaneNodesReady]: there are NotReady control-planes in the cluster: [${notReady.join(' ')}]`);
  }
  const missing = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']
    .map((c) => `/etc/kubernetes/manifests/${c}.yaml`)
    .filter((m) => !existsSync(join(call.node.root, m)));
  if (missing.length && !ignore.has('all') && !ignore.has('staticpodmanifest')) {
    errors.push(`[ERROR StaticPodManifest]: The control plane seems to be Static Pod-hosted, but some of the manifests don't seem to exist on disk. This probably means you're running 'kubeadm upgrade' on a remote machine, which is not supported for a Static Pod-hosted cluster. Manifest files not found: [${missing.join(' ')}]`);
  }
  if (errors.length === 0) return true;
  call.io.err(`${fatalPrefix}[preflight] Some fatal errors occurred:\n${errors.map((e) => `\t${e}\n`).join('')}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\n${STACK_HINT}`);
  return false;
}

/** kubeadm flags that take a value; written `--flag value`, the value is not the version argument. */
const VALUED = new Set(['--config', '--kubeconfig', '--feature-gates', '--ignore-preflight-errors', '--patches', '--image-pull-timeout', '--print-config', '-o', '--output', '--v', '-v']);

function positionals(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUED.has(a)) i++;
    else if (!a.startsWith('-')) out.push(a);
  }
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 3))).join('').trimEnd()).join('\n') + '\n';
}

function plan(call: ShimCall): number {
  const { ctx, node, io } = call;
  if (!needsAdminConf(call)) return 1;
  const cluster = parseVersion(ctx.control.serverVersion())!;
  const kv = kubeadmVersion(node);
  io.out('[preflight] Running pre-flight checks.\n[upgrade/config] Reading configuration from the cluster...\n');
  io.out("[upgrade/config] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  io.out('[upgrade] Running cluster health checks\n');
  if (!clusterHealthy(call, call.argv, '[upgrade/health] FATAL: ')) return 1;
  io.out('[upgrade] Fetching available versions to upgrade to\n');
  io.out(`[upgrade/versions] Cluster version: ${vstr(cluster)}\n[upgrade/versions] kubeadm version: ${vstr(kv)}\n`);
  // `plan vX.Y.Z` shows that target (kubeadm's offline version getter); without one, kubeadm's own.
  const wanted = positionals(call.argv.slice(2))[0];
  const targetV = wanted ? parseVersion(wanted) : kv;
  if (!targetV) { io.err(`[upgrade/versions] FATAL: couldn't parse version "${wanted}"\n` + STACK_HINT); return 1; }
  if (compareVersions(targetV, cluster) <= 0) {
    io.out('\nAwesome, you\'re up-to-date! Enjoy!\n');
    return 0;
  }
  const target = vstr(targetV);
  io.out(`[upgrade/versions] Target version: ${target}\n[upgrade/versions] Latest version in the v${cluster.major}.${cluster.minor} series: ${vstr(cluster)}\n\n`);
  io.out("Components that must be upgraded manually after you have upgraded the control plane with 'kubeadm upgrade apply':\n");
  io.out(table([['COMPONENT', 'NODE', 'CURRENT', 'TARGET'], ...ctx.control.nodes().map((n) => ['kubelet', n.name, n.kubeletVersion, target])]));
  io.out('\nUpgrade to the latest stable version:\n\n');
  const rows: string[][] = [['COMPONENT', 'NODE', 'CURRENT', 'TARGET']];
  const cps = [...ctx.nodes.values()].filter((n) => n.role === 'control-plane');
  for (const comp of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    for (const cp of cps) rows.push([comp, cp.name, cp.controlPlaneVersion ?? vstr(cluster), target]);
  }
  rows.push(['kube-proxy', '', `${cluster.major}.${cluster.minor}.${cluster.patch}`, target]);
  rows.push(['CoreDNS', '', 'v1.11.3', 'v1.11.3']);
  for (const cp of cps) rows.push(['etcd', cp.name, '3.5.15-0', '3.5.15-0']);
  io.out(table(rows));
  io.out(`\nYou can now apply the upgrade by executing the following command:\n\n\tkubeadm upgrade apply ${target}\n\n`);
  io.out('_____________________________________________________________________\n\n');
  return 0;
}

/** EnforceVersionPolicies: errors that --force cannot skip, and those it can. */
function policyErrors(target: KVersion, targetStr: string, cluster: KVersion, kv: KVersion, kubelets: string[]): { mandatory: string[]; skippable: string[] } {
  const mandatory: string[] = [];
  const skippable: string[] = [];
  if (target.minor > cluster.minor + 1) mandatory.push(`Specified version to upgrade to "${targetStr}" is too high; kubeadm can upgrade only 1 minor version at a time`);
  if (target.minor < cluster.minor - 1) mandatory.push(`Specified version to downgrade to "${targetStr}" is too low; kubeadm can downgrade only 1 minor version at a time`);
  if (compareVersions(kv, target) < 0) {
    if (target.minor > kv.minor) mandatory.push(`Specified version to upgrade to "${targetStr}" is at least one minor release higher than the kubeadm minor release (${target.minor} > ${kv.minor}). Such an upgrade is not supported`);
    else skippable.push(`Specified version to upgrade to "${targetStr}" is higher than the kubeadm version "${vstr(kv)}". Upgrade kubeadm first using the tool you used to install kubeadm`);
  }
  if (kv.major > target.major || kv.minor > target.minor) skippable.push(`Kubeadm version ${vstr(kv)} can only be used to upgrade to Kubernetes version ${kv.major}.${kv.minor}`);
  const tooOld = [...new Set(kubelets)].filter((s) => { const k = parseVersion(s); return k && target.minor > k.minor + KUBELET_SKEW; });
  if (tooOld.length) skippable.push(`There are kubelets in this cluster that are too old that have these versions [${tooOld.join(' ')}]`);
  return { mandatory, skippable };
}

const errList = (errs: string[]): string => errs.map((e) => `\t- ${e}\n`).join('');

async function staticPods(call: ShimCall, version: string, onApiServer: () => void): Promise<boolean> {
  const { ctx, io } = call;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
  io.out(`[upgrade/staticpods] Writing new Static Pod manifests to "/etc/kubernetes/tmp/kubeadm-upgraded-manifests${process.pid % 1000}"\n`);
  for (const comp of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    io.out(`[upgrade/staticpods] Preparing for "${comp}" upgrade\n`);
    io.out(`[upgrade/staticpods] Moved new manifest to "/etc/kubernetes/manifests/${comp}.yaml" and backed up old manifest to "/etc/kubernetes/tmp/kubeadm-backup-manifests-${stamp}/${comp}.yaml"\n`);
    io.out('[upgrade/staticpods] Waiting for the kubelet to restart the component\n[upgrade/staticpods] This can take up to 5m0s\n');
    await simSleep(call, 250);
    if (io.signal.aborted) return false;
    io.out(`[apiclient] Found 1 Pods for label selector component=${comp}\n[upgrade/staticpods] Component "${comp}" upgraded successfully!\n`);
    if (comp === 'kube-apiserver') onApiServer();
  }
  writeControlPlaneManifests(call.node, version);
  return true;
}

function kubeletConfigLines(call: ShimCall): void {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
  call.io.out(`[upgrade] Backing up kubelet config file to /etc/kubernetes/tmp/kubeadm-kubelet-config-${stamp}/config.yaml\n`);
  call.io.out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"\n');
}

async function apply(call: ShimCall, args: string[]): Promise<number> {
  const { ctx, node, io } = call;
  const flags = new Set(args.filter((a) => a.startsWith('-')).map((a) => a.split('=')[0]!));
  const force = flags.has('-f') || flags.has('--force');
  const yes = force || flags.has('-y') || flags.has('--yes');
  const dryRun = flags.has('--dry-run');
  const targetArg = positionals(args)[0];
  if (!needsAdminConf(call)) return 1;
  if (!targetArg) { io.err('missing one or more required arguments: [version]\n' + STACK_HINT); return 1; }
  const target = parseVersion(targetArg);
  if (!target) { io.err(`[upgrade/version] FATAL: couldn't parse version "${targetArg}"\n` + STACK_HINT); return 1; }
  const targetStr = vstr(target);
  const cluster = parseVersion(ctx.control.serverVersion())!;
  const kv = kubeadmVersion(node);
  const phased = kv.minor >= 32; // kubeadm 1.32 turned apply into phases; messages changed with it
  io.out('[upgrade/config] Reading configuration from the cluster...\n');
  io.out("[upgrade/config] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  io.out('[preflight] Running pre-flight checks.\n[upgrade] Running cluster health checks\n');
  if (!clusterHealthy(call, args, phased ? 'error execution phase preflight: ' : '[upgrade/health] FATAL: ')) return 1;
  io.out(phased ? `[upgrade/preflight] You have chosen to upgrade the cluster version to "${targetStr}"\n` : `[upgrade/version] You have chosen to change the cluster version to "${targetStr}"\n`);
  io.out(`[upgrade/versions] Cluster version: ${vstr(cluster)}\n[upgrade/versions] kubeadm version: ${vstr(kv)}\n`);
  const { mandatory, skippable } = policyErrors(target, targetStr, cluster, kv, ctx.control.nodes().map((n) => n.kubeletVersion));
  const fatal = phased ? 'error execution phase preflight: the version argument is invalid' : '[upgrade/version] FATAL: the --version argument is invalid';
  if (mandatory.length) {
    io.err(`${fatal} due to these fatal errors:\n\n${errList(mandatory)}\nPlease fix the misalignments highlighted above and try upgrading again\n${STACK_HINT}`);
    return 1;
  }
  if (skippable.length && !force) {
    io.err(`${fatal} due to these errors:\n\n${errList(skippable)}\nCan be bypassed if you pass the --force flag\n${STACK_HINT}`);
    return 1;
  }
  if (skippable.length) io.out(`[upgrade/version] Found ${skippable.length} potential version compatibility errors but skipping since the --force flag is set: \n\n${errList(skippable)}`);
  if (!yes) {
    io.out('[upgrade/confirm] Are you sure you want to proceed? [y/N]: ');
    io.err("won't proceed; the user didn't answer (Y|y) in order to continue\n" + STACK_HINT);
    return 1;
  }
  io.out('[upgrade/prepull] Pulling images required for setting up a Kubernetes cluster\n');
  io.out('[upgrade/prepull] This might take a minute or two, depending on the speed of your internet connection\n');
  await simSleep(call, 250);
  io.out(`[upgrade/apply] Upgrading your Static Pod-hosted control plane to version "${targetStr}" (timeout: 5m0s)...\n`);
  if (dryRun) { io.out('[dryrun] Finished dryrunning successfully!\n'); return 0; }
  io.out('[upgrade/etcd] Upgrading to TLS for etcd\n[upgrade/staticpods] Preparing for "etcd" upgrade\n');
  io.out('[upgrade/staticpods] Current and new manifests of etcd are equal, skipping upgrade\n[upgrade/etcd] Waiting for etcd to become available\n');
  const done = await staticPods(call, targetStr, () => ctx.control.setServerVersion(targetStr));
  if (!done) return 130;
  io.out('[upload-config] Storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace\n');
  io.out('[kubelet] Creating a ConfigMap "kubelet-config" in namespace kube-system with the configuration for the kubelets in the cluster\n');
  kubeletConfigLines(call);
  io.out('[addons] Applied essential addon: CoreDNS\n[addons] Applied essential addon: kube-proxy\n\n');
  io.out(`[upgrade/successful] SUCCESS! Your cluster was upgraded to "${targetStr}". Enjoy!\n\n`);
  io.out("[upgrade/kubelet] Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't already done so.\n");
  return 0;
}

async function node(call: ShimCall): Promise<number> {
  const { ctx, node: n, io } = call;
  const cluster = parseVersion(ctx.control.serverVersion())!;
  const kv = kubeadmVersion(n);
  io.out('[upgrade] Reading configuration from the cluster...\n');
  io.out("[upgrade] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'\n");
  if (kv.minor < cluster.minor) {
    io.err(`[upgrade] FATAL: this version of kubeadm (${vstr(kv)}) is older than the cluster (${vstr(cluster)}); upgrade the kubeadm package on this node first\n` + STACK_HINT);
    return 1;
  }
  io.out('[preflight] Running pre-flight checks\n');
  if (n.role === 'control-plane') {
    io.out('[preflight] Pulling images required for setting up a Kubernetes cluster\n');
    io.out(`[upgrade] Upgrading your Static Pod-hosted control plane instance to version "${vstr(cluster)}"...\n`);
    if (!(await staticPods(call, vstr(cluster), () => undefined))) return 130;
    io.out('[upgrade] The control plane instance for this node was successfully updated!\n');
  } else {
    io.out('[preflight] Skipping prepull. Not a control plane node.\n[upgrade] Skipping phase. Not a control plane node.\n');
    await simSleep(call, 100);
    if (io.signal.aborted) return 130;
  }
  kubeletConfigLines(call);
  io.out('[upgrade] The configuration for this node was successfully updated!\n');
  io.out('[upgrade] Now you should go ahead and upgrade the kubelet package using your package manager.\n');
  return 0;
}

export const kubeadm: ShimHandler = async (call) => {
  const [cmd, sub, ...rest] = call.argv;
  if (cmd === 'version') return version(call);
  if (cmd === 'upgrade' && sub === 'plan') return plan(call);
  if (cmd === 'upgrade' && sub === 'apply') return apply(call, rest);
  if (cmd === 'upgrade' && sub === 'node') return node(call);
  call.io.err(`Error: unknown command "${[cmd, sub].filter(Boolean).join(' ')}" for "kubeadm" (the lab's kubeadm knows: version, upgrade plan|apply|node)\nRun 'kubeadm --help' for usage.\n`);
  return 1;
};
