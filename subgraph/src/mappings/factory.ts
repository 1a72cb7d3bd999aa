import { PoolCreated } from '../../generated/Dex223Factory/Dex223Factory';
import { Pool as PoolTemplate } from '../../generated/templates';
import { createPool } from '../entities/pool';

export function handlePoolCreated(event: PoolCreated): void {
  createPool(event);
  PoolTemplate.create(event.params.pool);
}
