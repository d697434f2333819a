import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { testDatabase } from '../testing.js';
import { migrateToLatest } from './db/migrate.js';
import { enqueue, OutboxDispatcher, outboxMigrations } from './outbox.js';

const log = pino({ level: 'silent' });

test('outbox: events commit with their change, are delivered once, retried with backoff and given up', async (t) => {
  const database = await testDatabase();
  t.after(() => database.close());
  const { db } = database;
  await migrateToLatest(db, outboxMigrations);

  await assert.rejects(db.transaction().execute(async (trx) => {
    await enqueue(trx, 'test.rolled-back', { n: 0 });
    throw new Error('the change failed');
  }));
  await db.transaction().execute((trx) => enqueue(trx, 'test.ok', { n: 1 }));
  await db.transaction().execute((trx) => enqueue(trx, 'test.flaky', { n: 2 }));

  const seen: string[] = [];
  let flakyCalls = 0;
  const dispatcher = new OutboxDispatcher(db, log, { maxAttempts: 3, backoff: () => 0 });
  dispatcher.on('test.ok', async (payload) => { seen.push(`ok:${payload.n}`); });
  dispatcher.on('test.rolled-back', async () => { seen.push('rolled-back'); });
  dispatcher.on('test.flaky', async () => { flakyCalls++; throw new Error('channel down'); });

  // A concurrent second dispatch must not deliver the same events again.
  await Promise.all([dispatcher.dispatchDue(), dispatcher.dispatchDue()]);
  assert.deepEqual(seen, ['ok:1']);
  assert.equal(flakyCalls, 1);

  await dispatcher.dispatchDue();
  await dispatcher.dispatchDue();
  await dispatcher.dispatchDue();
  assert.equal(flakyCalls, 3, 'given up after maxAttempts');
  assert.deepEqual(seen, ['ok:1'], 'a delivered event is not delivered again');

  const rows = await db.selectFrom('outbox').select(['topic', 'attempts', 'dispatched_at', 'failed_at', 'last_error']).orderBy('id').execute();
  assert.equal(rows.length, 2, 'the rolled-back event was never written');
  assert.ok(rows[0]!.dispatched_at);
  assert.equal(rows[1]!.attempts, 3);
  assert.ok(rows[1]!.failed_at);
  assert.equal(rows[1]!.last_error, 'channel down');
});
