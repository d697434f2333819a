import { Type, type Static } from 'typebox';
import { fromRoot, type LocalText } from '../platform/index.js';
import { LocalTextSchema, YamlFile } from './yaml-file.js';

// The working-day calendar: which days count in a term of working days, and where a term ends.
// Dates are handled as Tashkent calendar days, `YYYY-MM-DD` text; instants as Date.

const Ymd = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const Basis = Type.Object({ act: Type.String({ minLength: 1 }), article: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })) }, { additionalProperties: false });
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const Note = Type.Optional(Type.String({ minLength: 1, maxLength: 300 }));

const CalendarFile = Type.Object({
  country: Type.String({ pattern: '^[A-Z]{2}$' }),
  utcOffsetHours: Type.Integer({ minimum: -12, maximum: 14 }),
  weekend: Type.Array(Type.Enum([...WEEKDAYS]), { minItems: 1, maxItems: 6, uniqueItems: true }),
  acts: Type.Record(Type.String(), Type.Object({ title: Type.String({ minLength: 1, maxLength: 1000 }), url: Type.Optional(Type.String({ pattern: '^https?://' })) }, { additionalProperties: false })),
  transfer: Type.Object({ basis: Basis, label: LocalTextSchema }, { additionalProperties: false }),
  holidays: Type.Array(Type.Object({
    date: Type.String({ pattern: '^\\d{2}-\\d{2}$' }), name: LocalTextSchema, basis: Basis, transfer: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false })),
  moving: Type.Record(Type.String({ pattern: '^[a-z]+(-[a-z]+)*$' }), Type.Object({ name: LocalTextSchema }, { additionalProperties: false })),
  extraDayOff: LocalTextSchema,
  years: Type.Record(Type.String({ pattern: '^\\d{4}$' }), Type.Object({
    holidays: Type.Optional(Type.Array(Type.Object({
      date: Ymd, holiday: Type.String(), basis: Type.Optional(Basis), status: Type.Optional(Type.Literal('expected')),
      transfer: Type.Optional(Type.Boolean()), movedTo: Type.Optional(Ymd),
    }, { additionalProperties: false }))),
    daysOff: Type.Optional(Type.Array(Type.Object({ date: Ymd, basis: Basis, note: Note, name: Type.Optional(LocalTextSchema) }, { additionalProperties: false }))),
    workingDays: Type.Optional(Type.Array(Type.Object({ date: Ymd, basis: Basis, note: Note }, { additionalProperties: false }))),
  }, { additionalProperties: false })),
}, { additionalProperties: false });
type CalendarData = Static<typeof CalendarFile>;

/** Why a day is not a working day. */
export interface DayOff { kind: 'weekend' | 'holiday' | 'transferred' | 'extra'; name?: LocalText }

const DAY = 86_400_000;
const addDays = (ymd: string, n: number) => new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const weekday = (ymd: string) => WEEKDAYS[new Date(`${ymd}T00:00:00Z`).getUTCDay()]!;
const realDate = (ymd: string) => !Number.isNaN(Date.parse(`${ymd}T00:00:00Z`)) && new Date(`${ymd}T00:00:00Z`).toISOString().startsWith(ymd);
/** Far enough for any term a service has (years of calendar days), and a stop for a bad call. */
const MAX_DAYS = 3660;

export class WorkCalendar {
  private readonly offsetMs: number;
  private readonly weekend: Set<string>;
  /** Days off other than weekends, by date; filled a year at a time. */
  private readonly off = new Map<string, DayOff>();
  private readonly working = new Set<string>();
  private readonly yearsDone = new Set<number>();
  private readonly listedDone = new Set<number>();

  constructor(private readonly data: CalendarData) {
    this.offsetMs = data.utcOffsetHours * 3_600_000;
    this.weekend = new Set(data.weekend);
    for (const year of Object.values(data.years)) for (const w of year.workingDays ?? []) this.working.add(w.date);
  }

  /** The years whose Islamic holidays and decrees the data lists. */
  get years(): number[] { return Object.keys(this.data.years).map(Number).sort(); }

  /** The calendar day (`YYYY-MM-DD`) of an instant, in the calendar's time zone. */
  localDate(at: Date): string { return new Date(at.getTime() + this.offsetMs).toISOString().slice(0, 10); }

