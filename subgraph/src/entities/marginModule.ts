import { ethereum, log } from '@graphprotocol/graph-ts';
import { MarginModule as MarginModuleContract } from '../../generated/MarginModule/MarginModule';
import { MarginModule } from '../../generated/schema';

// priceOracle() is immutable on gen 3 and absent on gen 1/2, so one try_ read at the first event is
// exact for the module's whole life, and a revert must never stop indexing.
export function ensureMarginModule(event: ethereum.Event): void {
  const id = event.address.toHexString();
  if (MarginModule.load(id) != null) return;
  const module = new MarginModule(id);
  module.address = event.address;
  const priceOracle = MarginModuleContract.bind(event.address).try_priceOracle();
  if (priceOracle.reverted) {
    log.info('module {}: priceOracle() reverted, so no global oracle (gen 1/2)', [id]);
  } else {
    module.priceOracle = priceOracle.value;
  }
  module.firstSeenBlock = event.block.number;
  module.firstSeenTimestamp = event.block.timestamp;
  module.save();
}
