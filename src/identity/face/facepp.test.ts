import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { FaceMatcher, FaceMatchError, demoFacePhoto, startFaceStandin, type FaceStandin } from './index.js';

const apiKey = 'test-key';
const apiSecret = 'test-secret-never-logged';
let standin: FaceStandin;
let faces: FaceMatcher;

before(async () => {
  standin = await startFaceStandin({ apiKey, apiSecret });
  faces = new FaceMatcher({ url: standin.url, apiKey, apiSecret });
});
after(() => standin.close());

const failsWith = (kind: string, image?: 1 | 2) => (error: unknown) => {
  assert.ok(error instanceof FaceMatchError, String(error));
  assert.equal(error.kind, kind);
  assert.equal(error.code, `face.${kind}`);
  if (image) assert.equal(error.image, image);
  assert.doesNotMatch(`${error.message} ${error.reason}`, /test-secret/);
  return true;
};

test('the same person passes the 1e-5 threshold; the stand-in is deterministic', async () => {
  const first = await faces.compare(demoFacePhoto('AB1234567'), demoFacePhoto('AB1234567'));
  assert.ok(first.confidence >= 97 && first.confidence < 98, String(first.confidence));
  assert.equal(first.threshold, 73.975);
  assert.deepEqual(await faces.compare(demoFacePhoto('AB1234567'), demoFacePhoto('AB1234567')), first);
  assert.equal(await faces.verify(demoFacePhoto('AB1234567'), demoFacePhoto('AB1234567')), true);
});

test('another person fails, whichever threshold is chosen', async () => {
  const { confidence } = await faces.compare(demoFacePhoto('AB1234567'), demoFacePhoto('AC7654321'));
  assert.ok(confidence >= 12 && confidence < 13, String(confidence));
  assert.equal(await faces.verify(demoFacePhoto('AB1234567'), demoFacePhoto('AC7654321')), false);
  const lenient = new FaceMatcher({ url: standin.url, apiKey, apiSecret, threshold: '1e-3' });
  assert.equal((await lenient.compare(demoFacePhoto('a'), demoFacePhoto('b'))).threshold, 62.327);
  assert.equal(await lenient.verify(demoFacePhoto('a'), demoFacePhoto('b')), false);
  const fixed = new FaceMatcher({ url: standin.url, apiKey, apiSecret, threshold: 10 });
  assert.equal(await fixed.verify(demoFacePhoto('a'), demoFacePhoto('b')), true, 'a fixed threshold is used as given');
});

test('garbage, an empty image, a broken PNG and a picture without a face are no-face', async () => {
  const photo = demoFacePhoto('AB1234567');
  await assert.rejects(faces.verify(photo, Buffer.from('not an image at all')), failsWith('no-face', 2));
  await assert.rejects(faces.verify(Buffer.alloc(0), photo), failsWith('no-face', 1));
  const broken = Buffer.from(photo);
  broken[broken.length - 20] ^= 0xff; // the CRC no longer matches
  await assert.rejects(faces.verify(photo, broken), failsWith('no-face', 2));
  await assert.rejects(faces.verify(demoFacePhoto(''), photo), failsWith('no-face', 1));
});

test('a wrong key or secret is rejected', async () => {
  await assert.rejects(new FaceMatcher({ url: standin.url, apiKey: 'other', apiSecret }).verify(demoFacePhoto('a'), demoFacePhoto('a')), failsWith('rejected'));
  await assert.rejects(new FaceMatcher({ url: standin.url, apiKey, apiSecret: 'wrong' }).verify(demoFacePhoto('a'), demoFacePhoto('a')), failsWith('rejected'));
});

test('a service that is down or silent is unavailable', async () => {
  const gone = await startFaceStandin({ apiKey, apiSecret });
  const url = gone.url;
  await gone.close();
  await assert.rejects(new FaceMatcher({ url, apiKey, apiSecret }).verify(demoFacePhoto('a'), demoFacePhoto('a')), failsWith('unavailable'));

  const silent = createServer(() => {}).listen(0, '127.0.0.1');
  await new Promise((resolve) => silent.once('listening', resolve));
  try {
    const slow = new FaceMatcher({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, apiKey, apiSecret, timeoutMs: 200 });
    await assert.rejects(slow.verify(demoFacePhoto('a'), demoFacePhoto('a')), (error) => failsWith('unavailable')(error) && (error as FaceMatchError).reason === 'timeout');
  } finally {
    silent.closeAllConnections();
    silent.close();
  }
});

test('the stand-in speaks the Face++ wire format: multipart files, response fields, error_message', async () => {
  const endpoint = `${standin.url}/facepp/v3/compare`;
  const form = new FormData();
  form.set('api_key', apiKey);
  form.set('api_secret', apiSecret);
  form.set('image_file1', new Blob([new Uint8Array(demoFacePhoto('X1'))]), 'live.png');
  form.set('image_base64_2', demoFacePhoto('X1').toString('base64'));
  const ok = await fetch(endpoint, { method: 'POST', body: form });
  assert.equal(ok.status, 200);
  const body = await ok.json() as Record<string, unknown>;
  assert.match(String(body.request_id), /^\d+,[0-9a-f-]{36}$/);
  assert.equal(typeof body.time_used, 'number');
  assert.deepEqual(Object.keys(body.thresholds as object).sort(), ['1e-3', '1e-4', '1e-5']);
  assert.equal((body.faces1 as unknown[]).length, 1);

  const missing = await fetch(endpoint, { method: 'POST', body: new URLSearchParams({ api_key: apiKey }) });
  assert.equal(missing.status, 400);
  assert.equal((await missing.json() as { error_message: string }).error_message, 'MISSING_ARGUMENTS: api_secret');
  const garbage = await fetch(endpoint, { method: 'POST', body: new URLSearchParams({ api_key: apiKey, api_secret: apiSecret, image_base64_1: 'AAAA', image_base64_2: 'AAAA' }) });
  assert.equal(garbage.status, 400);
  assert.equal((await garbage.json() as { error_message: string }).error_message, 'IMAGE_ERROR_UNSUPPORTED_FORMAT:image_base64_1');
  const noFace = await fetch(endpoint, { method: 'POST', body: new URLSearchParams({ api_key: apiKey, api_secret: apiSecret, image_base64_1: demoFacePhoto('').toString('base64'), image_base64_2: demoFacePhoto('X1').toString('base64') }) });
  const noFaceBody = await noFace.json() as Record<string, unknown>;
  assert.equal(noFace.status, 200);
  assert.deepEqual(noFaceBody.faces1, []);
  assert.equal(noFaceBody.confidence, undefined);
  assert.equal((await fetch(`${standin.url}/facepp/v3/detect`, { method: 'POST' })).status, 404);
});

test('demoFacePhoto makes a deterministic PNG per person', () => {
  const photo = demoFacePhoto('AB1234567');
  assert.deepEqual(photo.subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  assert.deepEqual(demoFacePhoto('AB1234567'), photo);
  assert.notDeepEqual(demoFacePhoto('AC7654321'), photo);
  assert.ok(photo.length < 4096, `${photo.length} bytes`);
});
