// The appeals registry's words (issue #8), shared by its service, its pages, Open311 and
// the analytics. The law behind them: ZRU-445, "On appeals of individuals and legal entities".
import type { Db, Locale, LocalText } from '../platform/index.js';
import type { AuthorContact } from './appeals.tables.js';

export const APPEAL_KINDS = ['statement', 'proposal', 'complaint'] as const;
export type AppealKind = (typeof APPEAL_KINDS)[number];

/** open: waits for an executor · assigned: being worked on · answered: the author has the answer · closed: rated, or past the time to complain. */
export const APPEAL_STATES = ['open', 'assigned', 'answered', 'closed'] as const;
export type AppealState = (typeof APPEAL_STATES)[number];

export const APPEAL_CHANNELS = ['portal', 'api', 'open311', 'phone', 'post', 'in_person'] as const;
export type AppealChannel = (typeof APPEAL_CHANNELS)[number];

/** A topic of the classifier (demo/appeals/topics.yaml): local matters go to the district's administration. */
export interface Topic {
  id: string;
  sphereId: string;
  /** true: routed to the hokimiyat of the appeal's region, to its district; false: to `agencyId`. */
  local: boolean;
  agencyId?: string;
  name: LocalText;
  /** Open311 `service_code` is the topic id; its group is the sphere. */
  keywords?: string[];
}

/** A term as the law sets it (demo/appeals/terms.yaml), with its legal basis. */
export interface TermRule { days: number; kind: 'working' | 'calendar'; basis: string }

export interface Terms {
  /** Time to answer. */
  answer: TermRule;
  /** The longest an extension may add, once, by a head with a reason. */
  extension: TermRule;
  /** Time within which an appeal for another body must be forwarded (with notice to the author). */
  forward: TermRule;
  /** How long before the deadline the executor is reminded. */
  remindBefore: TermRule;
  /** How long after the answer the author may complain before the appeal closes. */
  complainWithin: TermRule;
}

/** Who files: a signed-in person (for themselves or a business they act for), or someone an officer or Open311 client speaks for. */
export type Author =
  | { kind: 'person'; personId: string; name: string }
  | { kind: 'business'; personId: string; businessId: string; name: string }
  | { kind: 'external'; name: string; contact: AuthorContact };

export interface Place { lat?: number; lon?: number; address?: string; region?: string; district?: string }

export interface NewAttachment { name: string; mime: string; content: Buffer }

export interface NewAppeal {
  kind: AppealKind;
  topicId: string;
  summary: string;
  body: string;
  locale: Locale;
  author: Author;
  channel: AppealChannel;
  place: Place;
  /** Per author (or Open311 client): the same key twice makes one appeal. */
  idempotencyKey: string;
  /** The Open311 client that files it. */
  clientId?: string;
  /** A complaint about a used service. */
  applicationId?: string;
  attachments?: NewAttachment[];
  /** The officer who entered an appeal received by phone, post or in person. */
  enteredBy?: Actor;
}

export interface Actor { id: string; name: string }

export interface FiledAppeal {
  id: string; number: string; token: string | null; agencyId: string; region: string | null; district: string | null; dueAt: Date;
  /** false when the idempotency key had already made this appeal. */
  created: boolean;
}

/** An appeal as pages and Open311 show it (the row of appeals_appeal, in camelCase). */
export interface Appeal {
  id: string; number: string; kind: AppealKind; state: AppealState; channel: AppealChannel;
  authorKind: Author['kind']; authorPersonId: string | null; authorBusinessId: string | null; authorName: string; authorContact: AuthorContact;
  locale: Locale; clientId: string | null; token: string | null;
  topicId: string; sphereId: string; summary: string; body: string;
  region: string | null; district: string | null; lat: number | null; lon: number | null; address: string | null;
  agencyId: string; executorId: string | null; executorName: string | null; coExecutors: Actor[];
  registeredAt: Date; dueAt: Date; extended: boolean; remindedAt: Date | null; escalatedAt: Date | null;
  answeredAt: Date | null; answer: string | null; answerDocumentId: string | null;
  rating: number | null; ratingComment: string | null; ratedAt: Date | null; level: number;
  applicationId: string | null; updatedAt: Date;
}

export interface AppealEvent {
  id: number; at: Date; kind: string; actorId: string | null; actorName: string | null; reason: string | null; data: Record<string, unknown>;
}

export interface AppealFilter {
  ids?: string[]; numbers?: string[]; topicIds?: string[]; states?: AppealState[]; agencyIds?: string[];
  region?: string; district?: string; from?: Date; to?: Date; authorPersonId?: string; authorBusinessId?: string; clientId?: string;
  /** A person's own appeals without those they filed for a business. */
  authorKind?: 'person' | 'business' | 'external';
  limit?: number;
  /** Rows to skip, newest first: a page of a long list. */
  offset?: number;
}

/**
 * What the appeals service offers its pages, Open311 and other modules. Every method that
 * changes an appeal does it in one transaction, writes an appeals_event, and checks the
 * state it starts from (a stale click gets a clear error, not a second change).
 */
export interface AppealsApi {
  topics(): Topic[];
  topic(id: string): Topic | undefined;
  /** The terms in force for a kind at an agency (agency overrides over kind over the default). */
  terms(kind: AppealKind, agencyId: string): Terms;
  /** Validates (ValidationError with field errors), routes by topic and place, registers, notifies; idempotent. */
  file(input: NewAppeal, trx?: Db): Promise<FiledAppeal>;
  get(id: string): Promise<Appeal | undefined>;
  byNumber(number: string): Promise<Appeal | undefined>;
  byToken(token: string): Promise<Appeal | undefined>;
  list(filter: AppealFilter): Promise<Appeal[]>;
  /** How many appeals match (limit and offset aside). */
  count(filter: AppealFilter): Promise<number>;
  events(id: string): Promise<AppealEvent[]>;
  /** To the competent body (within the forward term), the author told why. */
  forward(id: string, actor: Actor, to: { agencyId: string; district?: string | null; reason: string }): Promise<void>;
  /** A head names the executor and co-executors. */
  assign(id: string, actor: Actor, input: { executor: Actor; coExecutors?: Actor[] }): Promise<void>;
  /** Once, by a head, with a reason, by at most the extension term. */
  extend(id: string, actor: Actor, input: { days: number; reason: string }): Promise<void>;
  /** The executor's answer: signed by the agency, sent to the author in their language. */
  answer(id: string, actor: Actor, input: { text: string }): Promise<void>;
  /** The author rates the answer (1–5) with an optional comment. */
  rate(id: string, personId: string, input: { stars: number; comment?: string }): Promise<void>;
  /** The author complains about the answer: reopened one level higher, with a new term. */
  complain(id: string, personId: string, input: { reason: string }): Promise<void>;
  /** Reminders before the deadline and escalation to the head after it; returns how many of each. */
  pollDeadlines(at?: Date): Promise<{ reminded: number; escalated: number; closed: number }>;
}
