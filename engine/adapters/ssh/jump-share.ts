// One connection per distinct ProxyJump chain, shared by every host behind it: a fan-out through
// a bastion then authenticates to the bastion once and opens one forwarded channel per host,
// instead of N simultaneous logins that trip the bastion's MaxStartups (10:30:100 by default).
import type { Client } from 'ssh2';
import { TransportError } from '../../model/errors.js';
import { connectJumps, type JumpSource } from './connect.js';
import type { Hop } from './settings.js';

export class JumpShare implements JumpSource {
  private readonly live = new Map<string, Promise<Client[]>>();

  get(hostName: string, jumps: Hop[], agentSock: string | undefined): Promise<Client> {
    const key = JSON.stringify(jumps.map((h) => [h.address, h.port, h.user, h.identityFiles, h.identitiesOnly, h.knownHosts, h.strict]));
    let p = this.live.get(key);
    if (!p) {
      const made = connectJumps(hostName, jumps, agentSock);
      p = made;
      this.live.set(key, made);
      made.then(
        (clients) => {
          const drop = (): void => {
            if (this.live.get(key) === made) this.live.delete(key);
            for (const c of clients) c.end();
          };
          for (const c of clients) {
            c.setMaxListeners(0);
            c.once('close', drop);
          }
        },
        () => {
          // A failed chain is not cached: the next host (or a retry) tries again.
          if (this.live.get(key) === made) this.live.delete(key);
        },
      );
    }
    return p.then(
      (clients) => clients[clients.length - 1]!,
      (e: unknown) => {
        // The error was raised for whichever host opened the chain: name this one.
        if (e instanceof TransportError && e.host !== hostName) throw new TransportError(e.kind, hostName, e.message.slice(e.host.length + 2), e.hint);
        throw e;
      },
    );
  }

  /** End every shared jump connection; waits for them to close, at most 2 s. */
  async closeAll(): Promise<void> {
    const all = [...this.live.values()];
    this.live.clear();
    const chains = await Promise.all(all.map((p) => p.catch(() => [] as Client[])));
    await Promise.all(
      chains.flat().map(
        (c) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(resolve, 2_000);
            c.once('close', () => {
              clearTimeout(t);
              resolve();
            });
            c.end();
          }),
      ),
    );
  }
}
