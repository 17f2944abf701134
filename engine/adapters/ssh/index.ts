// The ssh2 transport pool — placeholder signature until the SSH work lands (issue 4).
import type { TransportPool } from '../../ports/transport.js';

export interface SshPoolOptions {
  /** Hosts contacted at once. */
  forks?: number;
  /** ~/.ssh/config path; default the user's. */
  sshConfig?: string;
  /** Sudo password for become, from a prompt or RUNBOOK_BECOME_PASSWORD; never logged. */
  becomePassword?: string;
}

export function createSshPool(_opts: SshPoolOptions = {}): TransportPool {
  throw new Error('runbook: the SSH transport is not built yet (issue 4)');
}
