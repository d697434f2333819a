import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { addWorkingDays, DataFileError, isWorkingDay, loadCalendar, UZ_CALENDAR_FILE, uzCalendar } from './index.js';

// Instants are written in Tashkent time (+05:00); a term ends at the end of its last day there.
const at = (local: string) => new Date(`${local}+05:00`);
const endOf = (day: string) => new Date(`${day}T23:59:59.999+05:00`);

test('5 working days from Friday 20 March 2026 (Ramazon Hayit, then Navruz on the Saturday) end on Monday 30 March', () => {
  // By hand: Fri 20 Ramazon Hayit, Sat 21 Navruz, Sun 22, Mon 23 the day off moved from Navruz
  // (Labour Code art. 208); then Tue 24 (1), Wed 25 (2), Thu 26 (3), Fri 27 (4), Mon 30 (5).
  assert.deepEqual(addWorkingDays(at('2026-03-20T10:00:00'), 5), endOf('2026-03-30'));
  // The day before: Thursday 19 March is a working day, the next one is Tuesday 24 March.
  assert.deepEqual(addWorkingDays(at('2026-03-19T16:00:00'), 1), endOf('2026-03-24'));
});

test('a term that starts on a day off counts from the first working day after it', () => {
  // Saturday 7 March 2026; Sun 8 March is the holiday, Mon 9 its moved day off: Tue 10 is day 1.
  assert.deepEqual(addWorkingDays(at('2026-03-07T09:00:00'), 1), endOf('2026-03-10'));
  // New Year 2026: Wed 31 Dec and Fri 2 Jan are extra days off (PF-257), Thu 1 Jan the holiday.
  assert.deepEqual(addWorkingDays(at('2025-12-30T12:00:00'), 2), endOf('2026-01-06'));
  // Zero days: the end of the next working day when the start is a day off, else the same day.
  assert.deepEqual(addWorkingDays(at('2026-03-21T12:00:00'), 0), endOf('2026-03-24'));
  assert.deepEqual(addWorkingDays(at('2026-03-24T12:00:00'), 0), endOf('2026-03-24'));
});

test('days are Tashkent days: 23:30 and 00:30 on either side of midnight are different days', () => {
  assert.deepEqual(addWorkingDays(new Date('2026-03-26T18:30:00Z'), 1), endOf('2026-03-27')); // Thu 23:30 in Tashkent
  assert.deepEqual(addWorkingDays(new Date('2026-03-26T19:30:00Z'), 1), endOf('2026-03-30')); // Fri 00:30 in Tashkent
  assert.equal(isWorkingDay(new Date('2026-03-19T18:59:59Z')), true, 'Thursday 19 March, 23:59 in Tashkent');
  assert.equal(isWorkingDay(new Date('2026-03-19T19:00:00Z')), false, 'Friday 20 March, 00:00 in Tashkent: Ramazon Hayit');
});

test('holidays, moved days off, extra days off and working Saturdays of 2025-2027', () => {
  const off = ['2025-01-01', '2025-01-02', '2025-03-10', '2025-03-31', '2025-06-06', '2025-12-31', '2026-03-09', '2026-03-23', '2026-05-11',
    '2026-05-27', '2026-05-28', '2026-05-29', '2026-08-31', '2026-09-01', '2026-10-01', '2026-12-08', '2026-12-31', '2027-03-22', '2027-05-10'];
  for (const day of off) assert.equal(isWorkingDay(at(`${day}T12:00:00`)), false, `${day} is a day off`);
  const working = ['2025-01-04', '2026-12-12', '2026-03-24', '2026-05-26', '2025-06-09', '2026-01-05'];
  for (const day of working) assert.equal(isWorkingDay(at(`${day}T12:00:00`)), true, `${day} is a working day`);
  // A working Saturday counts in a term: Friday 11 December 2026 + 1 is Saturday 12 December.
  assert.deepEqual(addWorkingDays(at('2026-12-11T12:00:00'), 1), endOf('2026-12-12'));
  const calendar = uzCalendar();
  assert.equal(calendar.dayOff('2026-03-23')?.kind, 'transferred');
  assert.equal(calendar.dayOff('2026-03-20')?.name?.en, 'Eid al-Fitr (Ramazon Hayit)');
  assert.equal(calendar.dayOff('2026-03-21')?.name?.uz, 'Navroʻz bayrami');
  assert.deepEqual(calendar.years, [2025, 2026, 2027]);
  // Outside the listed years the fixed holidays still hold: Friday 8 March 2030.
  assert.equal(isWorkingDay(at('2030-03-08T12:00:00')), false);
  assert.equal(isWorkingDay(at('2030-03-07T12:00:00')), true);
});

