import { startAnvil } from '../../devnet/chain/startAnvil.js';

// Child process for the no-orphans test: starts anvil, prints its PID, then dies the way argv[2] says.
const mode = process.argv[2];
const anvil = await startAnvil();
process.stdout.write(`${anvil.pid}\n`);
if (mode === 'throw') throw new Error('simulated test failure after starting anvil');
if (mode === 'exit') process.exit(3);
// 'wait': stay alive until the parent signals us.
setInterval(() => undefined, 1000);
