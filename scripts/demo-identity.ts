// Writes demo/identity/people.yaml and businesses.yaml from the generator (src/identity/people);
// with --check, exits 1 when the committed files are not what the generator makes.
import { DEMO_IDENTITY_DIR, demoFilesAreCurrent, writeDemoFiles } from '../src/identity/people/index.js';

if (process.argv.includes('--check')) {
  const current = await demoFilesAreCurrent();
  console.log(current ? 'demo/identity is current' : 'demo/identity is stale: run without --check to rewrite it');
  process.exit(current ? 0 : 1);
}
await writeDemoFiles();
console.log(`wrote ${DEMO_IDENTITY_DIR}/people.yaml and businesses.yaml`);
