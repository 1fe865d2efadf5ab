// Regenerates the state diagram in docs/ivr.md from the IVR machine definition.
//   node --conditions=source --import tsx scripts/ivr-diagram.ts          rewrite docs/ivr.md
//   node --conditions=source --import tsx scripts/ivr-diagram.ts --check  exit 1 if it is out of date
import { readFileSync, writeFileSync } from 'node:fs';
import { withDiagram } from '../packages/ivr/src/walk.js';

const path = new URL('../docs/ivr.md', import.meta.url);
const current = readFileSync(path, 'utf8');
const next = withDiagram(current);
if (process.argv.includes('--check')) {
  if (next !== current) {
    console.error('docs/ivr.md is out of date: run node --conditions=source --import tsx scripts/ivr-diagram.ts');
    process.exit(1);
  }
  console.log('docs/ivr.md is up to date');
} else {
  writeFileSync(path, next);
  console.log(next === current ? 'docs/ivr.md unchanged' : 'docs/ivr.md updated');
}
