// Regenerates the generated parts of README.md (the settings table). `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { withGeneratedTables } from '../src/config/settings-doc.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = withGeneratedTables(before);
writeFileSync(path, after);
console.log(before === after ? 'README.md is current' : 'README.md tables updated');
