#!/usr/bin/env node
// A local stand-in for the parts of Stripe's API Dev Forge uses, for the
// development stack and the integration tests (scripts/stack.sh starts it
// on 127.0.0.1). It answers like Stripe: form-encoded bodies with
// bracketed keys, `Authorization: Bearer sk_...`, Stripe's object and
// error shapes, Idempotency-Key replay. Webhook signatures come from
// Stripe's official library (npm `stripe`, pinned in package.json), so
// the application's verifier is checked against Stripe's own code.
//
// API:      POST /v1/checkout/sessions, GET /v1/checkout/sessions/:id,
//           POST /v1/refunds
// Control (loopback only, JSON in and out):
//   POST /_test/sign {payload, secret?, timestamp?}     -> {header}
//   POST /_test/complete {session}  -> checkout.session.completed event
//   POST /_test/expire {session}    -> checkout.session.expired event
//   POST /_test/event {type, object} -> an event envelope
//   POST /_test/deliver {event, url, secret?, timestamp?, header?}
//                                    -> {status, body, header}
//   POST /_test/fail {mode: none|500|hang|close, count?}
//   GET  /_test/requests             -> [{method, path, idempotency_key,
//                                         stripe_version, form}]
//   POST /_test/reset                -> forgets requests and failures
//   POST /_test/echo                 -> {headers, body} of the request
//
// Environment: STANDIN_PORT (required), STANDIN_HOST (127.0.0.1),
// STANDIN_SECRET_KEY_FILE and STANDIN_WEBHOOK_SECRET_FILE (the stack's
// secret files: the key the API accepts, the default signing secret).
'use strict';

const http = require('http');
const crypto = require('crypto');
const fs = require('fs');
const Stripe = require('stripe');

const PORT = Number(process.env.STANDIN_PORT);
const HOST = process.env.STANDIN_HOST || '127.0.0.1';
if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) {
  console.error('standin: STANDIN_PORT must be a port number');
  process.exit(2);
}
const readSecret = (env) => {
  const f = process.env[env];
  if (!f) {
    console.error(`standin: ${env} is not set`);
    process.exit(2);
  }
  return fs.readFileSync(f, 'utf8').trim();
};
const SECRET_KEY = readSecret('STANDIN_SECRET_KEY_FILE');
const WEBHOOK_SECRET = readSecret('STANDIN_WEBHOOK_SECRET_FILE');
// The library is only used offline (signatures): it never calls out.
const stripe = new Stripe(SECRET_KEY);
const API_VERSION = Stripe.API_VERSION;
const MAX_BODY = 1 << 20;

const sessions = new Map();
const intents = new Map();
const idem = new Map();
let requests = [];
let fail = { mode: 'none', count: 0 };

const rid = (prefix) => prefix + '_test_' + crypto.randomBytes(12).toString('hex');
const now = () => Math.floor(Date.now() / 1000);

// ------------------------------------------------------------ form bodies

// "a[b][0][c]=1" into {a: {b: [{c: "1"}]}}, as Stripe reads its bodies.
function parseForm(text) {
  const out = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m) throw stripeError(400, 'invalid_request_error', `Invalid parameter name: ${key}`, key);
    const path = [m[1]];
    for (const seg of m[2].matchAll(/\[([^[\]]*)\]/g)) path.push(seg[1]);
    let node = out;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (last) {
        node[seg] = value;
      } else {
        const wantArray = /^\d+$/.test(path[i + 1]);
        if (node[seg] === undefined) node[seg] = wantArray ? [] : {};
        if (typeof node[seg] !== 'object') {
          throw stripeError(400, 'invalid_request_error', `Invalid parameter: ${key}`, key);
        }
        node = node[seg];
      }
    }
  }
  return out;
}

// ------------------------------------------------------------ errors

function stripeError(status, type, message, param, code) {
  const e = new Error(message);
  e.status = status;
  e.body = { error: { type, message } };
  if (param) e.body.error.param = param;
  if (code) e.body.error.code = code;
  return e;
}

const missing = (param) =>
  stripeError(400, 'invalid_request_error', `Missing required param: ${param}.`, param, 'parameter_missing');
const invalid = (param, message) =>
  stripeError(400, 'invalid_request_error', message, param, 'parameter_invalid_integer');
const noSuch = (what, id, param) =>
  stripeError(404, 'invalid_request_error', `No such ${what}: '${id}'`, param, 'resource_missing');

