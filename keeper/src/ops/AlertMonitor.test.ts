import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/loadConfig.js';
import { configPrintCommand } from '../cli/configPrintCommand.js';
import type { ActionOutcome } from '../execution/types.js';
import { AlertMonitor, type AlertSettings } from './AlertMonitor.js';

const MM = '0x5f2D775362ADBC70A6814456A41B268e29259bA0';
const env = {
  DEX223_KEEPER_CHAIN_ID: '31337',
  DEX223_KEEPER_RPC_URLS: 'http://127.0.0.1:8545',
  DEX223_KEEPER_SUBGRAPH_URL: 'http://127.0.0.1:8000/subgraphs/name/dex223/margin',
  DEX223_KEEPER_MARGIN_MODULE: MM,
};
/** The webhook token: part of the URL, so the URL is a secret. */
const TOKEN = 'T0KEN-s3cr3t-hook-path';

let receiver: Server;
let received: { path: string; body: Record<string, string> }[] = [];
let status = 200;
let base: string;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) as Record<string, string> });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

function capturedLog(): { log: pino.Logger; text: () => string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), text: () => text };
}

function settings(overrides: Record<string, string>): AlertSettings {
  const config = loadConfig({
    env: { ...env, DEX223_KEEPER_OPS__ALERTS__WEBHOOK_URL: `${base}/hook/${TOKEN}` },
    flags: overrides,
  });
  return config.ops.alerts;
}

const failed = (id: bigint, outcome: ActionOutcome['outcome']): ActionOutcome => ({
  positionId: id,
  kind: 'freeze',
  sender: '0x00000000000000000000000000000000000000a1',
  txHash: '0x01',
  outcome,
  blockNumber: null,
  gasCostWei: 0n,
  detail: 'not in block 12',
});

describe('AlertMonitor, against a local webhook receiver', () => {
  it('posts each alert kind in the configured format, once per streak', async () => {
    received = [];
    const now = 0;
    const { log, text } = capturedLog();
    const monitor = new AlertMonitor(
      settings({ 'ops.alerts.not-acting-blocks': '3', 'ops.alerts.failed-inclusions': '2' }),
      { log, nowMs: () => now, name: 'keeper A' },
    );
    for (let head = 10; head < 16; head++) monitor.onBlock(head, false, 'subgraph lags 9 blocks');
    monitor.onOutcomes([failed(1n, 'dropped'), failed(2n, 'reverted'), failed(3n, 'dropped')]);
    monitor.onLowBalance([{ address: '0xabc', wei: 12n * 10n ** 15n }], 5n * 10n ** 16n);
    monitor.onDriftTotal(0);
    monitor.onDriftTotal(2);
    await monitor.flush();
    expect(received.map((r) => r.path)).toEqual(Array(4).fill(`/hook/${TOKEN}`));
    expect(received.map((r) => Object.keys(r.body))).toEqual(Array(4).fill(['text']));
    expect(received.map((r) => r.body.text)).toEqual([
      'keeper A: [not-acting] not acting for 3 blocks (head 12): subgraph lags 9 blocks',
      'keeper A: [failed-inclusions] 2 submissions in a row did not land (last: freeze position 2 reverted: not in block 12)',
      'keeper A: [low-balance] signer balance below 0.0500 ETH: 0xabc 0.0120 ETH; top it up',
      'keeper A: [model-drift] oracle model drift: 2 sampled position(s) valued differently from getPositionStatus; those oracles are now valued on chain',
    ]);
    expect(text()).not.toContain(TOKEN);
    expect(monitor.sent).toBe(4);
  });

  it('rate-limits each kind and counts what it held back; a streak alerts again only after it ended', async () => {
    received = [];
    let now = 1_000_000;
    const { log } = capturedLog();
    const monitor = new AlertMonitor(
      settings({ 'ops.alerts.not-acting-blocks': '1', 'ops.alerts.min-interval-sec': '600' }),
      { log, nowMs: () => now },
    );
    monitor.onBlock(1, false, 'down');
    monitor.onBlock(2, false, 'down');
    monitor.onBlock(3, true);
    monitor.onBlock(4, false, 'down again');
    now += 599_000;
    monitor.onBlock(5, true);
    monitor.onBlock(6, false, 'still flapping');
    now += 1_000;
    monitor.onBlock(7, true);
    monitor.onBlock(8, false, 'after the interval');
    await monitor.flush();
    expect(received.map((r) => r.body.text)).toEqual([
      '[not-acting] not acting for 1 blocks (head 1): down',
      '[not-acting] not acting for 1 blocks (head 8): after the interval (+2 similar held back)',
    ]);
  });

  it('speaks Discord, Telegram and a generic form; a failing webhook is logged without its URL', async () => {
    received = [];
    const { log, text } = capturedLog();
    const drift =
      '[model-drift] oracle model drift: 1 sampled position(s) valued differently from getPositionStatus; those oracles are now valued on chain';
    const formats = [
      ['discord', { content: drift }],
      ['telegram', { chat_id: '-100123', text: drift }],
      ['generic', { text: drift, content: drift }],
    ] as const;
    for (const [format] of formats) {
      const monitor = new AlertMonitor(
        settings({ 'ops.alerts.format': format, 'ops.alerts.telegram-chat-id': '-100123' }),
        { log },
      );
      monitor.onDriftTotal(1);
      await monitor.flush();
    }
    expect(received.map((r) => r.body)).toEqual(formats.map(([, body]) => body));
    status = 500;
    const monitor = new AlertMonitor(settings({}), { log });
    monitor.onDriftTotal(1);
    await monitor.flush();
    status = 200;
    expect(text()).toContain('webhook answered HTTP 500');
    const unreachable = new AlertMonitor(
      loadConfig({
        env: { ...env, DEX223_KEEPER_OPS__ALERTS__WEBHOOK_URL: `http://127.0.0.1:9/hook/${TOKEN}` },
      }).ops.alerts,
      { log },
    );
    unreachable.onDriftTotal(1);
    await unreachable.flush();
    expect(text()).toMatch(/"error":"webhook unreachable \(TypeError\)","msg":"alert not delivered"/);
    expect(text()).not.toContain(TOKEN);
  });

  it('sends nothing without a webhook URL, and `config print` never shows the URL', () => {
    const { log } = capturedLog();
    const off = new AlertMonitor(loadConfig({ env }).ops.alerts, { log });
    expect(off.enabled).toBe(false);
    off.onDriftTotal(3);
    const lines: string[] = [];
    configPrintCommand({
      flags: {},
      env: { ...env, DEX223_KEEPER_OPS__ALERTS__WEBHOOK_URL: `${base}/hook/${TOKEN}` },
      print: (line) => lines.push(line),
    });
    const printed = lines.join('\n');
    expect(printed).toMatch(/webhookUrl: "?\[redacted\]"?/);
    expect(printed).not.toContain(TOKEN);
    expect(() =>
      loadConfig({
        env: { ...env, DEX223_KEEPER_OPS__ALERTS__WEBHOOK_URL: `${base}/hook/${TOKEN}` },
        flags: { 'ops.alerts.format': 'telegram' },
      }),
    ).toThrow(/telegram format needs ops\.alerts\.telegramChatId/);
  });
});
