// npm run bench -- <name>: prints the figures of one capability.
import { execFileSync } from 'node:child_process';
import { benchCatalog } from './catalog.js';
import { benchStart } from './start.js';
import { benchIdentity } from './identity.js';
import { benchExchange } from './exchange.js';
import { benchSubmit } from './submit.js';
import { benchAppeals } from './appeals.js';

const benches: Record<string, () => Promise<unknown>> = { catalog: () => benchCatalog(), start: benchStart, identity: benchIdentity, exchange: benchExchange, submit: benchSubmit, appeals: benchAppeals };
const name = process.argv[2];
const bench = name ? benches[name] : undefined;
if (!bench) {
  console.error(`Usage: npm run bench -- <${Object.keys(benches).join('|')}>`);
  process.exit(2);
}
execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
await bench();
process.exit(0);
