/**
 * The chain head as the keeper reads it once per block (from the freshest RPC) and passes down: everything
 * the block's work needs from the head (the next block's timestamp and base fee follow from it).
 */
export interface HeadBlock {
  number: number;
  hash: string;
  timestampSec: number;
  baseFeePerGasWei: bigint;
  gasUsed: bigint;
  gasLimit: bigint;
}
