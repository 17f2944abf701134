// Splits a byte stream into lines as it arrives (UTF-8 safe across chunk boundaries), keeping the
// whole text too: onLine gets each complete line at once, the partial tail at flush().
import { StringDecoder } from 'node:string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  /** Everything seen, for CommandResult.stdout/stderr. */
  text = '';

  constructor(private readonly onLine?: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    this.pushText(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
  }

  /** Text already decoded (used after become markers were stripped). */
  pushText(s: string): void {
    if (s === '') return;
    this.text += s;
    if (!this.onLine) return;
    const parts = (this.partial + s).split('\n');
    this.partial = parts.pop()!;
    for (const p of parts) this.onLine(p.endsWith('\r') ? p.slice(0, -1) : p);
  }

  flush(): void {
    this.pushText(this.decoder.end());
    if (this.onLine && this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}
