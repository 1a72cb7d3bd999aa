import WebSocket from 'ws';
import { KeeperError } from '../errors/KeeperError.js';
import { redactUrl } from '../errors/redactUrl.js';

/** A newHeads notification is about 1 KB; anything near this is not a JSON-RPC answer we want to buffer. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

export class WebSocketError extends KeeperError {
  override readonly name = 'WebSocketError';
}

/**
 * A client WebSocket carrying text messages, enough for JSON-RPC subscriptions, on the `ws` library (Node 20 has no
 * WebSocket of its own). `onClose` is called exactly once, whatever ended the connection (the peer, the network, a
 * protocol error, or `close()`).
 */
export class WebSocketConnection {
  onMessage: (text: string) => void = () => {};
  onClose: (reason: string) => void = () => {};
  private closed = false;

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!isBinary) this.onMessage(rawText(data));
    });
    socket.on('error', (err) => this.end(`socket error: ${err.message}`));
    socket.on('close', (code: number) => this.end(`socket closed (${code})`));
  }

  /** Opens `ws://` or `wss://` `url`; rejects when the server refuses the upgrade or does not answer in time. */
  static connect(url: string, timeoutMs: number): Promise<WebSocketConnection> {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.reject(new WebSocketError(`not a ws(s) URL: ${redactUrl(url)}`));
    }
    if (target.protocol !== 'ws:' && target.protocol !== 'wss:')
      return Promise.reject(new WebSocketError(`not a ws(s) URL: ${redactUrl(url)}`));
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { handshakeTimeout: timeoutMs, maxPayload: MAX_MESSAGE_BYTES });
      const fail = (message: string, cause?: unknown) => {
        socket.removeAllListeners();
        socket.on('error', () => undefined); // a late error after terminate() must not go unhandled
        socket.terminate();
        reject(new WebSocketError(`${redactUrl(url)}: ${message}`, { cause }));
      };
      socket.once('unexpected-response', (_request, response) => {
        response.resume();
        fail(`HTTP ${response.statusCode} instead of a WebSocket upgrade`);
      });
      socket.once('error', (err) =>
        fail(/handshake/i.test(err.message) ? `no answer in ${timeoutMs} ms` : 'cannot connect', err),
      );
      socket.once('open', () => {
        socket.removeAllListeners();
        resolve(new WebSocketConnection(socket));
      });
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(text: string): void {
    if (this.closed) throw new WebSocketError('send on a closed WebSocket');
    this.socket.send(text);
  }

  /** Ends the connection (a close frame, then the socket); `onClose` gets `reason`. */
  close(reason = 'closed by us'): void {
    if (this.closed) return;
    this.end(reason);
    this.socket.close();
    // A peer that never answers the close frame: drop the socket rather than wait for it.
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }

  private end(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(reason);
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
