// SHA-256 and size of a file on the operator's machine, streamed (etcd snapshots are large).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export async function sha256Local(path: string): Promise<{ sha256: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}
