import { keccak256 } from 'ethers';
import { bytesToBase58, bytesToHex, hexToBytes } from './byteCodecs.js';
import { readBigInt } from './entityCodec.js';
import type { HostContext, HostFunction } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';

export function conversionHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  const bytes = (ptr: number) => ctx.heap().readBytes(ptr);
  const out = (text: string) => ctx.heap().newString(text);
  return {
    // Postgres text cannot hold NUL, so graph-node drops it; invalid UTF-8 becomes U+FFFD.
    'typeConversion.bytesToString': (ptr: number) =>
      out(Buffer.from(bytes(ptr)).toString('utf8').replaceAll('\u0000', '')),
    'typeConversion.bytesToHex': (ptr: number) => out(bytesToHex(bytes(ptr))),
    'typeConversion.bigIntToString': (ptr: number) => out(readBigInt(ctx.heap(), ptr).toString()),
    'typeConversion.bigIntToHex': (ptr: number) => {
      const value = readBigInt(ctx.heap(), ptr);
      return out(value < 0n ? `-0x${(-value).toString(16)}` : `0x${value.toString(16)}`);
    },
    'typeConversion.stringToH160': (ptr: number) => {
      const text = ctx.heap().readString(ptr);
      let address: Uint8Array;
      try {
        address = hexToBytes(text);
      } catch (cause) {
        throw new MappingFailure(`Failed to convert string to Address/H160: '${text}'`, { cause });
      }
      if (address.length !== 20) {
        throw new MappingFailure(`Failed to convert string to Address/H160: '${text}' is not 20 bytes`);
      }
      return ctx.heap().newBytes(address);
    },
    'typeConversion.bytesToBase58': (ptr: number) => out(bytesToBase58(bytes(ptr))),
    'crypto.keccak256': (ptr: number) => ctx.heap().newBytes(hexToBytes(keccak256(bytes(ptr)))),
  };
}
