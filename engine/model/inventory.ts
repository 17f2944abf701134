// The inventory as the engine uses it, after loading (native YAML or Ansible YAML/INI) and
// normalisation. Loaders live in load/; this file holds types only.

/** How to reach one host over SSH. Unset fields fall back to ~/.ssh/config, then defaults. */
export interface SshSettings {
  /** Address to connect to (inventory `address`, Ansible `ansible_host`); default the host name. */
  address: string;
  port?: number;
  user?: string;
  /** Private key file (Ansible `ansible_ssh_private_key_file`). */
  identityFile?: string;
  /** Only use identityFile, not every key in the agent (OpenSSH IdentitiesOnly). */
  identitiesOnly?: boolean;
  /** Jump hosts, comma-separated like OpenSSH ProxyJump: `user@bastion:22,other`. */
  proxyJump?: string;
  /** known_hosts file; default ~/.ssh/known_hosts. */
  knownHosts?: string;
  /** 'yes' (default): unknown or changed keys stop the run. 'accept-new': record unknown keys, refuse changed ones. */
  strictHostKeyChecking?: 'yes' | 'accept-new';
  connectTimeoutMs?: number;
}

export interface Host {
  /** Inventory name; also the Kubernetes node name unless vars.node_name says otherwise. */
  name: string;
  /** 'ssh' for remote hosts, 'local' for the operator's machine (the implicit `localhost`). */
  connection: 'ssh' | 'local';
  ssh: SshSettings;
  /** Run commands through sudo by default. */
  become: boolean;
  /** Groups this host belongs to, directly or through children, in inventory order. */
  groups: string[];
  /** Merged host variables: all < parent groups < child groups < host. */
  vars: Record<string, unknown>;
}

export interface Group {
  name: string;
  /** Direct and inherited members, in inventory order. */
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
}

/** Cluster API access. */
export interface KubeAccess {
  /** kubeconfig path; unset means KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  context?: string;
}

export interface Inventory {
  /** Path the inventory was loaded from ('<lab>' style names are fine for generated ones). */
  file: string;
  format: 'native' | 'ansible-yaml' | 'ansible-ini';
  /** Hosts in inventory order. */
  hosts: Host[];
  groups: Record<string, Group>;
  /** Variables of the `all` group. */
  vars: Record<string, unknown>;
  kube: KubeAccess;
  /** Fan-out limit for hosts contacted at once (Ansible's forks). */
  forks: number;
}
