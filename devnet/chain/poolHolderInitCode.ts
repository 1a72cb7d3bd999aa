import { concat, getBytes, hexlify } from 'ethers';

/**
 * Init code that deploys a "holder" whose runtime code is `payload` itself. The Dex223-style factory
 * EXTCODECOPYs the real UniswapV3Pool creation bytecode from the holder and constructs a pool from it for each
 * Dex223Pool (whose implementation is a copy of that pool's code), so pools run the published bytecode without
 * the factory embedding 22 KB. The factory builds the implementation's init code with the same 12-byte prefix.
 *
 *   PUSH2 len, DUP1, PUSH1 12, PUSH1 0, CODECOPY   copy the payload (after this 12-byte prefix) to memory 0
 *   PUSH1 0, RETURN                                 return memory[0:len] as the runtime code
 */
export function poolHolderInitCode(payloadHex: string): string {
  const payload = getBytes(payloadHex);
  if (payload.length === 0 || payload.length > 0xffff)
    throw new Error(`payload size ${payload.length} unsupported`);
  const len = payload.length.toString(16).padStart(4, '0');
  const prefix = `0x61${len}80600c6000396000f3`;
  return hexlify(concat([prefix, payload]));
}
