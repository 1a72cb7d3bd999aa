import { Transaction, Wallet, id, keccak256, toUtf8Bytes } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../devnet/relay/relayRequestHandler.js';
import { startRelayKit, type RelayKit } from './startRelayKit.js';

let kit: RelayKit;
let sender: Wallet;
let signedTx: string;

beforeAll(async () => {
  kit = await startRelayKit();
  sender = await kit.wallet();
  signedTx = await kit.sign(sender, { to: sender.address, value: 1n });
});
afterAll(async () => {
  await kit?.stop();
});

function signatureHeader(body: string, signer: Wallet = kit.authSigner): string {
  return `${signer.address}:${signer.signMessageSync(id(body))}`;
}

/** POSTs `body` as it is, signed by the auth key unless `headers` says otherwise. */
async function post(
  body: string,
  headers: Record<string, string | null> = {},
): Promise<{ status: number; json: unknown; text: string }> {
  const all: Record<string, string | null> = {
    'content-type': 'application/json',
    'x-flashbots-signature': signatureHeader(body),
    ...headers,
  };
  const res = await fetch(kit.relay.url, {
    method: 'POST',
    body,
    headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

function rpc(method: string, params: unknown, id: unknown = 1): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params });
}

function rpcError(code: number, message: string | RegExp, id: unknown = 1): unknown {
  return {
    jsonrpc: '2.0',
    id,
    error: { code, message: typeof message === 'string' ? message : expect.stringMatching(message) },
  };
}

async function nextBlockHex(): Promise<string> {
  return `0x${((await kit.provider.getBlockNumber()) + 1).toString(16)}`;
}

describe('HTTP', () => {
  it('takes only POST, with a JSON content type, as Flashbots does', async () => {
    const get = await fetch(kit.relay.url);
    expect([get.status, await get.text()]).toEqual([405, 'only POST method is allowed']);
    const text = await post(rpc('eth_sendBundle', []), { 'content-type': 'text/plain' });
    expect([text.status, text.text]).toEqual([415, 'header Content-Type must be application/json']);
  });

  it('answers every JSON-RPC error with HTTP 200 and the error object', async () => {
    const res = await post('{not json');
    expect(res.status).toBe(200);
    expect(res.json).toEqual(rpcError(-32700, /^parse error: /, null));
  });
});

describe('X-Flashbots-Signature', () => {
  it('is required', async () => {
    const res = await post(rpc('eth_sendBundle', [{ txs: [signedTx], blockNumber: await nextBlockHex() }]), {
      'x-flashbots-signature': null,
    });
    expect(res.json).toEqual(rpcError(-32600, 'signature is required', null));
  });

  it("must be the claimed address's signature of this very body", async () => {
    const body = rpc('eth_sendBundle', [{ txs: [signedTx], blockNumber: await nextBlockHex() }]);
    const stranger = new Wallet(keccak256(toUtf8Bytes('stranger')));
    const claimsOther = `${stranger.address}:${kit.authSigner.signMessageSync(id(body))}`;
    const otherBody = signatureHeader(body.replace('"id":1', '"id":2'));
    const rawHash = `${kit.authSigner.address}:${kit.authSigner.signMessageSync(Buffer.from(id(body).slice(2), 'hex'))}`;
    for (const header of [claimsOther, otherBody, rawHash]) {
      expect((await post(body, { 'x-flashbots-signature': header })).json).toEqual(
        rpcError(-32600, 'invalid signature provided: signing address mismatch', null),
      );
    }
    expect((await post(body, { 'x-flashbots-signature': 'garbage' })).json).toEqual(
      rpcError(-32600, 'invalid signature provided: missing separator', null),
    );
  });

  it('is checked before the body is parsed', async () => {
    const res = await post('{not json', { 'x-flashbots-signature': null });
    expect(res.json).toEqual(rpcError(-32600, 'signature is required', null));
  });
});

