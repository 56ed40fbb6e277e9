// Writes N distinct WhatsApp status webhooks, signed like Meta signs them, one per line:
// "<hex HMAC-SHA256(secret, body)> <body>". Each body is one `messages` change for one of the
// sandbox account's two numbers with 1 to 3 statuses (sent, delivered or read, each with its
// conversation and PMP pricing); every status names its own wamid. Seeded, so the same
// arguments give the same file.
//   node gen-webhooks.mjs COUNT SECRET OUT_FILE [SEED]
import { createHmac } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const [count, secret, out, seedArg] = process.argv.slice(2);
const n = Number(count);
if (!Number.isInteger(n) || n <= 0 || !secret || !out) {
  console.error('usage: node gen-webhooks.mjs COUNT SECRET OUT_FILE [SEED]');
  process.exit(2);
}

// mulberry32: small, seeded, good enough to pick shapes.
let seed = Number(seedArg ?? 1) >>> 0;
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (items) => items[Math.floor(random() * items.length)];

const waba = '100000000000001';
const numbers = [
  { id: '100000000000011', display: '15550000001' },
  { id: '100000000000012', display: '15550000002' },
];
const prefixes = ['811', '812', '813', '821', '822', '852', '853', '857', '858', '878'];
const categories = ['marketing', 'marketing', 'utility', 'utility', 'authentication', 'service'];
const start = 1764000000; // seconds; statuses carry string timestamps like Meta's

let wamidSeq = 0;
function status(kind, t) {
  const recipient = `62${pick(prefixes)}${String(10000000 + Math.floor(random() * 89999999))}`;
  // Meta's wamids are base64 of an opaque record that starts with the recipient.
  const opaque = Buffer.from(`${recipient}\u0015\u0002\u0000\u0011\u0018\u0012${(wamidSeq++).toString(16).toUpperCase().padStart(20, '0')}`);
  const category = pick(categories);
  const s = {
    id: `wamid.HBgN${opaque.toString('base64')}`,
    status: kind,
    timestamp: String(t),
    recipient_id: recipient,
    conversation: {
      id: createHmac('md5', 'conversation').update(recipient).digest('hex'),
      ...(kind === 'sent' ? { expiration_timestamp: String(t + 86400) } : {}),
      origin: { type: category },
    },
    pricing: {
      billable: category !== 'service',
      pricing_model: 'PMP',
      category,
      type: category === 'service' ? 'free_customer_service' : 'regular',
    },
  };
  if (random() < 0.5) s.biz_opaque_callback_data = `c${1 + Math.floor(random() * 40)}:r${Math.floor(random() * 1e7)}`;
  return s;
}

const file = createWriteStream(out);
for (let i = 0; i < n; i += 1) {
  const number = numbers[i % 2];
  const t = start + Math.floor(i / 20);
  const statuses = [];
  const k = 1 + Math.floor(random() * 3);
  for (let j = 0; j < k; j += 1) {
    const r = random();
    statuses.push(status(r < 0.45 ? 'sent' : r < 0.85 ? 'delivered' : 'read', t));
  }
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: waba,
      changes: [{
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: number.display, phone_number_id: number.id },
          statuses,
        },
        field: 'messages',
      }],
    }],
  });
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  if (!file.write(`${signature} ${body}\n`)) await once(file, 'drain');
}
file.end();
await once(file, 'finish');