test('a calendar-day term that ends on a day off ends on the next working day', () => {
  const calendar = uzCalendar();
  // 20 February + 30 days = Sunday 22 March 2026; Monday 23 is Navruz's moved day off: Tuesday 24.
  assert.deepEqual(calendar.addCalendarDays(at('2026-02-20T15:00:00'), 30), endOf('2026-03-24'));
  // 1 March + 7 days = Sunday 8 March (the holiday), Monday 9 its moved day off: Tuesday 10.
  assert.deepEqual(calendar.addCalendarDays(at('2026-03-01T15:00:00'), 7), endOf('2026-03-10'));
  // Ending on a working day: 2 March + 10 days = Thursday 12 March.
  assert.deepEqual(calendar.addCalendarDays(at('2026-03-02T15:00:00'), 10), endOf('2026-03-12'));
  assert.deepEqual(calendar.termEnd(at('2026-03-02T15:00:00'), { days: 10, kind: 'calendar' }), endOf('2026-03-12'));
  assert.deepEqual(calendar.termEnd(at('2026-03-20T10:00:00'), { days: 5, kind: 'working' }), endOf('2026-03-30'));
  assert.throws(() => calendar.addCalendarDays(new Date(), -1), RangeError);
  assert.throws(() => addWorkingDays(new Date(), 1.5), RangeError);
});

test('a calendar file with mistakes is refused, each mistake named with its line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'darcha-calendar-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const good = readFileSync(UZ_CALENDAR_FILE, 'utf8');
  const write = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };

  assert.doesNotThrow(() => loadCalendar(write('good.yaml', good)));
  const broken = good
    .replace('{ date: 2025-03-30, holiday: ramazon-hayit, basis: { act: pq-2025-ramazon } }', '{ date: 2025-02-30, holiday: ramazan, basis: { act: no-such-act } }')
    .replace('{ date: 2026-12-12, basis: { act: pf-257 }, note: its day off moved to 31 December }', '{ date: 2026-12-14, basis: { act: pf-257 } }');
  const error = (() => { try { loadCalendar(write('broken.yaml', broken)); } catch (e) { return e; } })();
  assert.ok(error instanceof DataFileError, 'refused');
  const text = (error as DataFileError).message;
  assert.match(text, /broken\.yaml:\d+: 2025-02-30 is not a real date/);
  assert.match(text, /unknown holiday "ramazan"/);
  assert.match(text, /unknown act "no-such-act"/);
  assert.match(text, /2026-12-14 is a mon, a working day already/);
  const line = broken.split('\n').findIndex((l) => l.includes('2025-02-30')) + 1;
  assert.ok((error as DataFileError).problems.some((p) => p.line === line), `the bad date is reported on line ${line}`);

  assert.throws(() => loadCalendar(write('missing-text.yaml', good.replace('kaa: Jańa jıl, ', ''))), /holidays\.0\.name: missing kaa/);
  assert.throws(() => loadCalendar(write('syntax.yaml', `${good}\nyears: [\n`)), /YAML:/);
  assert.throws(() => loadCalendar(join(dir, 'absent.yaml')), /missing or unreadable/);
});
