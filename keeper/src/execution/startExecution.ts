import { Wallet } from 'ethers';
import type { Logger } from 'pino';
import type { RpcClient } from '../chain/RpcClient.js';
import type { KeeperConfig } from '../config/configSchema.js';
import { loadSigner } from '../config/loadSigner.js';
import type { InFlightAction } from '../decision/types.js';
import { ConfigError } from '../errors/KeeperError.js';
import type { PositionState } from '../model/types.js';
import type { GasLedger } from './GasLedger.js';
import { Executor } from './Executor.js';
import { executionSettings } from './executionSettings.js';
import { BundleClient } from './BundleClient.js';
import { BundleEndpoint } from './BundleEndpoint.js';
import { bundleEndpoints, displayName, parseBuilderEntry } from './bundleEndpoints.js';
import type { BundleSimulator } from './BundleSimulator.js';
import { RelaySimulator } from './BundleSimulator.js';
import { LocalSimulator } from './LocalSimulator.js';

/**
 * What sending needs from the configuration, checked before anything starts so that a keeper that could not
 * send says which setting is missing instead of following the chain first.
 */
export function checkExecutionConfig(config: KeeperConfig): void {
  const { execution } = config;
  if (!config.signer) {
    throw new ConfigError(
      'run without --dry-run sends liquidations and needs a signer: set signer.keystore (with signer.passwordFile ' +
        'or signer.passwordEnv) or signer.privateKey, or pass --dry-run to only print the plan',
    );
  }
  if (execution.mode === 'bundle' && execution.relays.length === 0 && execution.builders.length === 0)
    throw new ConfigError(
      'execution.mode is bundle but execution.relays lists no relay (and execution.builders no builder)',
    );
  // A builder entry that names no preset and gives no URL is refused now, not at the first bundle.
  if (execution.mode === 'bundle') for (const entry of execution.builders) parseBuilderEntry(entry);
  const usesPrivateRpc =
    execution.mode === 'private-rpc' ||
    (execution.mode === 'bundle' && execution.fallback.includes('private-rpc'));
  const privateRpcUrl = execution.mode === 'public' ? undefined : execution.privateRpcUrl;
  if (usesPrivateRpc && !privateRpcUrl)
    throw new ConfigError('execution uses the private-rpc mode but execution.privateRpcUrl is not set');
}

/** The one-line warning when relay requests would be signed with a key made for this run only. */
export const FRESH_AUTH_KEY_WARNING =
  'no flashbotsAuthKey configured: relay requests are signed with a fresh key made for this run only, ' +
  'so the reputation relays give it is lost at restart (set flashbotsAuthKey to a key of its own, holding no funds)';

/** Whether any configured endpoint reads the relay auth signature (bundles, or a private RPC used by the modes). */
function signsRelayRequests(execution: KeeperConfig['execution']): boolean {
  if (execution.mode === 'bundle') return true;
  return execution.mode === 'private-rpc';
}

/**
 * Execution from configuration: the liquidator keys (the signer, then the pool), the relays and the private
 * RPC, each request to them signed with the Flashbots auth key. Refuses, naming the missing setting, rather
 * than starting a keeper that could not send, and refuses an auth key that is also a liquidator key (the
 * relays' reputation key is not meant to hold or move funds). Without an auth key it makes one for this run
 * and warns, once, that the relays' reputation of it ends with the process.
 */
export async function startExecution(options: {
  config: KeeperConfig;
  rpc: RpcClient;
  inFlight: Map<bigint, InFlightAction>;
  positionOf: (positionId: bigint) => PositionState | undefined;
  /** Gas per position (KeeperCore.ledger): written by the executor, read by the decision. */
  ledger?: GasLedger;
  env: NodeJS.ProcessEnv;
  log: Logger;
  prompt?: (question: string) => Promise<string>;
}): Promise<Executor> {
  const { config, log } = options;
  const { execution } = config;
  checkExecutionConfig(config);
  const signerOptions = { env: options.env, log, prompt: options.prompt };
  const signers = [await loadSigner(config.signer as NonNullable<KeeperConfig['signer']>, signerOptions)];
  for (const extra of execution.signerPool) signers.push(await loadSigner(extra, signerOptions));
  let authSigner: Wallet | undefined;
  // Refusing here would stop a keeper that works; a fresh key works too, only without the reputation of the old.
  if (!config.flashbotsAuthKey && signsRelayRequests(execution)) {
    authSigner = new Wallet(Wallet.createRandom().privateKey);
    log.warn({ relayAuth: authSigner.address }, FRESH_AUTH_KEY_WARNING);
  }
  if (config.flashbotsAuthKey) {
    try {
      authSigner = new Wallet(config.flashbotsAuthKey.reveal());
    } catch {
      throw new ConfigError('flashbotsAuthKey is not a valid private key');
    }
    const auth = authSigner.address;
    if (signers.some((signer) => signer.address === auth))
      throw new ConfigError(
        'flashbotsAuthKey must not be a liquidator key: give the relays a key of its own',
      );
  }
  const auth = authSigner as Wallet;
  const endpoints =
    execution.mode === 'bundle'
      ? bundleEndpoints({
          relays: execution.relays,
          builders: execution.builders,
          authSigner: auth,
          timeoutMs: execution.relayTimeoutMs,
        })
      : { relays: [], builders: [], relayBuilders: [] };
  const relays = [...endpoints.relays, ...endpoints.builders];
  const simulator: BundleSimulator =
    execution.mode === 'bundle' && execution.simulation === 'relay'
      ? new RelaySimulator(endpoints.relays.length > 0 ? endpoints.relays : endpoints.builders)
      : new LocalSimulator(options.rpc);
  if (execution.mode === 'bundle' && execution.refundRecipient) {
    const recipient = execution.refundRecipient;
    for (const relay of endpoints.relays) {
      try {
        await relay.client.setFeeRefundRecipient(recipient);
        log.info({ relay: relay.name, recipient }, 'fee refunds for our auth key go to the refund recipient');
      } catch (err) {
        log.warn(
          { relay: relay.name, err: (err as Error).message },
          'flashbots_setFeeRefundRecipient failed',
        );
      }
    }
  }
  const privateRpcUrl = execution.mode === 'public' ? undefined : execution.privateRpcUrl;
  const settings = executionSettings(execution);
  const privateRpc =
    authSigner && privateRpcUrl
      ? new BundleEndpoint(
          new BundleClient({
            name: displayName(privateRpcUrl),
            url: privateRpcUrl,
            authSigner: auth,
            timeoutMs: execution.relayTimeoutMs,
            requestsPerSecond: 10,
          }),
          endpoints.relayBuilders,
        )
      : null;
  const executor = new Executor({
    chainId: config.chainId,
    marginModule: config.marginModule,
    rpc: options.rpc,
    signers,
    relays,
    simulator,
    privateRpc,
    settings,
    inFlight: options.inFlight,
    positionOf: options.positionOf,
    ledger: options.ledger,
    log: log.child({ component: 'execution' }),
  });
  log.info(
    {
      mode: execution.mode,
      fallback: settings.fallback,
      relays: relays.map((r) => r.name),
      relayBuilders: endpoints.relayBuilders,
      simulation: simulator.where,
      keys: executor.addresses,
      relayAuth: authSigner?.address,
    },
    'execution ready',
  );
  return executor;
}