describe('malformed requests', () => {
  it('rejects what is not one JSON-RPC 2.0 request', async () => {
    expect((await post(`[${rpc('eth_sendBundle', [])}]`)).json).toEqual(
      rpcError(-32600, /batches are not supported/, null),
    );
    expect(
      (await post(JSON.stringify({ jsonrpc: '1.0', id: 7, method: 'eth_sendBundle', params: [] }))).json,
    ).toEqual(rpcError(-32600, 'invalid jsonrpc version', 7));
    expect(
      (await post(JSON.stringify({ jsonrpc: '2.0', id: { a: 1 }, method: 'eth_sendBundle' }))).json,
    ).toEqual(rpcError(-32600, 'invalid id type', null));
    expect((await post(JSON.stringify({ jsonrpc: '2.0', id: 'x', method: 5 }))).json).toEqual(
      rpcError(-32600, /method must be a string/, 'x'),
    );
    expect((await post(rpc('mev_sendBundle', [{}], 'abc'))).json).toEqual(
      rpcError(-32601, 'method not found', 'abc'),
    );
  });

  it('rejects a body larger than the relay accepts', async () => {
    const huge = rpc('eth_sendBundle', [
      { txs: ['0x' + 'ab'.repeat(MAX_BODY_BYTES / 2)], blockNumber: '0x1' },
    ]);
    expect((await post(huge)).json).toEqual(
      rpcError(-32600, `request body is too big, max size: ${MAX_BODY_BYTES}`, null),
    );
  });

  it('names the eth_sendBundle field that is wrong', async () => {
    const block = await nextBlockHex();
    const unsigned = Transaction.from({
      chainId: kit.chainId,
      type: 2,
      nonce: 0,
      gasLimit: 21000,
      maxFeePerGas: 1,
      maxPriorityFeePerGas: 1,
      to: sender.address,
    }).unsignedSerialized;
    const otherChain = await sender.signTransaction({
      chainId: 1,
      type: 2,
      nonce: 0,
      gasLimit: 21000,
      maxFeePerGas: 1,
      maxPriorityFeePerGas: 1,
      to: sender.address,
    });
    const cases: [unknown, RegExp][] = [
      [{}, /expected params to be an array holding exactly one object/],
      [[], /expected params to be an array holding exactly one object/],
      [['0x1'], /params\[0\] must be an object/],
      [[{ blockNumber: block }], /txs must be a non-empty array/],
      [[{ txs: [], blockNumber: block }], /txs must be a non-empty array/],
      [[{ txs: ['zz'], blockNumber: block }], /txs\[0\] is not 0x-prefixed hex bytes/],
      [[{ txs: ['0x1234'], blockNumber: block }], /unable to decode txs\[0\]/],
      [[{ txs: [unsigned], blockNumber: block }], /txs\[0\] is not signed|unable to decode txs\[0\]/],
      [
        [{ txs: [otherChain], blockNumber: block }],
        /txs\[0\] is signed for chain 1, this relay serves chain 31337/,
      ],
      [[{ txs: [signedTx, signedTx], blockNumber: block }], /appears twice/],
      [[{ txs: Array(101).fill(signedTx), blockNumber: block }], /at most 100 transactions/],
      [[{ txs: [signedTx] }], /blockNumber \(hex\) is required/],
      [[{ txs: [signedTx], blockNumber: 5 }], /blockNumber must be a 0x-prefixed hex quantity/],
      [[{ txs: [signedTx], blockNumber: '0x05' }], /without leading zeros/],
      [
        [{ txs: [signedTx], blockNumber: block, minTimestamp: '5' }],
        /minTimestamp must be a non-negative integer number/,
      ],
      [
        [{ txs: [signedTx], blockNumber: block, minTimestamp: 10, maxTimestamp: 9 }],
        /minTimestamp 10 is after maxTimestamp 9/,
      ],
      [
        [{ txs: [signedTx], blockNumber: block, revertingTxHashes: ['0x12'] }],
        /revertingTxHashes must be an array of 32-byte/,
      ],
      [
        [{ txs: [signedTx], blockNumber: block, replacementUuid: 'not-a-uuid' }],
        /replacementUuid must be a UUID/,
      ],
    ];
    for (const [params, message] of cases) {
      expect((await post(rpc('eth_sendBundle', params))).json, JSON.stringify(params).slice(0, 80)).toEqual(
        rpcError(-32602, message),
      );
    }
  });

  it('names the eth_callBundle and eth_cancelBundle field that is wrong', async () => {
    const block = await nextBlockHex();
    expect((await post(rpc('eth_callBundle', [{ txs: [signedTx], blockNumber: block }]))).json).toEqual(
      rpcError(-32602, /stateBlockNumber \(hex block number or "latest"\) is required/),
    );
    expect(
      (
        await post(
          rpc('eth_callBundle', [{ txs: [signedTx], blockNumber: block, stateBlockNumber: 'pending' }]),
        )
      ).json,
    ).toEqual(rpcError(-32602, /stateBlockNumber must be a 0x-prefixed hex block number or "latest"/));
    expect(
      (
        await post(
          rpc('eth_callBundle', [{ txs: [signedTx], blockNumber: block, stateBlockNumber: '0xffffff' }]),
        )
      ).json,
    ).toEqual(rpcError(-32000, 'state block 16777215 not found'));
    expect((await post(rpc('eth_cancelBundle', [{}]))).json).toEqual(
      rpcError(-32602, /replacementUuid is required/),
    );
  });

  it('reaches the client library as its RelayResponseError', async () => {
    const answer = await kit.flashbots.sendRawBundle(['0x1234'], 5);
    expect(answer).toEqual({
      error: { code: -32602, message: expect.stringMatching(/unable to decode txs\[0\]/) },
    });
  });
});

describe('signers', () => {
  it('echo the request id and scope replacementUuid to the signer that sent the bundle', async () => {
    const uuid = '2a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const tx = await kit.sign(sender, { to: sender.address, value: 2n });
    const body = rpc(
      'eth_sendBundle',
      [{ txs: [tx], blockNumber: await nextBlockHex(), replacementUuid: uuid }],
      'req-1',
    );
    const sent = (await post(body)).json as { id: string; result: { bundleHash: string } };
    expect(sent.id).toBe('req-1');
    const stranger = new Wallet(keccak256(toUtf8Bytes('another searcher')));
    const cancelBody = rpc('eth_cancelBundle', [{ replacementUuid: uuid }]);
    expect(
      (await post(cancelBody, { 'x-flashbots-signature': signatureHeader(cancelBody, stranger) })).json,
    ).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: [],
    });
    await kit.producer.mine();
    expect((await kit.provider.getTransactionReceipt(Transaction.from(tx).hash as string))?.status).toBe(1);
    const report = await kit.relay.landed();
    const entry = report.blocks
      .flatMap((b) => b.bundles)
      .find((b) => b.bundleHash === sent.result.bundleHash);
    expect(entry).toMatchObject({ status: 'landed', signer: kit.authSigner.address, replacementUuid: uuid });
  });
});
