import { describe, expect, it } from 'vitest';
import { frame, parseFrame } from './WebSocketConnection.js';

/** A server frame (unmasked), as a server sends it. */
function serverFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const size = payload.length;
  const first = (fin ? 0x80 : 0) | opcode;
  if (size < 126) return Buffer.concat([Buffer.from([first, size]), payload]);
  if (size < 65536) return Buffer.concat([Buffer.from([first, 126, size >> 8, size & 0xff]), payload]);
  const length = Buffer.alloc(8);
  length.writeBigUInt64BE(BigInt(size));
  return Buffer.concat([Buffer.from([first, 127]), length, payload]);
}

describe('WebSocket frames', () => {
  it.each([0, 125, 126, 65535, 65536, 200_000])(
    'reads a %i-byte server frame, and waits for all of it',
    (size) => {
      const payload = Buffer.alloc(size, 0x61);
      const bytes = serverFrame(0x1, payload);
      const parsed = parseFrame(bytes);
      expect(parsed).toMatchObject({ fin: true, opcode: 1, length: bytes.length });
      expect(typeof parsed === 'object' && parsed.payload.equals(payload)).toBe(true);
      expect(parseFrame(bytes.subarray(0, bytes.length - 1))).toBe('incomplete');
      expect(parseFrame(bytes.subarray(0, 1))).toBe('incomplete');
    },
  );

  it('our frames are masked, and unmask to what we sent', () => {
    for (const size of [3, 300, 70_000]) {
      const payload = Buffer.from('x'.repeat(size));
      const bytes = frame(0x1, payload);
      expect(bytes[1]! & 0x80).toBe(0x80);
      const parsed = parseFrame(bytes);
      expect(typeof parsed === 'object' && parsed.payload.toString()).toBe(payload.toString());
    }
  });

  it('a fragment says it is not the last; a frame over the size bound is a protocol error', () => {
    expect(parseFrame(serverFrame(0x1, Buffer.from('ab'), false))).toMatchObject({ fin: false, opcode: 1 });
    const huge = Buffer.from([0x81, 127, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(parseFrame(huge)).toMatch(/a frame of \d+ bytes/);
  });
});
