/**
 * Self-test of the harness (`npm test`): the W3C eddsa-rdfc-2022 vector, a
 * did:key round trip, tampering, a revoked status entry and the loader's
 * refusal of anything not pinned. The W3C vector is read at test time from
 * the shared vectors folder beside the repository (`<repo>/../shared`); the
 * tests that need it are skipped when it is absent.
 */
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';
import {gzipSync} from 'node:zlib';
import {test} from 'node:test';

import {
  PINNED_CONTEXTS, didKeyFromSeed, makeDocumentLoader, sign, verify
} from '../ref.mjs';

const VECTORS = new URL('../../../../shared/vectors/', import.meta.url);
const HAVE_VECTORS = existsSync(new URL('eddsa-rdfc-2022.json', VECTORS));
const NO_VECTORS = HAVE_VECTORS ? false :
  'shared vectors folder (<repo>/../shared/vectors) not found';
const SEED = '9f'.repeat(32);

function readVector(name) {
  return JSON.parse(readFileSync(new URL(name, VECTORS), 'utf8'));
}

/** A minimal OB 3.0 credential issued by the seed's did:key. */
async function obCredential(extra = {}) {
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'
    ],
    id: 'urn:uuid:6a1c0f0e-2d0b-4e8e-9a43-0b8f5a0c9d11',
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: 'Teamwork',
    issuer: {id: await didKeyFromSeed(SEED), type: ['Profile'], name: 'Issuer'},
    validFrom: '2025-01-01T00:00:00Z',
    credentialSubject: {
      type: ['AchievementSubject'],
      achievement: {
        id: 'https://badges.example.org/achievements/teamwork',
        type: ['Achievement'],
        name: 'Teamwork',
        criteria: {narrative: 'Peer nominated.'}
      }
    },
    ...extra
  };
}

test('reproduces the W3C eddsa-rdfc-2022 vector', {skip: NO_VECTORS}, async () => {
  const vectors = readVector('eddsa-rdfc-2022.json');
  const [vector] = vectors.vectors;
  const options = vector['proofOptions_file_proofConfigDataInt.json'];
  const examples = JSON.parse(readFileSync(new URL(
    'contexts/www.w3.org_ns_credentials_examples_v2.jsonld', VECTORS), 'utf8'));
  const signed = await sign({
    credential: vector.unsignedDocument,
    seedHex: vectors.keyPair_derived.secretSeedHex,
    created: options.created,
    documents: {'https://www.w3.org/ns/credentials/examples/v2': examples},
  });
  assert.equal(signed.proof.verificationMethod, options.verificationMethod);
  assert.equal(signed.proof.proofValue,
    vector['proofValue_file_sigBTC58DataInt.txt']);
});

test('sign then verify round trip (did:key)', async () => {
  const signed = await sign({credential: await obCredential(), seedHex: SEED});
  assert.deepEqual(await verify({credential: signed}),
    {verified: true, status: null, error: null});
});

test('a tampered credential does not verify', async () => {
  const signed = await sign({credential: await obCredential(), seedHex: SEED});
  signed.credentialSubject.achievement.name = 'Teamwork!';
  const result = await verify({credential: signed});
  assert.equal(result.verified, false);
  assert.match(result.error, /Invalid signature/);
});

test('a set revocation bit makes verified false', async () => {
  const listUrl = 'https://badges.example.org/status/1';
  const bits = Buffer.alloc(16384);
  bits[0] = 0b0010_0000; // index 2 set
  const encodedList = 'u' + gzipSync(bits).toString('base64url');
  const list = await sign({seedHex: SEED, credential: {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    id: listUrl,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: await didKeyFromSeed(SEED),
    validFrom: '2025-01-01T00:00:00Z',
    credentialSubject: {
      id: `${listUrl}#list`, type: 'BitstringStatusList',
      statusPurpose: 'revocation', encodedList
    }
  }});
  for(const [index, revoked] of [['2', true], ['3', false]]) {
    const credential = await sign({seedHex: SEED, credential: await obCredential({
      credentialStatus: {
        id: `${listUrl}#${index}`, type: 'BitstringStatusListEntry',
        statusPurpose: 'revocation', statusListIndex: index,
        statusListCredential: listUrl
      }
    })});
    const result = await verify({credential, documents: {[listUrl]: list}});
    assert.equal(result.verified, !revoked);
    assert.equal(result.status.verified, true);
    assert.equal(result.status.entries[0].bit, revoked);
  }
});

test('the loader serves pinned contexts and refuses everything else', async () => {
  const loader = makeDocumentLoader();
  assert.equal(PINNED_CONTEXTS.size, 13);
  const {document} = await loader('https://www.w3.org/ns/credentials/v2');
  assert.ok(document['@context']);
  await assert.rejects(loader('https://www.w3.org/ns/credentials/examples/v2'),
    /refused/);
  await assert.rejects(loader('https://badges.example.org/status/1'), /refused/);
});
