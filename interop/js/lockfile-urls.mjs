#!/usr/bin/env node
/**
 * Keeps package-lock.json free of URLs (the one copy of this script: interop/js
 * and e2e both run it).
 *
 * The project names no package registry anywhere, so the lockfile must carry
 * name, version and integrity only: `.npmrc` sets
 * `omit-lockfile-registry-resolved=true` (no `resolved` URLs), and npm still
 * copies each package's `funding` links into the lockfile. Those are metadata
 * only (npm ci ignores them), so this script removes them.
 *
 *   node lockfile-urls.mjs [DIR]          check: exit 1 if any URL is left
 *   node lockfile-urls.mjs [DIR] --fix    remove `funding` and `resolved` fields
 *
 * DIR holds the package-lock.json (relative to the working directory); it
 * defaults to this script's own folder. e2e/ runs
 * `node ../interop/js/lockfile-urls.mjs .`.
 *
 * Run `npm run lockfile:fix` after every `npm install` that rewrites the lock.
 */
import {readFileSync, writeFileSync} from 'node:fs';
import {resolve} from 'node:path';
import {fileURLToPath} from 'node:url';

const args = process.argv.slice(2);
const fix = args.includes('--fix');
const dir = args.find(arg => !arg.startsWith('--'));
const PATH = dir === undefined ?
  fileURLToPath(new URL('./package-lock.json', import.meta.url)) :
  resolve(dir, 'package-lock.json');
const lock = JSON.parse(readFileSync(PATH, 'utf8'));

let removed = 0;
if(fix) {
  for(const entry of Object.values(lock.packages ?? {})) {
    for(const key of ['funding', 'resolved']) {
      if(key in entry) {
        delete entry[key];
        removed++;
      }
    }
  }
  // npm's own formatting: two-space indent, trailing newline.
  writeFileSync(PATH, JSON.stringify(lock, null, 2) + '\n');
}

const text = readFileSync(PATH, 'utf8');
const urls = text.match(/[a-z][a-z0-9+.-]*:\/\/[^"\s]*/gi) ?? [];
const resolved = Object.entries(lock.packages ?? {})
  .filter(([, entry]) => 'resolved' in entry).map(([name]) => name);
if(fix) {
  process.stdout.write(`lockfile-urls: removed ${removed} field(s)\n`);
}
if(urls.length || resolved.length) {
  process.stderr.write(
    'package-lock.json must hold no URLs (run `npm run lockfile:fix`):\n' +
    [...urls, ...resolved.map(n => `resolved in ${n}`)]
      .map(u => `  ${u}\n`).join(''));
  process.exit(1);
}
process.stdout.write('lockfile-urls: package-lock.json holds no URLs\n');
