/** JSON-RPC shapes as Ethereum nodes send them (quantities are 0x hex). Optional fields default to zero. */
export interface RpcBlock {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  sha3Uncles?: string;
  miner?: string;
  stateRoot?: string;
  transactionsRoot?: string;
  receiptsRoot?: string;
  gasUsed?: string;
  gasLimit?: string;
  difficulty?: string;
  totalDifficulty?: string;
  size?: string;
  baseFeePerGas?: string | null;
  transactions?: (string | RpcTransaction)[];
}

export interface RpcTransaction {
  hash: string;
  transactionIndex: string;
  from: string;
  to: string | null;
  value?: string;
  gas?: string;
  gasPrice?: string;
  input?: string;
  nonce?: string;
}

export interface RpcLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  blockHash: string;
  transactionHash: string;
  transactionIndex: string;
  logIndex: string;
  removed?: boolean;
}
