import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EventFragment, Interface } from 'ethers';
import { parse as parseYaml } from 'yaml';
import type { EntityData } from '../store/types.js';
import { GraphHostError } from '../GraphHostError.js';
import { bytesToBase58 } from './byteCodecs.js';
import { contextFromManifest } from './manifestContext.js';
import { HOST_FUNCTION_NAMES } from './hostFunctionNames.js';

export interface EventHandlerSpec {
  /** The signature as the manifest writes it, `indexed` markers included. */
  event: string;
  handler: string;
  topic0: string;
  fragment: EventFragment;
  /** Lowercase 32-byte hex values accepted in topics 1-3 (specVersion 1.2 `topic1`...); undefined = any. */
  topicFilters: [string[] | undefined, string[] | undefined, string[] | undefined];
}

export interface MappingSpec {
  /** Absolute path of the WASM file. */
  file: string;
  module: WebAssembly.Module;
  apiVersion: string;
  abis: Map<string, Interface>;
  eventHandlers: EventHandlerSpec[];
}

export interface DataSourceSpec {
  name: string;
  network: string;
  /** Lowercase hex. */
  address: string;
  startBlock: number;
  endBlock: number | undefined;
  context: EntityData | undefined;
  mapping: MappingSpec;
}

export interface TemplateSpec {
  name: string;
  network: string;
  mapping: MappingSpec;
}

export interface LoadedSubgraph {
  buildDir: string;
  manifestFile: string;
  schemaFile: string;
  schemaText: string;
  /** A content hash of the manifest in IPFS CIDv0 form, standing in for graph-node's deployment id. */
  deploymentId: string;
  dataSources: DataSourceSpec[];
  templates: TemplateSpec[];
}

type Yaml = Record<string, unknown>;

function fail(file: string, message: string, cause?: unknown): never {
  throw new GraphHostError(`${file}: ${message}`, { cause, details: { file } });
}

function readText(file: string, what: string): string {
  if (!existsSync(file)) {
    fail(file, `${what} is missing (build the subgraph with \`npm run subgraph:build\`)`);
  }
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    fail(file, `cannot read the ${what}`, cause);
  }
}

function asObject(value: unknown, file: string, where: string): Yaml {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(file, `${where} must be a mapping`);
  }
  return value as Yaml;
}

function asList(value: unknown, file: string, where: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(file, `${where} must be a list`);
  return value;
}

function asString(value: unknown, file: string, where: string): string {
  if (typeof value !== 'string' || value === '') fail(file, `${where} must be a non-empty string`);
  return value;
}

