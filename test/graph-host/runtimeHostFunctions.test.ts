import { allHostFunctions } from '../../devnet/graph-host/runtime/allHostFunctions.js';
import { AbiCoder, Interface, keccak256, toUtf8Bytes } from 'ethers';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_BUILD_DIR } from '../../devnet/graph-host/GraphHost.js';
import { AscHeap, type AscExports } from '../../devnet/graph-host/runtime/AscHeap.js';
import { bytesToHex, hexToBytes } from '../../devnet/graph-host/runtime/byteCodecs.js';
import {
  newBigDecimal,
  newBigInt,
  newEntity,
  readBigDecimal,
  readBigInt,
  readEntity,
} from '../../devnet/graph-host/runtime/entityCodec.js';
import { newEthValue, readEthValue, type EthValue } from '../../devnet/graph-host/runtime/ethValueCodec.js';
import type { ChainAccess, HostContext, HostFunction } from '../../devnet/graph-host/runtime/HostContext.js';
import {
  SUPPORTED_HOST_FUNCTIONS,
  UNSUPPORTED_HOST_FUNCTIONS,
} from '../../devnet/graph-host/runtime/hostFunctionNames.js';
import { loadSubgraph, type LoadedSubgraph } from '../../devnet/graph-host/runtime/loadSubgraph.js';
import { MappingFailure } from '../../devnet/graph-host/runtime/MappingFailure.js';
import { BigDecimalValue } from '../../devnet/graph-host/runtime/BigDecimalValue.js';
import { MemoryEntityStore } from '../../devnet/graph-host/store/MemoryEntityStore.js';
import type { EntityData, StoreValue } from '../../devnet/graph-host/store/types.js';
import { SubgraphSchema } from '../../devnet/graph-host/store/SubgraphSchema.js';
import { addr, order, oracle, position, positionAsset } from './support/marginEntities.js';
import { blockPtr, plain } from './support/storeFixtures.js';

// Host functions exercised one by one on a real compiled mapping's memory (its allocator and class ids),
// with the real store and a scripted chain: the AssemblyScript layouts are checked, not assumed.

let subgraph: LoadedSubgraph;
let heap: AscHeap;
let store: MemoryEntityStore;
let chainCalls: { to: string; data: string; blockHash: string }[];
let chainAnswer: (data: string) => string | null;
let fns: Record<string, HostFunction>;
let ctx: HostContext;

type Call = (...args: (number | bigint)[]) => unknown;
const call = (name: string, ...args: (number | bigint)[]) => (fns[name] as unknown as Call)(...args);
const ptr = (name: string, ...args: (number | bigint)[]) => call(name, ...args) as number;

/** A fresh instance of a real mapping, its imports linked to the host functions under test. */
function freshHeap(): AscHeap {
  const module = subgraph.dataSources[0]?.mapping.module as WebAssembly.Module;
  const imports: Record<string, Record<string, Call>> = {};
  for (const { module: ns, name } of WebAssembly.Module.imports(module)) {
    (imports[ns] ??= {})[name] = (...args) => call(name, ...args);
  }
  const instance = new WebAssembly.Instance(module, imports as WebAssembly.Imports);
  const fresh = new AscHeap(instance.exports as unknown as AscExports);
  heap = fresh;
  // _start computes the module's constants (with bigInt host functions).
  (instance.exports._start as () => void)();
  return fresh;
}

beforeAll(() => {
  subgraph = loadSubgraph(DEFAULT_BUILD_DIR);
});

beforeEach(() => {
  store = new MemoryEntityStore(SubgraphSchema.parse(subgraph.schemaText));
  chainCalls = [];
  chainAnswer = () => null;
  const chain: ChainAccess = {
    call: (tx, blockHash) => {
      chainCalls.push({ ...tx, blockHash });
      return chainAnswer(tx.data);
    },
    getBalance: () => 123n,
    getCode: (address) => (address === addr(0xc0de) ? '0x6000' : '0x'),
  };
  const margin = subgraph.dataSources.find((d) => d.name === 'MarginModule');
  if (!margin) throw new Error('no MarginModule data source');
  ctx = {
    heap: () => heap,
    store,
    chain,
    block: { number: 7, hash: `0x${'77'.repeat(32)}` },
    dataSource: { ...margin, template: undefined, context: new Map([['k', { kind: 'int', value: 3 }]]) },
    handler: 'handleTest',
    templates: new Map(subgraph.templates.map((t) => [t.name, t])),
    created: [],
    log: () => undefined,
  };
  fns = allHostFunctions(ctx);
  heap = freshHeap();
});

