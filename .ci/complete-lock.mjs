// The npm registry these machines reach lacks some platform builds of msgpackr-extract (an
// optional native speed-up of BullMQ's msgpackr), so `npm install` leaves them out of
// package-lock.json and `npm ci` then refuses the lock. This adds their entries (optional, with
// os/cpu, so npm skips them on other platforms). Run it after `npm install` changes the lock.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const ref = lock.packages['node_modules/@msgpackr-extract/msgpackr-extract-linux-x64'];
if (!ref) {
  console.log('complete-lock: msgpackr-extract not in the lock; nothing to do');
  process.exit(0);
}
const platforms = { 'darwin-arm64': ['darwin', 'arm64'], 'darwin-x64': ['darwin', 'x64'], 'linux-arm': ['linux', 'arm'], 'win32-x64': ['win32', 'x64'] };
let added = 0;
for (const [name, [os, cpu]] of Object.entries(platforms)) {
  const key = `node_modules/@msgpackr-extract/msgpackr-extract-${name}`;
  if (lock.packages[key]) continue;
  lock.packages[key] = { version: ref.version, cpu: [cpu], license: ref.license, optional: true, os: [os] };
  added++;
}
const keys = Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1));
lock.packages = Object.fromEntries(keys.map((k) => [k, lock.packages[k]]));
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lock: added ${added} entr${added === 1 ? 'y' : 'ies'}`);
