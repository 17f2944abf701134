// Watches: a chunked stream of JSON lines ({"type":"ADDED","object":...}) for one resource,
// filtered like the list, ended after timeoutSeconds (at most 30 min) or when the cluster stops.
import type { ServerResponse } from 'node:http';
import type { ControllerContext } from '../controllers/context.js';
import type { ResourceType } from '../resources.js';
import type { KObject } from '../types.js';
import { filterList } from './crud.js';
import { wantsTable, type ApiRequest } from './request.js';
import { toTable } from './tables.js';

const MAX_WATCH_SECONDS = 1800;

export class Watches {
  private readonly open = new Set<() => void>();

  constructor(private readonly ctx: ControllerContext) {}

  serve(req: ApiRequest, res: ServerResponse, type: ResourceType, namespace: string | undefined): void {
    const { store, timers } = this.ctx;
    const table = wantsTable(req.headers.accept);
    const matches = (o: KObject) => (namespace === undefined || o.metadata.namespace === namespace) && filterList(req, [o]).length === 1;
    const send = (event: string, o: KObject) => {
      const object = table ? toTable(type.resource, [o], timers.now(), o.metadata.resourceVersion ?? '', req.query.get('includeObject') ?? 'Metadata') : o;
      res.write(`${JSON.stringify({ type: event, object })}\n`);
    };
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders(); // clients (client-go) wait for the headers before they consider the watch started
    const rv = req.query.get('resourceVersion');
    if (!rv || rv === '0') for (const o of store.list(type.resource, namespace)) if (matches(o)) send('ADDED', o);
    const off = store.onChange((change, resource, o) => {
      if (resource === type.resource && matches(o)) send(change, o);
    });
    const seconds = Math.min(Number(req.query.get('timeoutSeconds') ?? MAX_WATCH_SECONDS) || MAX_WATCH_SECONDS, MAX_WATCH_SECONDS);
    let cancelTimer = () => {};
    const end = () => {
      if (!this.open.delete(end)) return;
      off();
      cancelTimer();
      res.end();
    };
    this.open.add(end);
    cancelTimer = timers.afterReal(seconds * 1000, end);
    res.on('close', end);
  }

  /** End every open watch (cluster stop). */
  closeAll(): void {
    for (const end of [...this.open]) end();
  }
}
