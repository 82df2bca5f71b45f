// `npm run bench:readme`: rewrites the README's generated sections from the kept bench/results.json, without
// measuring anything (after a change to a rendering, or to the prose around the sections).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './bench-results.js';
import { renderReadme } from './readme-sections.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const results = JSON.parse(readFileSync(join(ROOT, 'bench', 'results.json'), 'utf8')) as BenchResults;
const readmePath = join(ROOT, 'README.md');
writeFileSync(readmePath, renderReadme(readFileSync(readmePath, 'utf8'), results));
