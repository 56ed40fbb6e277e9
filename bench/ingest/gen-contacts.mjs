// Writes a contacts CSV of N rows (plus a header) for the import benchmark:
//   Phone,Name,City,Plan,Orders,Joined,Tags
// Phones are distinct Indonesian mobiles: 70% in E.164 (+62812...), the rest written locally
// (0812-3456-7890, 0812 3456 7890, 081234567890) or as 6281234567890 without the +, which the
// workspace's default region (ID) resolves. City, Plan (a choice), Orders (a number) and Joined
// (a date, mapped as a new field) are custom fields; Tags holds one to three tags.
// Exactly 1% of the rows are bad: row i with i % 100 == 37 has either an invalid phone or a value
// that does not fit its field (an unknown plan, "many" orders, an impossible date), alternately.
// Seeded, so the same arguments give the same file.
//   node gen-contacts.mjs ROWS OUT_FILE [SEED]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const [rowsArg, out, seedArg] = process.argv.slice(2);
const n = Number(rowsArg);
if (!Number.isInteger(n) || n <= 0 || n > 89_999_999 || !out) {
  console.error('usage: node gen-contacts.mjs ROWS OUT_FILE [SEED]');
  process.exit(2);
}

let seed = Number(seedArg ?? 1) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (items) => items[Math.floor(random() * items.length)];

const first = ['Siti', 'Budi', 'Ayu', 'Dewi', 'Agus', 'Rina', 'Joko', 'Putri', 'Andi', 'Wahyu', 'Nur',
  'Rizky', 'Fitri', 'Hendra', 'Maria', 'José', 'Ana', 'Kevin', 'Lestari', 'Bayu'];
const last = ['Rahma', 'Santoso', 'Wijaya', 'Pratama', 'Saputra', 'Hidayat', 'Kusuma', 'Lubis', 'Nasution',
  'Siregar', 'Gonçalves', 'Tan', 'Lim', 'Setiawan', 'Susanto', 'Halim'];
const cities = ['Jakarta', 'Surabaya', 'Bandung', 'Medan', 'Semarang', 'Makassar', 'Palembang', 'Denpasar',
  'Yogyakarta', 'Malang', 'Bogor', 'Batam'];
const plans = ['free', 'free', 'free', 'pro', 'pro', 'business'];
const tags = ['newsletter', 'vip', 'lead', 'customer', 'jakarta-event', 'promo-2026', 'reseller', 'churn-risk'];
const prefixes = ['811', '812', '813', '821', '822', '852', '853', '857', '858', '878'];
// Never valid: no country code starts with 0, and 0000... is no national number either.
const badPhones = ['0000-', '+0 ', '00-00 ', '+0', '0000 '];

const quote = (s) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const pad = (x) => String(x).padStart(2, '0');

function phone(i) {
  const prefix = prefixes[i % prefixes.length];
  const rest = String(10000000 + i); // 8 digits, distinct per row
  const r = random();
  if (r < 0.7) return `+62${prefix}${rest}`;
  if (r < 0.8) return `0${prefix}-${rest.slice(0, 4)}-${rest.slice(4)}`;
  if (r < 0.9) return `0${prefix} ${rest.slice(0, 4)} ${rest.slice(4)}`;
  if (r < 0.95) return `0${prefix}${rest}`;
  return `62${prefix}${rest}`;
}

const file = createWriteStream(out);
let chunk = 'Phone,Name,City,Plan,Orders,Joined,Tags\n';
for (let i = 0; i < n; i += 1) {
  const bad = i % 100 === 37;
  const badPhone = bad && Math.floor(i / 100) % 2 === 0;
  const badValue = bad && !badPhone;
  const p = badPhone ? `${pick(badPhones)}${i}` : phone(i);
  const name = `${pick(first)} ${pick(last)}`;
  const city = random() < 0.9 ? pick(cities) : '';
  let plan = pick(plans);
  let orders = String(Math.floor(random() * random() * 200));
  let joined = `20${pad(18 + Math.floor(random() * 8))}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
  if (badValue) {
    const k = Math.floor(i / 100) % 6;
    if (k === 1) plan = 'platinum';
    else if (k === 3) orders = 'many';
    else joined = '2024-13-45';
  }
  const t = [];
  for (let k = 1 + Math.floor(random() * 3); k > 0; k -= 1) {
    const tag = pick(tags);
    if (!t.includes(tag)) t.push(tag);
  }
  chunk += `${quote(p)},${quote(name)},${city},${plan},${orders},${joined},${quote(t.join(', '))}\n`;
  if (chunk.length > 1 << 16) {
    if (!file.write(chunk)) await once(file, 'drain');
    chunk = '';
  }
}
file.write(chunk);
file.end();
await once(file, 'finish');