function intParam(v, param, min) {
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v) || Number(v) < min) throw invalid(param, `Invalid integer: ${v}`);
  return Number(v);
}

// ------------------------------------------------------------ the API

function createSession(p) {
  if (p.mode === undefined) throw missing('mode');
  if (p.mode !== 'payment') {
    throw stripeError(400, 'invalid_request_error', 'The stand-in only knows mode=payment.', 'mode');
  }
  if (p.success_url === undefined) throw missing('success_url');
  if (!Array.isArray(p.line_items) || p.line_items.length === 0) throw missing('line_items');
  let total = 0;
  let currency;
  p.line_items.forEach((li, i) => {
    const base = `line_items[${i}]`;
    const pd = li && li.price_data;
    if (!pd) throw missing(`${base}[price_data]`);
    if (!pd.currency) throw missing(`${base}[price_data][currency]`);
    if (!/^[a-z]{3}$/.test(pd.currency)) throw invalid(`${base}[price_data][currency]`, `Invalid currency: ${pd.currency}`);
    if (!pd.product_data || !pd.product_data.name) throw missing(`${base}[price_data][product_data][name]`);
    const amount = intParam(pd.unit_amount, `${base}[price_data][unit_amount]`, 0);
    if (amount === undefined) throw missing(`${base}[price_data][unit_amount]`);
    const qty = intParam(li.quantity, `${base}[quantity]`, 1);
    if (qty === undefined) throw missing(`${base}[quantity]`);
    if (currency !== undefined && currency !== pd.currency) {
      throw stripeError(400, 'invalid_request_error', 'All line items must share one currency.', `${base}[price_data][currency]`);
    }
    currency = pd.currency;
    total += amount * qty;
  });
  const created = now();
  let expires = created + 86400;
  if (p.expires_at !== undefined) {
    expires = intParam(p.expires_at, 'expires_at', 0);
    // Stripe's own rule: between 30 minutes and 24 hours from creation.
    if (expires < created + 1800 || expires > created + 86400) {
      throw stripeError(400, 'invalid_request_error',
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        'expires_at');
    }
  }
  const id = rid('cs');
  const session = {
    id,
    object: 'checkout.session',
    amount_subtotal: total,
    amount_total: total,
    cancel_url: p.cancel_url === undefined ? null : p.cancel_url,
    client_reference_id: p.client_reference_id === undefined ? null : p.client_reference_id,
    created,
    currency,
    customer: null,
    customer_details: p.customer_email ? { email: p.customer_email } : null,
    customer_email: p.customer_email === undefined ? null : p.customer_email,
    expires_at: expires,
    livemode: false,
    metadata: p.metadata || {},
    mode: 'payment',
    payment_intent: null,
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    status: 'open',
    success_url: p.success_url,
    url: `http://${HOST}:${PORT}/c/pay/${id}`,
  };
  sessions.set(id, {
    session,
    intentMetadata: (p.payment_intent_data && p.payment_intent_data.metadata) || {},
  });
  return session;
}

function getSession(id) {
  const s = sessions.get(id);
  if (!s) throw noSuch('checkout.session', id, 'session');
  return s.session;
}

function createRefund(p) {
  if (p.payment_intent === undefined && p.charge === undefined) throw missing('payment_intent');
  const pi = intents.get(p.payment_intent);
  if (!pi) throw noSuch('payment_intent', p.payment_intent, 'payment_intent');
  const left = pi.amount - pi.amount_refunded;
  const amount = p.amount === undefined ? left : intParam(p.amount, 'amount', 1);
  if (left === 0) {
    throw stripeError(400, 'invalid_request_error',
      `Charge ${pi.latest_charge} has already been refunded.`, undefined, 'charge_already_refunded');
  }
  if (amount > left) {
    throw stripeError(400, 'invalid_request_error',
      `Refund amount (${amount}) is greater than unrefunded amount on charge (${left})`,
      'amount', 'amount_too_large');
  }
  pi.amount_refunded += amount;
  return {
    id: rid('re'),
    object: 'refund',
    amount,
    charge: pi.latest_charge,
    created: now(),
    currency: pi.currency,
    metadata: p.metadata || {},
    payment_intent: pi.id,
    reason: p.reason === undefined ? null : p.reason,
    status: 'succeeded',
  };
}

