// Output made in pieces and handed on in chunks of ~64 KiB (plan text and JSON): big enough that
// writing costs little per byte, small enough that a plan of thousands of hosts is never one string.
const CHUNK = 64 * 1024;

/** Collects small pieces; `take` hands them on as one chunk once there are ~64 KiB. */
export class Chunks {
  private parts: string[] = [];
  private size = 0;
  push(s: string): void {
    this.parts.push(s);
    this.size += s.length;
  }
  get full(): boolean {
    return this.size >= CHUNK;
  }
  take(): string {
    const c = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return c;
  }
}
