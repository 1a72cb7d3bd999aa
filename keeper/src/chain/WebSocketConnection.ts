import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { KeeperError } from '../errors/KeeperError.js';
import { redactUrl } from '../errors/redactUrl.js';

/** The handshake's fixed key suffix (RFC 6455 §1.3). */
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
/** A newHeads notification is about 1 KB; anything near this is not a JSON-RPC answer we want to buffer. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class WebSocketError extends KeeperError {
  override readonly name = 'WebSocketError';
}

/**
 * A client WebSocket (RFC 6455) carrying text messages, enough for JSON-RPC subscriptions: Node 20 has no
 * WebSocket of its own, and the keeper adds no dependency for one socket. Frames we send are masked, as a client's
 * must be; pings are answered; fragmented messages are joined. `onClose` is called exactly once, whatever ended
 * the connection (the peer, the network, a protocol error, or `close()`).
 */
export class WebSocketConnection {
  onMessage: (text: string) => void = () => {};
  onClose: (reason: string) => void = () => {};
  private buffer: Buffer = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (err) => this.end(`socket error: ${err.message}`));
    socket.on('close', () => this.end('socket closed'));
  }

  /** Opens `ws://` or `wss://` `url`; rejects when the server refuses the upgrade or does not answer in time. */
  static connect(url: string, timeoutMs: number): Promise<WebSocketConnection> {
    const target = new URL(url);
    const secure = target.protocol === 'wss:';
    if (!secure && target.protocol !== 'ws:')
      return Promise.reject(new WebSocketError(`not a ws(s) URL: ${redactUrl(url)}`));
    const key = randomBytes(16).toString('base64');
    const request = (secure ? httpsRequest : httpRequest)({
      hostname: target.hostname,
      port: target.port || (secure ? 443 : 80),
      path: `${target.pathname}${target.search}`,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
      },
      timeout: timeoutMs,
    });
    return new Promise((resolve, reject) => {
      const fail = (message: string, cause?: unknown) => {
        request.destroy();
        reject(new WebSocketError(`${redactUrl(url)}: ${message}`, { cause }));
      };
      request.on('timeout', () => fail(`no answer in ${timeoutMs} ms`));
      request.on('error', (err) => fail('cannot connect', err));
      request.on('response', (response: IncomingMessage) => {
        response.resume();
        fail(`HTTP ${response.statusCode} instead of a WebSocket upgrade`);
      });
      request.on('upgrade', (response: IncomingMessage, socket: Socket, head: Buffer) => {
        const expected = createHash('sha1')
          .update(key + ACCEPT_GUID)
          .digest('base64');
        if (response.headers['sec-websocket-accept'] !== expected) {
          socket.destroy();
          fail('the upgrade answer does not match our key');
          return;
        }
        socket.setTimeout(0);
        socket.setNoDelay(true);
        const connection = new WebSocketConnection(socket);
        resolve(connection);
        if (head.length > 0) connection.receive(head);
      });
      request.end();
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(text: string): void {
    if (this.closed) throw new WebSocketError('send on a closed WebSocket');
    this.socket.write(frame(OP_TEXT, Buffer.from(text, 'utf8')));
  }

  /** Ends the connection (a close frame, then the socket); `onClose` gets `reason`. */
  close(reason = 'closed by us'): void {
    if (this.closed) return;
    this.socket.write(frame(OP_CLOSE, Buffer.alloc(0)));
    this.socket.end();
    this.end(reason);
  }

  private end(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    this.onClose(reason);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const parsed = parseFrame(this.buffer);
      if (parsed === 'incomplete') return;
      if (typeof parsed === 'string') {
        this.end(`protocol error: ${parsed}`);
        return;
      }
      this.buffer = this.buffer.subarray(parsed.length);
      this.handle(parsed.fin, parsed.opcode, parsed.payload);
      if (this.closed) return;
    }
  }

  private handle(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === OP_PING) {
      this.socket.write(frame(OP_PONG, payload));
      return;
    }
    if (opcode === OP_PONG) return;
    if (opcode === OP_CLOSE) {
      this.close(`closed by the server${payload.length >= 2 ? ` (code ${payload.readUInt16BE(0)})` : ''}`);
      return;
    }
    if (opcode !== OP_CONTINUATION && opcode !== OP_TEXT && opcode !== OP_BINARY) {
      this.end(`protocol error: opcode ${opcode}`);
      return;
    }
    this.fragments.push(payload);
    const size = this.fragments.reduce((sum, f) => sum + f.length, 0);
    if (size > MAX_MESSAGE_BYTES) {
      this.end(`protocol error: a message over ${MAX_MESSAGE_BYTES} bytes`);
      return;
    }
    if (!fin) return;
    const message = Buffer.concat(this.fragments).toString('utf8');
    this.fragments = [];
    this.onMessage(message);
  }
}

interface Frame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
  /** Bytes the frame took in the buffer. */
  length: number;
}

/** One frame from the start of `data`: 'incomplete' until all of it arrived, a string for a protocol error. */
export function parseFrame(data: Buffer): Frame | 'incomplete' | string {
  if (data.length < 2) return 'incomplete';
  const fin = (data[0]! & 0x80) !== 0;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let size = data[1]! & 0x7f;
  let offset = 2;
  if (size === 126) {
    if (data.length < 4) return 'incomplete';
    size = data.readUInt16BE(2);
    offset = 4;
  } else if (size === 127) {
    if (data.length < 10) return 'incomplete';
    const big = data.readBigUInt64BE(2);
    if (big > BigInt(MAX_MESSAGE_BYTES)) return `a frame of ${big} bytes`;
    size = Number(big);
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (data.length < offset + size) return 'incomplete';
  const payload = Buffer.from(data.subarray(offset, offset + size));
  // Servers do not mask (RFC 6455 §5.1), but unmasking costs nothing and keeps a lenient server readable.
  if (masked) for (let i = 0; i < size; i++) payload[i]! ^= data[maskOffset + (i % 4)]!;
  return { fin, opcode, payload, length: offset + size };
}

/** A final, masked client frame. */
export function frame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const size = payload.length;
  const header =
    size < 126
      ? Buffer.from([0x80 | opcode, 0x80 | size])
      : size < 65536
        ? Buffer.from([0x80 | opcode, 0x80 | 126, size >> 8, size & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), bigEndian64(size)]);
  const body = Buffer.alloc(size);
  for (let i = 0; i < size; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, body]);
}

function bigEndian64(n: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt(n));
  return out;
}
