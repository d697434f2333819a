import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressLimit } from './address-limit.js';

test('an address is refused past its limit until the window ends, others are not', () => {
  const limit = addressLimit(2, 60_000);
  const t0 = 1_000_000;
  assert.equal(limit('10.0.0.1', t0), 0);
  assert.equal(limit('10.0.0.1', t0 + 1), 0);
  assert.equal(limit('10.0.0.1', t0 + 30_000), 30);
  assert.equal(limit('10.0.0.2', t0 + 30_000), 0);
  assert.equal(limit('10.0.0.1', t0 + 60_000), 0, 'a new window starts afresh');
});

test('IPv6 addresses of one /64 share a count', () => {
  const limit = addressLimit(1);
  assert.equal(limit('2001:db8:1:2::1'), 0);
  assert.ok(limit('2001:db8:1:2:ffff::9') > 0);
  assert.equal(limit('2001:db8:1:3::1'), 0);
});

test('past the cap of addresses, new ones are not remembered', () => {
  const limit = addressLimit(1, 60_000, 2);
  limit('10.0.0.1', 0); limit('10.0.0.2', 0);
  assert.equal(limit('10.0.0.3', 0), 0);
  assert.equal(limit('10.0.0.3', 0), 0, 'an address over the cap is not counted');
  assert.ok(limit('10.0.0.1', 0) > 0, 'addresses already counted still are');
});