  /** The last millisecond of a calendar day, in the calendar's time zone. */
  endOfDay(ymd: string): Date { return new Date(Date.parse(`${ymd}T00:00:00Z`) + DAY - 1 - this.offsetMs); }

  /** Why the day is not a working day, or undefined when it is one. */
  dayOff(ymd: string): DayOff | undefined {
    const year = Number(ymd.slice(0, 4));
    // A holiday late in one year may move its day off into the next.
    this.fillYear(year - 1);
    this.fillYear(year);
    const off = this.off.get(ymd);
    if (off) return off;
    if (this.weekend.has(weekday(ymd)) && !this.working.has(ymd)) return { kind: 'weekend' };
    return undefined;
  }

  isWorkingDate(ymd: string): boolean { return this.dayOff(ymd) === undefined; }

  isWorkingDay(at: Date): boolean { return this.isWorkingDate(this.localDate(at)); }

  /**
   * The end of a term of `days` working days that starts at `start`: counting begins the day
   * after (so a term that starts on a holiday or a weekend counts from the first working day
   * after it) and the term ends at the end of its last working day, Tashkent time. Zero days:
   * the end of the same day, or of the next working day when that is a day off.
   */
  addWorkingDays(start: Date, days: number): Date {
    checkDays(days);
    let ymd = this.localDate(start);
    if (days === 0) return this.endOfDay(this.onOrAfterWorking(ymd));
    for (let counted = 0; counted < days;) {
      ymd = addDays(ymd, 1);
      if (this.isWorkingDate(ymd)) counted++;
    }
    return this.endOfDay(ymd);
  }

  /**
   * The end of a term of `days` calendar days that starts at `start`: the end of the day
   * `days` days after its day; when that is a day off, the end of the next working day.
   */
  addCalendarDays(start: Date, days: number): Date {
    checkDays(days);
    return this.endOfDay(this.onOrAfterWorking(addDays(this.localDate(start), days)));
  }

  /** The end of a term of either kind. */
  termEnd(start: Date, term: { days: number; kind: 'working' | 'calendar' }): Date {
    return term.kind === 'working' ? this.addWorkingDays(start, term.days) : this.addCalendarDays(start, term.days);
  }

  private onOrAfterWorking(ymd: string): string {
    let day = ymd;
    for (let n = 0; !this.isWorkingDate(day); n++) {
      if (n > MAX_DAYS) throw new Error(`no working day within ${MAX_DAYS} days after ${ymd}`);
      day = addDays(day, 1);
    }
    return day;
  }

  /** The holidays and extra days off a year lists. */
  private fillListed(year: number): { date: string; name: LocalText; transfer: boolean; movedTo?: string }[] {
    const listed = this.data.years[String(year)];
    const holidays = [
      ...this.data.holidays.map((h) => ({ date: `${year}-${h.date}`, name: h.name, transfer: h.transfer !== false, movedTo: undefined as string | undefined })),
      ...(listed?.holidays ?? []).map((h) => ({ date: h.date, name: this.data.moving[h.holiday]!.name, transfer: h.transfer !== false, movedTo: h.movedTo })),
    ].sort((a, b) => a.date.localeCompare(b.date));
    if (!this.listedDone.has(year)) {
      this.listedDone.add(year);
      for (const h of holidays) if (this.off.get(h.date)?.kind !== 'holiday') this.off.set(h.date, { kind: 'holiday', name: h.name });
      for (const d of listed?.daysOff ?? []) if (!this.off.has(d.date)) this.off.set(d.date, { kind: 'extra', name: d.name ?? this.data.extraDayOff });
    }
    return holidays;
  }

  /** A year's days off, with the days off moved from its holidays that fell on a weekend. */
  private fillYear(year: number): void {
    if (this.yearsDone.has(year)) return;
    this.yearsDone.add(year);
    const holidays = this.fillListed(year);
    // A moved day off may land early in the next year: its holidays must be known.
    this.fillListed(year + 1);
    // Labour Code, article 208: a holiday on a day off moves that day off to the next working day.
    for (const h of holidays) {
      if (!h.transfer || !this.weekend.has(weekday(h.date)) || this.working.has(h.date)) continue;
      let to = h.movedTo ?? addDays(h.date, 1);
      if (!h.movedTo) while (this.off.has(to) || (this.weekend.has(weekday(to)) && !this.working.has(to))) to = addDays(to, 1);
      this.off.set(to, { kind: 'transferred', name: this.data.transfer.label });
    }
  }
}

