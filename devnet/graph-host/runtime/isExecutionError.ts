/** A JSON-RPC error object as nodes send it. */
export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

// graph-node's list of deterministic execution errors, plus anvil's "EVM error <Halt>" (InvalidFEOpcode,
// OutOfGas...), which names an EVM halt just as geth's messages do.
const EXECUTION_ERRORS = [
  'revert',
  'invalid jump destination',
  'invalid opcode',
  'stack limit reached 1024',
  'out of gas',
  'stack underflow',
  'evm error ',
];

/**
 * True when an eth_call failed because the EVM execution failed (the same call fails on every replay): the
 * mapping then sees a reverted call. Anything else (unknown block, node trouble) is not the call's fault.
 */
export function isExecutionError(error: RpcErrorObject): boolean {
  if (error.code === 3) return true;
  const message = error.message.toLowerCase();
  return EXECUTION_ERRORS.some((fragment) => message.includes(fragment));
}
