// The other half of SyncRpc (SyncRpc.ts): does the HTTP request the blocked thread cannot, posts the answer
// on the shared MessagePort, then bumps the shared counter so the waiting thread wakes. Plain JavaScript
// because a worker thread gets no TypeScript loader under vitest.
/* global fetch, AbortSignal */
import { parentPort, workerData } from 'node:worker_threads';

const { url, counter, port } = workerData;
const signal = new Int32Array(counter);

async function post(body, timeoutMs) {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    if (!response.ok)
      return { transportError: `HTTP ${response.status} ${response.statusText}: ${text.slice(0, 200)}` };
    return { text };
  } catch (error) {
    const detail = error && error.cause ? error.cause.code || error.cause.message : undefined;
    const cause = detail ? ` (${detail})` : '';
    return { transportError: `${error && error.message ? error.message : String(error)}${cause}` };
  }
}

parentPort.on('message', async ({ id, body, timeoutMs }) => {
  const answer = await post(body, timeoutMs);
  port.postMessage({ id, ...answer });
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