function checkDays(days: number): void {
  if (!Number.isInteger(days) || days < 0 || days > MAX_DAYS) throw new RangeError(`a term is a whole number of days from 0 to ${MAX_DAYS}, not ${days}`);
}

/** Reads and checks a calendar file; a problem throws a DataFileError naming file and line. */
export function loadCalendar(path: string): WorkCalendar {
  const file = new YamlFile<CalendarData>(path, CalendarFile);
  if (file.valid) {
    const { data } = file;
    const basisOk = (b: { act: string } | undefined, where: (string | number)[]) => {
      if (b && !data.acts[b.act]) file.problem([...where, 'basis', 'act'], `unknown act "${b.act}" (not under acts)`);
    };
    basisOk(data.transfer.basis, ['transfer']);
    data.holidays.forEach((h, i) => {
      if (!realDate(`2023-${h.date}`)) file.problem(['holidays', i, 'date'], `${h.date} is not a day of the year`);
      basisOk(h.basis, ['holidays', i]);
    });
    const seen = new Map<string, string>();
    for (const [year, entry] of Object.entries(data.years)) {
      const at = (list: string, i: number) => ['years', year, list, i];
      const checkDate = (date: string, where: (string | number)[], what: string) => {
        if (!realDate(date)) file.problem([...where, 'date'], `${date} is not a real date`);
        else if (!date.startsWith(`${year}-`)) file.problem([...where, 'date'], `${date} is listed under ${year}`);
        if (seen.has(date)) file.problem([...where, 'date'], `${date} is listed twice (${seen.get(date)} and ${what})`);
        seen.set(date, what);
      };
      (entry.holidays ?? []).forEach((h, i) => {
        checkDate(h.date, at('holidays', i), 'a holiday');
        if (!data.moving[h.holiday]) file.problem([...at('holidays', i), 'holiday'], `unknown holiday "${h.holiday}" (not under moving)`);
        if (!h.basis && h.status !== 'expected') file.problem(at('holidays', i), 'a holiday needs the act that set its date (basis), or status: expected');
        if (h.movedTo && !realDate(h.movedTo)) file.problem([...at('holidays', i), 'movedTo'], `${h.movedTo} is not a real date`);
        basisOk(h.basis, at('holidays', i));
      });
      (entry.daysOff ?? []).forEach((d, i) => {
        checkDate(d.date, at('daysOff', i), 'a day off');
        if (realDate(d.date) && data.weekend.includes(weekday(d.date))) file.problem([...at('daysOff', i), 'date'], `${d.date} is a ${weekday(d.date)}, a day off already`);
        basisOk(d.basis, at('daysOff', i));
      });
      (entry.workingDays ?? []).forEach((w, i) => {
        checkDate(w.date, at('workingDays', i), 'a working day');
        if (realDate(w.date) && !data.weekend.includes(weekday(w.date))) file.problem([...at('workingDays', i), 'date'], `${w.date} is a ${weekday(w.date)}, a working day already`);
        basisOk(w.basis, at('workingDays', i));
      });
    }
  }
  return new WorkCalendar(file.check());
}

/** Uzbekistan's calendar, `demo/calendar/uz.yaml`, read once. */
export const UZ_CALENDAR_FILE = fromRoot('demo', 'calendar', 'uz.yaml');
let uz: WorkCalendar | undefined;
export function uzCalendar(): WorkCalendar {
  uz ??= loadCalendar(UZ_CALENDAR_FILE);
  return uz;
}

/**
 * The end of a term of `days` working days starting at `start` on Uzbekistan's calendar
 * (Tashkent time, five-day week, public holidays): the last millisecond of the `days`-th
 * working day after the start's day.
 */
export function addWorkingDays(start: Date, days: number): Date { return uzCalendar().addWorkingDays(start, days); }

/** Whether the Tashkent day of `date` is a working day on Uzbekistan's calendar. */
export function isWorkingDay(date: Date): boolean { return uzCalendar().isWorkingDay(date); }