describe('the host function set', () => {
  it('is exactly what graph-node links, the unsupported ones included', () => {
    expect(Object.keys(fns).sort()).toEqual(
      [...SUPPORTED_HOST_FUNCTIONS, ...UNSUPPORTED_HOST_FUNCTIONS].sort(),
    );
  });

  it('answers ipfs, ens and yaml with a clear error', () => {
    for (const name of ['ipfs.cat', 'ipfs.map', 'ens.nameByHash', 'yaml.fromBytes', 'yaml.try_fromBytes']) {
      expect(() => call(name, 0)).toThrow(
        new RegExp(`${name.replace('.', '\\.')} is not supported by the devnet host`),
      );
    }
  });
});

describe('memory layout', () => {
  it('round-trips strings (UTF-16), bytes, BigInts of any sign and size, BigDecimals', () => {
    for (const text of ['', 'abc', 'ünïcødé ✓ 🚀']) expect(heap.readString(heap.newString(text))).toBe(text);
    const bytes = Uint8Array.from([0, 1, 254, 255]);
    expect(heap.readBytes(heap.newBytes(bytes))).toEqual(bytes);
    for (const n of [0n, 1n, -1n, 127n, 128n, -128n, -129n, 2n ** 255n, -(2n ** 256n) + 1n]) {
      expect(readBigInt(heap, newBigInt(heap, n))).toBe(n);
    }
    expect(heap.readBytes(newBigInt(heap, 0n))).toEqual(Uint8Array.from([0]));
    expect(heap.readBytes(newBigInt(heap, 128n))).toEqual(Uint8Array.from([128, 0]));
    const dec = BigDecimalValue.fromString('-12.5');
    expect(readBigDecimal(heap, newBigDecimal(heap, dec)).toString()).toBe('-12.5');
  });

  it('round-trips every store value kind inside an entity', () => {
    const data: EntityData = new Map<string, StoreValue>([
      ['id', { kind: 'string', value: 'x' }],
      ['i', { kind: 'int', value: -7 }],
      ['i8', { kind: 'int8', value: -(2n ** 62n) }],
      ['b', { kind: 'bigint', value: -(10n ** 40n) }],
      ['d', { kind: 'bigdecimal', value: '0.000123' }],
      ['t', { kind: 'bool', value: true }],
      ['y', { kind: 'bytes', value: '0xdeadbeef' }],
      ['ts', { kind: 'timestamp', value: 1_700_000_000_000_000n }],
      ['n', { kind: 'null' }],
      [
        'a',
        {
          kind: 'array',
          value: [
            { kind: 'string', value: 'p' },
            { kind: 'array', value: [] },
          ],
        },
      ],
    ]);
    expect(readEntity(heap, newEntity(heap, data))).toEqual(data);
  });

  it('round-trips every ethereum.Value kind', () => {
    const values: EthValue[] = [
      { kind: 'address', value: addr(0xabc) },
      { kind: 'fixedBytes', value: `0x${'12'.repeat(32)}` },
      { kind: 'bytes', value: '0x' },
      { kind: 'int', value: -5n },
      { kind: 'uint', value: 2n ** 256n - 1n },
      { kind: 'bool', value: false },
      { kind: 'string', value: 'hé' },
      { kind: 'fixedArray', value: [{ kind: 'bool', value: true }] },
      { kind: 'array', value: [] },
      {
        kind: 'tuple',
        value: [
          { kind: 'uint', value: 1n },
          { kind: 'array', value: [{ kind: 'int', value: 2n }] },
        ],
      },
    ];
    for (const value of values) expect(readEthValue(heap, newEthValue(heap, value))).toEqual(value);
  });
});

