import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js';

test('a password verifies against its own hash only', async () => {
  const hash = await hashPassword('Tashkent-2026!');
  assert.match(hash, /^scrypt\$32768\$8\$1\$/);
  assert.equal(await verifyPassword('Tashkent-2026!', hash), true);
  assert.equal(await verifyPassword('tashkent-2026!', hash), false);
  assert.notEqual(await hashPassword('Tashkent-2026!'), hash, 'salted');
  assert.equal(await verifyPassword('anything', DUMMY_HASH), false);
  assert.equal(await verifyPassword('anything', 'garbage'), false);
});
