import type { Contract, JsonRpcSigner } from 'ethers';
import type { Devnet } from '../Devnet.js';
import { deployArtifact } from '../deploy/deployCore.js';

/** A test token: its ERC-20 contract and its distinct ERC-223 twin. */
export interface TestToken {
  symbol: string;
  decimals: number;
  address: string;
  twin: string;
  erc20: Contract;
  erc223: Contract;
}

function deployContext(devnet: Devnet) {
  return {
    provider: devnet.provider,
    producer: devnet.producer,
    deployer: devnet.deployer,
    artifacts: devnet.artifacts,
  };
}

export async function deployToken(devnet: Devnet, symbol: string, decimals = 18): Promise<TestToken> {
  const ctx = deployContext(devnet);
  const erc20 = (await deployArtifact(ctx, 'TestERC20', [`Test ${symbol}`, symbol, decimals])).contract;
  const erc223 = (
    await deployArtifact(ctx, 'TestERC223', [`Test ${symbol} (ERC-223)`, `${symbol}223`, decimals])
  ).contract;
  return {
    symbol,
    decimals,
    address: await erc20.getAddress(),
    twin: await erc223.getAddress(),
    erc20,
    erc223,
  };
}

/** Mints `amount` of an ERC-20 (or twin) to `to` and approves `spender` for it, if given. */
export async function fund(
  devnet: Devnet,
  token: Contract,
  holder: JsonRpcSigner,
  amount: bigint,
  spender?: string,
): Promise<void> {
  const to = await holder.getAddress();
  await devnet.send(`mint ${amount} to ${to}`, () => token.getFunction('mint')(to, amount));
  if (spender) {
    const asHolder = token.connect(holder) as Contract;
    await devnet.send(`approve ${spender}`, () => asHolder.getFunction('approve')(spender, amount));
  }
}
