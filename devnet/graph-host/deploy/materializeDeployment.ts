import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { GraphHostError } from '../GraphHostError.js';
import type { IpfsStore } from './IpfsStore.js';

/**
 * Writes a deployed subgraph out of IPFS into `dir` as a build directory the graph host loads: the manifest
 * graph-cli uploaded links every file as `{"/": "/ipfs/<cid>"}`; each link becomes a file named by its CID and
 * the link its relative path. Returns the manifest's path.
 */
export function materializeDeployment(ipfs: IpfsStore, manifestCid: string, dir: string): string {
  const manifestBytes = ipfs.get(manifestCid);
  if (manifestBytes === undefined) throw new GraphHostError(`no file at IPFS hash ${manifestCid}`);
  mkdirSync(dir, { recursive: true });
  const manifest = parseYaml(Buffer.from(manifestBytes).toString('utf8')) as unknown;
  const linked = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(linked);
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    const link = record['/'];
    if (typeof link === 'string' && Object.keys(record).length === 1) {
      const cid = link.replace(/^\/ipfs\//, '');
      const bytes = ipfs.get(cid);
      if (bytes === undefined)
        throw new GraphHostError(`manifest ${manifestCid} links ${link}, which is not in IPFS`);
      writeFileSync(path.join(dir, cid), bytes);
      return `./${cid}`;
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, linked(v)]));
  };
  const file = path.join(dir, 'subgraph.yaml');
  writeFileSync(file, stringify(linked(manifest)));
  return file;
}