describe('bigInt and bigDecimal', () => {
  const big = (n: bigint) => newBigInt(heap, n);
  const dec = (text: string) => newBigDecimal(heap, BigDecimalValue.fromString(text));
  const decText = (p: number) => readBigDecimal(heap, p).toString();

  it('does BigInt arithmetic like num-bigint (truncating division and remainder, arithmetic shifts)', () => {
    expect(readBigInt(heap, ptr('bigInt.dividedBy', big(-7n), big(2n)))).toBe(-3n);
    expect(readBigInt(heap, ptr('bigInt.mod', big(-7n), big(2n)))).toBe(-1n);
    expect(readBigInt(heap, ptr('bigInt.rightShift', big(-7n), 1))).toBe(-4n);
    expect(readBigInt(heap, ptr('bigInt.leftShift', big(3n), 255))).toBe(3n << 255n);
    expect(readBigInt(heap, ptr('bigInt.pow', big(10n), 30))).toBe(10n ** 30n);
    expect(readBigInt(heap, ptr('bigInt.bitAnd', big(-1n), big(0xf0n)))).toBe(0xf0n);
    expect(readBigInt(heap, ptr('bigInt.bitOr', big(-256n), big(1n)))).toBe(-255n);
    expect(
      readBigInt(heap, ptr('bigInt.fromString', heap.newString('-123456789012345678901234567890'))),
    ).toBe(-123456789012345678901234567890n);
    expect(() => call('bigInt.dividedBy', big(1n), big(0n))).toThrow(MappingFailure);
    expect(() => call('bigInt.mod', big(1n), big(0n))).toThrow(/divisor of zero/);
    expect(() => call('bigInt.fromString', heap.newString('12a'))).toThrow(MappingFailure);
  });

  it('keeps 34 significant digits, normalizes, prints plain decimals', () => {
    expect(decText(ptr('bigDecimal.dividedBy', dec('1'), dec('3')))).toBe(
      '0.3333333333333333333333333333333333',
    );
    expect(decText(ptr('bigDecimal.dividedBy', dec('2'), dec('3')))).toBe(
      '0.6666666666666666666666666666666667',
    );
    expect(decText(ptr('bigDecimal.plus', dec('1.10'), dec('2.9')))).toBe('4');
    expect(decText(ptr('bigDecimal.minus', dec('1'), dec('1e-20')))).toBe('0.99999999999999999999');
    expect(decText(ptr('bigDecimal.times', dec('1.5e3'), dec('-2')))).toBe('-3000');
    expect(decText(ptr('bigDecimal.fromString', heap.newString('000.0100')))).toBe('0.01');
    expect(heap.readString(ptr('bigDecimal.toString', dec('12345678901234567890.5')))).toBe(
      '12345678901234567890.5',
    );
    expect(call('bigDecimal.equals', dec('1.0'), dec('1'))).toBe(1);
    expect(call('bigDecimal.equals', dec('1.01'), dec('1'))).toBe(0);
    expect(decText(ptr('bigInt.dividedByDecimal', big(10n), dec('4')))).toBe('2.5');
    expect(() => call('bigDecimal.dividedBy', dec('1'), dec('0'))).toThrow(MappingFailure);
    expect(() => call('bigDecimal.fromString', heap.newString('1.2.3'))).toThrow(MappingFailure);
  });
});

describe('typeConversion, crypto, json', () => {
  const bytes = (hex: string) => heap.newBytes(hexToBytes(hex));
  const text = (p: number) => heap.readString(p);

  it('converts like graph-node', () => {
    expect(text(ptr('typeConversion.bytesToHex', bytes('0x00ff')))).toBe('0x00ff');
    expect(text(ptr('typeConversion.bytesToString', bytes('0x6869000000')))).toBe('hi');
    expect(text(ptr('typeConversion.bigIntToString', newBigInt(heap, -42n)))).toBe('-42');
    expect(text(ptr('typeConversion.bigIntToHex', newBigInt(heap, 255n)))).toBe('0xff');
    expect(text(ptr('typeConversion.bigIntToHex', newBigInt(heap, 0n)))).toBe('0x0');
    expect(bytesToHex(heap.readBytes(ptr('typeConversion.stringToH160', heap.newString(addr(0xab)))))).toBe(
      addr(0xab),
    );
    expect(() => call('typeConversion.stringToH160', heap.newString('0x1234'))).toThrow(/Address\/H160/);
    expect(text(ptr('typeConversion.bytesToBase58', bytes(bytesToHex(toUtf8Bytes('hello world')))))).toBe(
      'StV1DL6CwTryKyV',
    );
    expect(bytesToHex(heap.readBytes(ptr('crypto.keccak256', bytes('0x'))))).toBe(keccak256('0x'));
  });

  it('parses JSON keeping big numbers exact, and reports bad JSON through try_fromBytes', () => {
    const source = '{"b": [1, 2.5, "x", null, true], "a": 123456789012345678901234567890}';
    const value = ptr('json.fromBytes', bytes(bytesToHex(toUtf8Bytes(source))));
    const { kind, payload } = heap.readTagged(value);
    expect(kind).toBe(5);
    const entries = heap.readPointerArray(heap.u32(Number(payload)));
    expect(entries.map((e) => text(heap.u32(e)))).toEqual(['a', 'b']);
    const a = heap.readTagged(heap.u32((entries[0] as number) + 4));
    expect(a.kind).toBe(2);
    expect(readBigInt(heap, ptr('json.toBigInt', Number(a.payload)))).toBe(123456789012345678901234567890n);
    expect(call('json.toI64', heap.newString('-9223372036854775808'))).toBe(-(2n ** 63n));
    expect(call('json.toF64', heap.newString('2.5'))).toBe(2.5);
    expect(() => call('json.toI64', heap.newString('9223372036854775808'))).toThrow(
      /cannot be parsed as i64/,
    );
    expect(() => call('json.fromBytes', bytes(bytesToHex(toUtf8Bytes('{"a":'))))).toThrow(MappingFailure);

    const ok = ptr('json.try_fromBytes', bytes(bytesToHex(toUtf8Bytes('[]'))));
    expect(heap.u32(ok)).not.toBe(0);
    expect(heap.u32(ok + 4)).toBe(0);
    const bad = ptr('json.try_fromBytes', bytes(bytesToHex(toUtf8Bytes('nope'))));
    expect(heap.u32(bad)).toBe(0);
    expect(heap.u8(heap.u32(bad + 4))).toBe(1);
  });
});