/** Splits `a,(b,c)[],d` at top-level commas. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '(') depth += 1;
    if (char === ')') depth -= 1;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') parts.push(current);
  return parts.map((p) => p.trim());
}

function findEventFragment(abi: Interface, signature: string, file: string): EventFragment {
  const open = signature.indexOf('(');
  if (open <= 0 || !signature.endsWith(')')) fail(file, `event signature ${signature} is malformed`);
  const name = signature.slice(0, open);
  const params = splitTopLevel(signature.slice(open + 1, -1)).map((p) => {
    const indexed = p.startsWith('indexed ');
    return { indexed, type: indexed ? p.slice('indexed '.length).trim() : p };
  });
  const candidates: EventFragment[] = [];
  abi.forEachEvent((fragment) => {
    if (fragment.name === name) candidates.push(fragment);
  });
  const match = candidates.find(
    (fragment) =>
      fragment.inputs.length === params.length &&
      fragment.inputs.every(
        (input, i) => input.format('sighash') === params[i]?.type && input.indexed === params[i]?.indexed,
      ),
  );
  if (!match) fail(file, `the ABI has no event ${signature} (indexed markers must match the ABI)`);
  return match;
}

function topicFilter(value: unknown, file: string, where: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return asList(value, file, where).map((v) => {
    const text = String(v).toLowerCase();
    if (!/^0x[0-9a-f]{0,64}$/.test(text)) fail(file, `${where} value ${String(v)} is not 32-byte hex`);
    return `0x${text.slice(2).padStart(64, '0')}`;
  });
}

interface LoadState {
  buildDir: string;
  manifestFile: string;
  modules: Map<string, WebAssembly.Module>;
}

function loadModule(state: LoadState, relative: string): { file: string; module: WebAssembly.Module } {
  const file = path.resolve(state.buildDir, relative);
  const cached = state.modules.get(file);
  if (cached) return { file, module: cached };
  if (!existsSync(file)) fail(file, 'mapping WASM file is missing (run `npm run subgraph:build`)');
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(readFileSync(file));
  } catch (cause) {
    fail(
      file,
      `is not a valid WASM module: ${cause instanceof Error ? cause.message : String(cause)}`,
      cause,
    );
  }
  for (const imported of WebAssembly.Module.imports(module)) {
    if (imported.kind === 'function' && !HOST_FUNCTION_NAMES.has(imported.name)) {
      fail(
        file,
        `imports ${imported.module}.${imported.name}, which neither graph-node nor this host provides`,
      );
    }
  }
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  for (const required of ['memory', '__new', 'id_of_type']) {
    if (!exported.has(required)) {
      fail(file, `does not export ${required}: compile it with graph-cli (--runtime stub --exportRuntime)`);
    }
  }
  state.modules.set(file, module);
  return { file, module };
}

function loadMapping(state: LoadState, raw: unknown, where: string, sourceAbi: string): MappingSpec {
  const file = state.manifestFile;
  const mapping = asObject(raw, file, `${where}.mapping`);
  const language = mapping.language ?? 'wasm/assemblyscript';
  if (language !== 'wasm/assemblyscript')
    fail(file, `${where}: mapping language ${String(language)} is not supported`);
  for (const unsupported of ['blockHandlers', 'callHandlers']) {
    if (asList(mapping[unsupported], file, `${where}.mapping.${unsupported}`).length > 0) {
      fail(file, `${where}: ${unsupported} are not supported by the devnet host (only eventHandlers)`);
    }
  }
  const { file: wasmFile, module } = loadModule(state, asString(mapping.file, file, `${where}.mapping.file`));
  const abis = new Map<string, Interface>();
  for (const [i, rawAbi] of asList(mapping.abis, file, `${where}.mapping.abis`).entries()) {
    const abi = asObject(rawAbi, file, `${where}.mapping.abis[${i}]`);
    const name = asString(abi.name, file, `${where}.mapping.abis[${i}].name`);
    const abiFile = path.resolve(
      state.buildDir,
      asString(abi.file, file, `${where}.mapping.abis[${i}].file`),
    );
    try {
      abis.set(name, new Interface(JSON.parse(readText(abiFile, `ABI ${name}`)) as never));
    } catch (cause) {
      if (cause instanceof GraphHostError) throw cause;
      fail(abiFile, `is not a valid ABI: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
    }
  }
  const abi = abis.get(sourceAbi);
  if (!abi) fail(file, `${where}: source.abi ${sourceAbi} is not among its mapping.abis`);
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const eventHandlers = asList(mapping.eventHandlers, file, `${where}.mapping.eventHandlers`).map(
    (rawHandler, i): EventHandlerSpec => {
      const at = `${where}.mapping.eventHandlers[${i}]`;
      const handler = asObject(rawHandler, file, at);
      const event = asString(handler.event, file, `${at}.event`).replace(/\s+/g, ' ');
      const handlerName = asString(handler.handler, file, `${at}.handler`);
      if (handler.receipt === true) fail(file, `${at}: receipt: true is not supported by the devnet host`);
      if (!exported.has(handlerName)) fail(wasmFile, `does not export the handler ${handlerName}`);
      const fragment = findEventFragment(abi, event, file);
      return {
        event,
        handler: handlerName,
        topic0: fragment.topicHash,
        fragment,
        topicFilters: [
          topicFilter(handler.topic1, file, `${at}.topic1`),
          topicFilter(handler.topic2, file, `${at}.topic2`),
          topicFilter(handler.topic3, file, `${at}.topic3`),
        ],
      };
    },
  );
  return {
    file: wasmFile,
    module,
    apiVersion: String(mapping.apiVersion ?? ''),
    abis,
    eventHandlers,
  };
}

/**
 * Loads a graph-cli build directory (`subgraph.yaml` with paths relative to it, the schema, the compiled
 * mappings and ABIs). Every problem names the file it is in.
 */
