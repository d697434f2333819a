import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { testDatabase } from '../../testing.js';
import { openDatabase } from './database.js';

test('concurrent transactions on PGlite stay apart: rolled-back ones leave nothing', async () => {
  const { db, close } = await openDatabase({ dataDir: 'memory://' });
  try {
    await sql`create table t (n integer)`.execute(db);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => db.transaction().execute(async (trx) => {
      await sql`insert into t values (${n})`.execute(trx);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      if (n % 2 === 1) throw new Error('roll back');
    })));
    assert.equal(results.filter((r) => r.status === 'rejected').length, 10);
    const rows = await sql<{ n: number }>`select n from t order by n`.execute(db);
    assert.deepEqual(rows.rows.map((r) => r.n), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  } finally {
    await close();
  }
});

test('bigint and numeric come back as numbers, dates as text, on either engine', async () => {
  const { db, close } = await testDatabase();
  try {
    const row = await sql<{ big: number; num: number; day: string }>`select 9007199254740::bigint as big, 1.5::numeric as num, '2026-01-02'::date as day`.execute(db);
    assert.deepEqual(row.rows[0], { big: 9007199254740, num: 1.5, day: '2026-01-02' });
  } finally {
    await close();
  }
});