describe('ethereum', () => {
  const coder = AbiCoder.defaultAbiCoder();
  const mm = () =>
    subgraph.dataSources
      .find((d) => d.name === 'MarginModule')
      ?.mapping.abis.get('MarginModule') as Interface;

  function smartContractCall(contract: string, fn: string, signature: string, params: EthValue[]): number {
    const paramsPtr = heap.newPointerArray(
      params.map((p) => newEthValue(heap, p)),
      'ArrayEthereumValue',
    );
    return heap.newPointerObject(
      [
        heap.newString(contract),
        heap.newBytes(hexToBytes(addr(0xaaaa))),
        heap.newString(fn),
        heap.newString(signature),
        paramsPtr,
      ],
      'SmartContractCall',
    );
  }

  it('calls at the trigger block by hash, decodes outputs, answers null for a revert', () => {
    const selector = mm().getFunction('getPositionAssets')?.selector as string;
    chainAnswer = (data) =>
      data.startsWith(selector) ? mm().encodeFunctionResult('getPositionAssets', [[addr(1), addr(2)]]) : null;
    const result = ptr(
      'ethereum.call',
      smartContractCall('MarginModule', 'getPositionAssets', 'getPositionAssets(uint256):(address[])', [
        { kind: 'uint', value: 5n },
      ]),
    );
    expect(chainCalls).toEqual([
      {
        to: addr(0xaaaa),
        data: mm().encodeFunctionData('getPositionAssets', [5n]),
        blockHash: ctx.block.hash,
      },
    ]);
    expect(heap.readPointerArray(result).map((p) => readEthValue(heap, p))).toEqual([
      {
        kind: 'array',
        value: [
          { kind: 'address', value: addr(1) },
          { kind: 'address', value: addr(2) },
        ],
      },
    ]);
    const reverted = smartContractCall('MarginModule', 'positions', 'positions(uint256):(uint256)', [
      { kind: 'uint', value: 5n },
    ]);
    expect(call('ethereum.call', reverted)).toBe(0);
  });

  it('fails the handler for an unknown contract or function', () => {
    expect(() => call('ethereum.call', smartContractCall('Nope', 'x', 'x():(uint256)', []))).toThrow(
      /Could not find ABI for contract "Nope"/,
    );
    expect(() =>
      call('ethereum.call', smartContractCall('MarginModule', 'nope', 'nope():(uint256)', [])),
    ).toThrow(/Unknown function "MarginModule::nope"/);
  });

  it('reads balance and code at the block; encodes and decodes like ethabi', () => {
    expect(readBigInt(heap, ptr('ethereum.getBalance', heap.newBytes(hexToBytes(addr(1)))))).toBe(123n);
    expect(heap.u8(ptr('ethereum.hasCode', heap.newBytes(hexToBytes(addr(0xc0de)))))).toBe(1);
    expect(heap.u8(ptr('ethereum.hasCode', heap.newBytes(hexToBytes(addr(1)))))).toBe(0);
    const tuple: EthValue = {
      kind: 'tuple',
      value: [
        { kind: 'uint', value: 7n },
        { kind: 'array', value: [{ kind: 'address', value: addr(3) }] },
      ],
    };
    const encoded = bytesToHex(heap.readBytes(ptr('ethereum.encode', newEthValue(heap, tuple))));
    expect(encoded).toBe(coder.encode(['(uint256,address[])'], [[7n, [addr(3)]]]));
    const decoded = ptr(
      'ethereum.decode',
      heap.newString('(uint256,address[])'),
      heap.newBytes(hexToBytes(encoded)),
    );
    expect(readEthValue(heap, decoded)).toEqual(tuple);
    expect(
      call('ethereum.decode', heap.newString('(uint256,address[])'), heap.newBytes(hexToBytes('0x01'))),
    ).toBe(0);
  });
});

