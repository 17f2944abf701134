// Just enough protobuf to read the DeleteOptions kubectl 1.33 sends with DELETE when it cannot
// evict: the `k8s\0` envelope (runtime.Unknown, raw bytes in field 2) and gracePeriodSeconds
// (field 1, varint) inside it.

function varint(buf: Buffer, pos: number): [number, number] {
  let result = 0, shift = 0;
  for (let i = 0; i < 10 && pos < buf.length; i++) {
    const b = buf[pos++]!;
    result += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7;
  }
  throw new Error('protobuf: truncated varint');
}

/** Fields of one message: number → wire type and value (varint number or bytes). */
function fields(buf: Buffer): Map<number, number | Buffer> {
  const out = new Map<number, number | Buffer>();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = varint(buf, pos);
    pos = p1;
    const field = Math.floor(tag / 8), wire = tag & 7;
    if (wire === 0) { const [v, p2] = varint(buf, pos); out.set(field, v); pos = p2; }
    else if (wire === 2) { const [len, p2] = varint(buf, pos); out.set(field, buf.subarray(p2, p2 + len)); pos = p2 + len; }
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else throw new Error(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** gracePeriodSeconds from a protobuf DeleteOptions body, or undefined when absent/unreadable. */
export function protobufDeleteGrace(body: Buffer): number | undefined {
  try {
    if (!body.subarray(0, 4).equals(PROTOBUF_MAGIC)) return undefined;
    const raw = fields(body.subarray(4)).get(2);
    if (!Buffer.isBuffer(raw)) return undefined;
    const g = fields(raw).get(1);
    return typeof g === 'number' ? g : undefined;
  } catch {
    return undefined;
  }
}