function route(method, path, form) {
  if (method === 'POST' && path === '/v1/checkout/sessions') return createSession(form);
  let m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
  if (m && method === 'GET') return getSession(decodeURIComponent(m[1]));
  if (method === 'POST' && path === '/v1/refunds') return createRefund(form);
  throw stripeError(404, 'invalid_request_error',
    `Unrecognized request URL (${method}: ${path}).`);
}

function apiRequest(req, res, raw) {
  const path = req.url.split('?')[0];
  const key = req.headers['idempotency-key'];
  const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
  let form = {};
  const entry = {
    method: req.method,
    path,
    idempotency_key: key === undefined ? null : key,
    stripe_version: req.headers['stripe-version'] || null,
    content_type: req.headers['content-type'] || null,
    form: {},
  };
  requests.push(entry);
  // Injected failures come first, as a network or Stripe outage would.
  if (fail.mode !== 'none' && fail.count > 0) {
    const mode = fail.mode;
    if (--fail.count === 0) fail.mode = 'none';
    if (mode === 'close') {
      req.socket.destroy();
      return;
    }
    if (mode === 'hang') {
      // Never answer; let go of the socket after a minute.
      setTimeout(() => req.socket.destroy(), 60000).unref();
      return;
    }
    send(res, 500, { error: { type: 'api_error', message: 'An unknown error occurred (injected by the stand-in).' } });
    return;
  }
  const auth = req.headers.authorization || '';
  // Stripe takes the key as a bearer token or as Basic auth's user name.
  const basic = auth.startsWith('Basic ')
    ? Buffer.from(auth.slice(6), 'base64').toString('utf8').replace(/:$/, '') : null;
  if (auth !== `Bearer ${SECRET_KEY}` && basic !== SECRET_KEY) {
    const shown = auth.startsWith('Bearer ') ? auth.slice(7, 15) + '***' : '';
    send(res, 401, { error: { type: 'invalid_request_error',
      message: auth ? `Invalid API Key provided: ${shown}` :
        'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').' } });
    return;
  }
  try {
    if (req.method === 'POST') {
      const ct = (req.headers['content-type'] || '').split(';')[0].trim();
      if (raw.length > 0 && ct !== 'application/x-www-form-urlencoded') {
        throw stripeError(400, 'invalid_request_error',
          'Invalid request: the body must be application/x-www-form-urlencoded.');
      }
      form = parseForm(raw);
    } else {
      form = parseForm(query);
    }
  } catch (e) {
    send(res, e.status || 400, e.body);
    return;
  }
  entry.form = form;
  // Idempotency: a repeat with the same parameters gets the first answer
  // again; other parameters under the same key are an error (Stripe).
  const fingerprint = `${req.method} ${path} ${raw}`;
  if (key !== undefined && req.method === 'POST') {
    const seen = idem.get(key);
    if (seen) {
      if (seen.fingerprint !== fingerprint) {
        send(res, 400, { error: { type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` } });
        return;
      }
      send(res, seen.status, seen.body, { 'Idempotent-Replayed': 'true' });
      return;
    }
  }
  let status = 200;
  let body;
  try {
    body = route(req.method, path, form);
  } catch (e) {
    if (!e.status) throw e;
    status = e.status;
    body = e.body;
  }
  if (key !== undefined && req.method === 'POST') idem.set(key, { fingerprint, status, body: JSON.parse(JSON.stringify(body)) });
  send(res, status, body, key !== undefined ? { 'Idempotency-Key': key } : {});
}

// ------------------------------------------------------------ control

function eventOf(type, object) {
  return {
    id: 'evt_' + crypto.randomBytes(12).toString('hex'),
    object: 'event',
    api_version: API_VERSION,
    created: now(),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  };
}

function payloadOf(p) {
  if (p === undefined) throw new Error('payload is required');
  return typeof p === 'string' ? p : JSON.stringify(p);
}

function sign(payload, secret, timestamp) {
  return stripe.webhooks.generateTestHeaderString({
    payload,
    secret: secret || WEBHOOK_SECRET,
    timestamp: timestamp === undefined ? now() : Number(timestamp),
  });
}

function complete(id) {
  const s = sessions.get(id);
  if (!s) throw noSuch('checkout.session', id, 'session');
  const cs = s.session;
  if (cs.status !== 'open') throw new Error(`session ${id} is ${cs.status}`);
  const pi = {
    id: rid('pi'),
    amount: cs.amount_total,
    amount_refunded: 0,
    currency: cs.currency,
    latest_charge: rid('ch'),
    metadata: s.intentMetadata,
  };
  intents.set(pi.id, pi);
  cs.status = 'complete';
  cs.payment_status = 'paid';
  cs.payment_intent = pi.id;
  return eventOf('checkout.session.completed', cs);
}

function expire(id) {
  const s = sessions.get(id);
  if (!s) throw noSuch('checkout.session', id, 'session');
  if (s.session.status !== 'open') throw new Error(`session ${id} is ${s.session.status}`);
  s.session.status = 'expired';
  return eventOf('checkout.session.expired', s.session);
}

function deliver(p) {
  const payload = payloadOf(p.event);
  const header = p.header !== undefined ? p.header : sign(payload, p.secret, p.timestamp);
  const url = new URL(p.url);
  return new Promise((resolve, reject) => {
    const rq = http.request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Content-Length': Buffer.byteLength(payload),
        'Stripe-Signature': header,
        'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        'Cache-Control': 'no-cache',
      },
      timeout: 30000,
    }, (rs) => {
      let body = '';
      rs.setEncoding('utf8');
      rs.on('data', (c) => { body += c; });
      rs.on('end', () => resolve({ status: rs.statusCode, body, header }));
    });
    rq.on('timeout', () => rq.destroy(new Error('delivery timed out')));
    rq.on('error', reject);
    rq.end(payload);
  });
}

async function control(req, res, raw) {
  const path = req.url.split('?')[0];
  let p = {};
  if (req.method === 'POST' && raw.length > 0 && path !== '/_test/echo') p = JSON.parse(raw);
  switch (`${req.method} ${path}`) {
  case 'POST /_test/sign':
    return send(res, 200, { header: sign(payloadOf(p.payload), p.secret, p.timestamp) });
  case 'POST /_test/complete':
    return send(res, 200, complete(p.session));
  case 'POST /_test/expire':
    return send(res, 200, expire(p.session));
  case 'POST /_test/event':
    if (!p.type || typeof p.object !== 'object') throw new Error('type and object are required');
    return send(res, 200, eventOf(p.type, p.object));
  case 'POST /_test/deliver':
    return send(res, 200, await deliver(p));
  case 'POST /_test/fail': {
    const modes = ['none', '500', 'hang', 'close'];
    if (!modes.includes(String(p.mode))) throw new Error(`mode must be one of ${modes.join(', ')}`);
    const count = p.count === undefined ? 1 : Number(p.count);
    if (!Number.isInteger(count) || count < 0) throw new Error('count must be a whole number');
    fail = { mode: String(p.mode), count: p.mode === 'none' ? 0 : count };
    return send(res, 200, fail);
  }
  case 'POST /_test/echo':
    // A delivery target for checking deliveries themselves.
    return send(res, 200, { headers: req.headers, body: raw });
  case 'GET /_test/requests':
    return send(res, 200, requests);
  case 'POST /_test/reset':
    requests = [];
    fail = { mode: 'none', count: 0 };
    return send(res, 200, {});
  default:
    return send(res, 404, { error: `no control endpoint ${req.method} ${path}` });
  }
}

// ------------------------------------------------------------ server

function send(res, status, body, headers) {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, Object.assign({
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Request-Id': 'req_' + crypto.randomBytes(7).toString('hex'),
    'Stripe-Version': API_VERSION,
  }, headers || {}));
  res.end(text);
}

const loopback = (a) => a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';

const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) {
      send(res, 413, { error: { type: 'invalid_request_error', message: 'Request too large.' } });
      req.destroy();
      return;
    }
    chunks.push(c);
  });
  req.on('end', async () => {
    if (size > MAX_BODY) return;
    const raw = Buffer.concat(chunks).toString('utf8');
    try {
      if (req.url.startsWith('/_test/')) {
        if (!loopback(req.socket.remoteAddress)) {
          send(res, 403, { error: 'control endpoints answer on loopback only' });
          return;
        }
        await control(req, res, raw);
      } else if (req.url.startsWith('/c/pay/')) {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('Dev Forge Stripe stand-in: this is where the customer would pay.\n');
      } else {
        apiRequest(req, res, raw);
      }
    } catch (e) {
      if (!res.headersSent) send(res, e.status || 400, e.body || { error: String(e.message || e) });
    }
  });
});

server.listen(PORT, HOST, () => {
  console.log(`standin: Stripe stand-in (stripe ${Stripe.PACKAGE_VERSION}, API ${API_VERSION}) on http://${HOST}:${PORT}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) {
  process.on(sig, () => {
    server.close();
    process.exit(0);
  });
}