export function loadSubgraph(buildDir: string): LoadedSubgraph {
  const dir = path.resolve(buildDir);
  const manifestFile = path.join(dir, 'subgraph.yaml');
  const manifestText = readText(manifestFile, 'built manifest');
  let raw: unknown;
  try {
    raw = parseYaml(manifestText);
  } catch (cause) {
    fail(manifestFile, `is not valid YAML: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  const manifest = asObject(raw, manifestFile, 'the manifest');
  const state: LoadState = { buildDir: dir, manifestFile, modules: new Map() };
  const schema = asObject(manifest.schema, manifestFile, 'schema');
  const schemaFile = path.resolve(dir, asString(schema.file, manifestFile, 'schema.file'));
  const schemaText = readText(schemaFile, 'schema');

  const dataSources = asList(manifest.dataSources, manifestFile, 'dataSources').map((rawDs, i) => {
    const where = `dataSources[${i}]`;
    const ds = asObject(rawDs, manifestFile, where);
    if (ds.kind !== 'ethereum/contract' && ds.kind !== 'ethereum') {
      fail(manifestFile, `${where}: kind ${String(ds.kind)} is not supported by the devnet host`);
    }
    const source = asObject(ds.source, manifestFile, `${where}.source`);
    const address = asString(source.address, manifestFile, `${where}.source.address`);
    if (!/^0x[0-9a-fA-F]{40}$/.test(address))
      fail(manifestFile, `${where}.source.address ${address} is not an address`);
    const startBlock = Number(source.startBlock ?? 0);
    if (!Number.isSafeInteger(startBlock) || startBlock < 0)
      fail(manifestFile, `${where}.source.startBlock is invalid`);
    const endBlock = source.endBlock === undefined ? undefined : Number(source.endBlock);
    const name = asString(ds.name, manifestFile, `${where}.name`);
    return {
      name,
      network: asString(ds.network, manifestFile, `${where}.network`),
      address: address.toLowerCase(),
      startBlock,
      endBlock,
      context: ds.context === undefined ? undefined : contextFromManifest(ds.context, manifestFile, where),
      mapping: loadMapping(
        state,
        ds.mapping,
        where,
        asString(source.abi, manifestFile, `${where}.source.abi`),
      ),
    };
  });
  const templates = asList(manifest.templates, manifestFile, 'templates').map((rawT, i) => {
    const where = `templates[${i}]`;
    const t = asObject(rawT, manifestFile, where);
    if (t.kind !== 'ethereum/contract' && t.kind !== 'ethereum') {
      fail(manifestFile, `${where}: kind ${String(t.kind)} is not supported by the devnet host`);
    }
    const source = asObject(t.source, manifestFile, `${where}.source`);
    return {
      name: asString(t.name, manifestFile, `${where}.name`),
      network: asString(t.network, manifestFile, `${where}.network`),
      mapping: loadMapping(
        state,
        t.mapping,
        where,
        asString(source.abi, manifestFile, `${where}.source.abi`),
      ),
    };
  });
  if (dataSources.length === 0) fail(manifestFile, 'has no dataSources');

  const digest = createHash('sha256').update(manifestText).digest();
  return {
    buildDir: dir,
    manifestFile,
    schemaFile,
    schemaText,
    deploymentId: bytesToBase58(Uint8Array.from([0x12, 0x20, ...digest])),
    dataSources,
    templates,
  };
}
