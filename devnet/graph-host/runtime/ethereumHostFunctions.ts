import { AbiCoder, ParamType, type FunctionFragment, type Interface } from 'ethers';
import { bytesToHex, hexToBytes } from './byteCodecs.js';
import { newBigInt } from './entityCodec.js';
import {
  ethValueAbiType,
  ethValueFromAbi,
  ethValueToAbi,
  newEthValue,
  newEthValueArray,
  readEthValue,
} from './ethValueCodec.js';
import type { HostContext, HostFunction } from './HostContext.js';
import { MappingFailure } from './MappingFailure.js';

const coder = AbiCoder.defaultAbiCoder();

/**
 * graph-cli passes `name(inputs):(outputs)` as the signature; it picks one overload of `name`. Without a
 * signature (older bindings) the name must be unique.
 */
function findFunction(abi: Interface, contract: string, name: string, signature: string): FunctionFragment {
  const candidates: FunctionFragment[] = [];
  abi.forEachFunction((fragment) => {
    if (fragment.name === name) candidates.push(fragment);
  });
  const inputs = signature.split(':')[0]?.replace(/\s+/g, '') ?? '';
  const chosen =
    inputs === '' && candidates.length === 1
      ? candidates[0]
      : candidates.find((fragment) => fragment.format('sighash') === inputs);
  if (!chosen) {
    throw new MappingFailure(
      `Unknown function "${contract}::${name}" called from WASM runtime (${signature})`,
    );
  }
  return chosen;
}

interface SmartContractCall {
  contract: string;
  address: string;
  name: string;
  signature: string;
  params: ReturnType<typeof readEthValue>[];
}

function readCall(ctx: HostContext, ptr: number): SmartContractCall {
  const heap = ctx.heap();
  const signaturePtr = heap.u32(ptr + 12);
  return {
    contract: heap.readString(heap.u32(ptr)),
    address: bytesToHex(heap.readBytes(heap.u32(ptr + 4))),
    name: heap.readString(heap.u32(ptr + 8)),
    signature: signaturePtr === 0 ? '' : heap.readString(signaturePtr),
    params: heap.readPointerArray(heap.u32(ptr + 16)).map((p) => readEthValue(heap, p)),
  };
}

/** `ethereum.call`: the call runs on the state at the END of the trigger's block, like graph-node's. */
function ethereumCall(ctx: HostContext, ptr: number): number {
  const call = readCall(ctx, ptr);
  const abi = ctx.dataSource.mapping.abis.get(call.contract);
  if (!abi) {
    throw new MappingFailure(
      `Could not find ABI for contract "${call.contract}", try adding it to the 'abis' section of the subgraph manifest`,
    );
  }
  const fragment = findFunction(abi, call.contract, call.name, call.signature);
  let data: string;
  try {
    data = abi.encodeFunctionData(fragment, call.params.map(ethValueToAbi));
  } catch (cause) {
    throw new MappingFailure(
      `cannot encode the arguments of ${call.contract}.${fragment.format('sighash')}`,
      {
        cause,
      },
    );
  }
  const result = ctx.chain.call({ to: call.address, data }, ctx.block.hash);
  // No code at the address answers 0x: graph-node reports that to the mapping as a reverted call.
  if (result === null || (result === '0x' && fragment.outputs.length > 0)) return 0;
  let decoded;
  try {
    decoded = abi.decodeFunctionResult(fragment, result);
  } catch (cause) {
    throw new MappingFailure(
      `the answer of ${call.contract}.${fragment.format('sighash')} at ${call.address} does not match its ABI`,
      { cause },
    );
  }
  const values = fragment.outputs.map((output, i) => ethValueFromAbi(output, decoded[i]));
  return newEthValueArray(ctx.heap(), values);
}

export function ethereumHostFunctions(ctx: HostContext): Record<string, HostFunction> {
  const address = (ptr: number) => bytesToHex(ctx.heap().readBytes(ptr));
  return {
    'ethereum.call': (ptr: number) => ethereumCall(ctx, ptr),
    'ethereum.getBalance': (addressPtr: number) =>
      newBigInt(ctx.heap(), ctx.chain.getBalance(address(addressPtr), ctx.block.hash)),
    'ethereum.hasCode': (addressPtr: number) => {
      const code = ctx.chain.getCode(address(addressPtr), ctx.block.hash);
      const heap = ctx.heap();
      const wrapped = heap.allocate(4, 'WrappedBool');
      heap.setU8(wrapped, hexToBytes(code).length > 0 ? 1 : 0);
      return wrapped;
    },
    // graph-node answers null for anything ethabi cannot encode or decode.
    'ethereum.encode': (valuePtr: number) => {
      const heap = ctx.heap();
      const value = readEthValue(heap, valuePtr);
      try {
        return heap.newBytes(hexToBytes(coder.encode([ethValueAbiType(value)], [ethValueToAbi(value)])));
      } catch {
        return 0;
      }
    },
    'ethereum.decode': (typesPtr: number, dataPtr: number) => {
      const heap = ctx.heap();
      let value;
      try {
        const type = ParamType.from(heap.readString(typesPtr));
        value = ethValueFromAbi(type, coder.decode([type], heap.readBytes(dataPtr))[0]);
      } catch {
        return 0;
      }
      return newEthValue(heap, value);
    },
  };
}
