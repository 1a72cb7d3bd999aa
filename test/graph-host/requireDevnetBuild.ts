import type { Devnet } from '../../devnet/Devnet.js';
import { DEFAULT_BUILD_DIR } from '../../devnet/graph-host/GraphHost.js';
import { loadSubgraph } from '../../devnet/graph-host/runtime/loadSubgraph.js';

/**
 * The host runs `subgraph/build` as built; its manifest must name this devnet's (deterministic) contracts.
 * Fails with the fix when it was built for something else.
 */
export function requireDevnetBuild(devnet: Devnet): void {
  const subgraph = loadSubgraph(DEFAULT_BUILD_DIR);
  const expected = new Map([
    ['MarginModule', devnet.addresses.marginModule.toLowerCase()],
    ['Dex223Factory', devnet.addresses.factory.toLowerCase()],
  ]);
  for (const [name, address] of expected) {
    const ds = subgraph.dataSources.find((d) => d.name === name);
    if (ds?.address !== address) {
      throw new Error(
        `${subgraph.manifestFile} indexes ${name} at ${ds?.address ?? 'nothing'}, but this devnet deployed it at ${address}: ` +
          'run `npm run subgraph:build` (devnet is the default network)',
      );
    }
  }
}
