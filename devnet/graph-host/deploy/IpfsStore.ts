import { createHash } from 'node:crypto';
import { encodeBase58 } from 'ethers';

/**
 * The few IPFS calls graph-cli and graph-node make (add, cat, pin), kept in memory. Files are named by a CIDv0
 * (base58 of the sha2-256 multihash of the bytes): a valid CID that clients parse, though real IPFS would chunk
 * large files into a DAG and name that instead — nobody here compares the two.
 */
export class IpfsStore {
  private readonly files = new Map<string, Uint8Array>();

  add(bytes: Uint8Array): string {
    const digest = createHash('sha256').update(bytes).digest();
    const cid = encodeBase58(Uint8Array.from([0x12, 0x20, ...digest]));
    this.files.set(cid, bytes);
    return cid;
  }

  /** The bytes of `cid` (also accepted as `/ipfs/<cid>`), or undefined when nothing was added under it. */
  get(cid: string): Uint8Array | undefined {
    return this.files.get(cid.replace(/^\/ipfs\//, ''));
  }
}
