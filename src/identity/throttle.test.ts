import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { migrateToLatest } from '../platform/index.js';
import { testDatabase } from '../testing.js';
import { identityMigrations } from './identity.tables.js';
import { clearFailures, countFailure, limits, waitSeconds } from './throttle.js';

test('failures past the free ones make each key wait longer; a success forgets; an old window starts again', async (t) => {
  const database = await testDatabase();
  t.after(() => database.close());
  const { db } = database;
  await migrateToLatest(db, identityMigrations);

  const account = limits.account('person-1');
  for (let i = 1; i < account.free; i++) await countFailure(db, [account]);
  assert.equal(await waitSeconds(db, [account]), 0, 'the free attempts cost nothing');
  await countFailure(db, [account]);
  const first = await waitSeconds(db, [account]);
  assert.ok(first >= 1 && first <= 2, `first delay ${first}`);
  await countFailure(db, [account]);
  await countFailure(db, [account]);
  const third = await waitSeconds(db, [account]);
  assert.ok(third > first && third <= 8, `the delay grows: ${first} then ${third}`);
  for (let i = 0; i < 20; i++) await countFailure(db, [account]);
  assert.ok(await waitSeconds(db, [account]) <= 900, 'never more than 15 minutes');

  // An unknown login is held back by the same rule: the delay says nothing about accounts.
  const unknown = limits.login('+998 90 000-00-00');
  for (let i = 0; i < unknown.free + 2; i++) await countFailure(db, [unknown]);
  assert.ok(await waitSeconds(db, [unknown]) > 0);
  assert.equal(limits.login('+998 90 000-00-00').key, limits.login('998900000000').key, 'the same login however it is typed');

  await clearFailures(db, [account]);
  assert.equal(await waitSeconds(db, [account]), 0);

  // Failures older than the window are forgotten at the next one.
  const address = limits.address('203.0.113.7');
  for (let i = 0; i < address.free + 3; i++) await countFailure(db, [address]);
  await db.updateTable('identity_attempt').set({ window_start: sql`now() - interval '2 hours'`, blocked_until: null }).where('key', '=', address.key).execute();
  await countFailure(db, [address]);
  const row = await db.selectFrom('identity_attempt').select(['failures', 'blocked_until']).where('key', '=', address.key).executeTakeFirstOrThrow();
  assert.equal(row.failures, 1);
  assert.equal(row.blocked_until, null);
});