describe('store, data sources, logging', () => {
  it('gets, sets (merging), removes and loads derived entities in the open block', () => {
    store.beginBlock(blockPtr(1));
    const set = (type: string, id: string, data: Map<string, unknown>) =>
      call('store.set', heap.newString(type), heap.newString(id), newEntity(heap, data as never));
    set('Oracle', addr(0x0c), oracle(addr(0x0c), '1'));
    set('Order', '1', order('1', addr(0x0c)));
    set('Position', '9', position('9', '1'));
    set('PositionAsset', '9-0', positionAsset('9', 0, addr(0xba5e), 0n));
    set('PositionAsset', '9-1', positionAsset('9', 1, addr(0xc1), 60n));
    const got = readEntity(heap, ptr('store.get', heap.newString('Order'), heap.newString('1')));
    expect(plain(got)).toMatchObject({ id: '1', balance: 1000n });
    set('Order', '1', new Map([['balance', { kind: 'bigint', value: 5n }]]));
    expect(plain(store.get('Order', '1'))).toMatchObject({ balance: 5n, alive: true });
    expect(call('store.get_in_block', heap.newString('Order'), heap.newString('1'))).not.toBe(0);
    const related = heap.readPointerArray(
      ptr('store.loadRelated', heap.newString('Position'), heap.newString('9'), heap.newString('slots')),
    );
    expect(related.map((p) => plain(readEntity(heap, p))?.id)).toEqual(['9-0', '9-1']);
    call('store.remove', heap.newString('PositionAsset'), heap.newString('9-1'));
    expect(call('store.get', heap.newString('PositionAsset'), heap.newString('9-1'))).toBe(0);
    store.commitBlock();
    store.beginBlock(blockPtr(2));
    expect(call('store.get_in_block', heap.newString('Order'), heap.newString('1'))).toBe(0);
    expect(() => set('Nope', '1', new Map())).toThrow(MappingFailure);
    expect(() => set('Order', '2', new Map([['balance', { kind: 'string', value: 'x' }]]))).toThrow(
      MappingFailure,
    );
    store.abortBlock();
  });

  it('creates data sources from templates, and exposes address, network and context', () => {
    const params = heap.newPointerArray(
      [heap.newString(addr(0xbeef).toUpperCase().replace('0X', '0x'))],
      'ArrayString',
    );
    call('dataSource.create', heap.newString('Pool'), params);
    expect(ctx.created).toEqual([
      {
        template: 'Pool',
        params: [addr(0xbeef).toUpperCase().replace('0X', '0x')],
        address: addr(0xbeef),
        context: undefined,
      },
    ]);
    const context = newEntity(heap, new Map([['fee', { kind: 'int', value: 500 }]]));
    call('dataSource.createWithContext', heap.newString('Pool'), params, context);
    expect(ctx.created[1]?.context).toEqual(new Map([['fee', { kind: 'int', value: 500 }]]));
    expect(() => call('dataSource.create', heap.newString('Nope'), params)).toThrow(/Available names: Pool/);
    expect(bytesToHex(heap.readBytes(ptr('dataSource.address')))).toBe(ctx.dataSource.address);
    expect(heap.readString(ptr('dataSource.network'))).toBe(ctx.dataSource.network);
    expect(readEntity(heap, ptr('dataSource.context'))).toEqual(new Map([['k', { kind: 'int', value: 3 }]]));
  });

  it('logs, and fails the handler on log.critical and abort', () => {
    const seen: string[] = [];
    ctx.log = (level, message) => seen.push(`${level}:${message}`);
    call('log.log', 2, heap.newString('careful'));
    expect(seen).toEqual(['warning:careful']);
    expect(() => call('log.log', 0, heap.newString('boom'))).toThrow(
      'Critical error logged in mapping: boom',
    );
    expect(() => call('abort', heap.newString('bad'), heap.newString('m.ts'), 3, 4)).toThrow(
      'Mapping aborted at m.ts, line 3, column 4, with message: bad',
    );
  });
});
