import { AbiCoder, concat, getAddress, id, toBeHex, type JsonRpcProvider } from 'ethers';

export interface TestContracts {
  /**
   * Called with any calldata: the first call claims it (stores 1), every later call reverts with
   * `Error("taken")`. Called without calldata: does nothing. Two bundles claiming it conflict on state.
   */
  claim: string;
  /** Forwards the call's value to the block's fee recipient: a "coinbase transfer". */
  payCoinbase: string;
}

let installed = 0;

function size(hex: string): number {
  return (hex.length - 2) / 2;
}

function push1(value: number): string {
  return `60${toBeHex(value, 1).slice(2)}`;
}

/**
 * The claim contract, hand-assembled (no compiler needed for a bare anvil) with its jump targets and the
 * offset of its revert data computed from the layout:
 *   if calldata is empty: stop; if slot 0 is 0: slot 0 = 1, stop; else revert Error("taken").
 */
function claimContractCode(): string {
  const error =
    id('Error(string)').slice(0, 10) + AbiCoder.defaultAbiCoder().encode(['string'], ['taken']).slice(2);
  const len = toBeHex(size(error), 2).slice(2);
  // CALLDATASIZE ISZERO PUSH1 noop JUMPI PUSH0 SLOAD ISZERO PUSH1 claim JUMPI
  const dispatch = (noopAt: number, claimAt: number): string =>
    `0x3615${push1(noopAt)}575f5415${push1(claimAt)}57`;
  // PUSH2 len PUSH1 data PUSH0 CODECOPY PUSH2 len PUSH0 REVERT
  const revert = (dataAt: number): string => `0x61${len}${push1(dataAt)}5f3961${len}5ffd`;
  const claim = '0x5b60015f5500'; // JUMPDEST PUSH1 1 PUSH0 SSTORE STOP
  const noop = '0x5b00'; // JUMPDEST STOP
  const claimAt = size(dispatch(0, 0)) + size(revert(0));
  const noopAt = claimAt + size(claim);
  const dataAt = noopAt + size(noop);
  return concat([dispatch(noopAt, claimAt), revert(dataAt), claim, noop, error]);
}

/** Installs fresh copies of the test contracts (anvil_setCode) at addresses no other test uses. */
export async function installTestContracts(provider: JsonRpcProvider): Promise<TestContracts> {
  installed += 1;
  const at = (kind: bigint): string => getAddress(toBeHex(0xc0de0000n + BigInt(installed) * 16n + kind, 20));
  const contracts = { claim: at(1n), payCoinbase: at(2n) };
  await provider.send('anvil_setCode', [contracts.claim, claimContractCode()]);
  // PUSH0 PUSH0 PUSH0 PUSH0 CALLVALUE COINBASE GAS CALL POP STOP
  await provider.send('anvil_setCode', [contracts.payCoinbase, '0x5f5f5f5f34415af15000']);
  return contracts;
}
