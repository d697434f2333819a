// What the API shows: topics as services, appeals as service requests. An appeal filed
// through Open311 was sent to a public reporting API and is shown in full; one filed on the
// portal, by phone, post or in person is shown only by its number, service, status, body and
// district, since its text and place may tell who wrote it. No author's data is ever shown.
import { LOCALE_INFO, local, type Locale, type LocalText, type Translate } from '../../platform/index.js';
import { APPEAL_KINDS, type Appeal, type Topic } from '../types.js';
import { w3cDate, type Value } from './format.js';
import { mediaUrlOf } from './post.js';

/** Names the API needs from the catalog and the place list, in a locale. */
export interface Names {
  sphere(id: string): LocalText | undefined;
  agency(id: string): LocalText | undefined;
  district(id: string): { name: { uz: string; ru: string; en: string }; region: string } | undefined;
  region(id: string): { name: { uz: string; ru: string; en: string } } | undefined;
}

/** Place names are kept in uz, ru and en; Cyrillic Uzbek and Karakalpak read the nearest. */
const placeName = (name: { uz: string; ru: string; en: string }, l: Locale) => (l === 'ru' ? name.ru : l === 'en' ? name.en : name.uz);

export function day(date: Date, l: Locale): string {
  return new Intl.DateTimeFormat(LOCALE_INFO[l].intl, { dateStyle: 'long', timeZone: 'Asia/Tashkent' }).format(date);
}

export function serviceView(topic: Topic, l: Locale, t: Translate, names: Names): Record<string, Value> {
  const agency = topic.agencyId ? local(names.agency(topic.agencyId), l) || topic.agencyId : undefined;
  return {
    service_code: topic.id,
    service_name: local(topic.name, l),
    description: topic.local || !agency ? t('appeals.open311.service.local') : t('appeals.open311.service.agency', { agency }),
    metadata: true,
    type: 'realtime',
    keywords: (topic.keywords ?? []).join(', '),
    group: local(names.sphere(topic.sphereId), l) || topic.sphereId,
  };
}

/** The attributes every service takes: the kind of appeal the law knows, and a short summary. */
export function serviceDefinition(topic: Topic, t: Translate): Record<string, Value> {
  return {
    service_code: topic.id,
    attributes: [
      {
        variable: true, code: 'kind', datatype: 'singlevaluelist', required: false,
        datatype_description: t('appeals.open311.attribute.kind.hint'), order: 1,
        description: t('appeals.open311.attribute.kind.description'),
        values: APPEAL_KINDS.map((k) => ({ key: k, name: t(`appeals.open311.kind.${k}`) })),
      },
      {
        variable: true, code: 'summary', datatype: 'string', required: true,
        datatype_description: t('appeals.open311.attribute.summary.hint'), order: 2,
        description: t('appeals.open311.attribute.summary.description'),
      },
    ],
  };
}

/** open and assigned are open; answered and closed are closed. */
export const openStates = ['open', 'assigned'] as const;
export const closedStates = ['answered', 'closed'] as const;

export function requestView(appeal: Appeal, topic: Topic | undefined, l: Locale, t: Translate, names: Names): Record<string, Value> {
  const full = appeal.channel === 'open311';
  const open = (openStates as readonly string[]).includes(appeal.state);
  const district = appeal.district ? names.district(appeal.district) : undefined;
  const region = appeal.region ? names.region(appeal.region) : undefined;
  const area = [district && placeName(district.name, l), region && placeName(region.name, l)].filter(Boolean).join(', ') || undefined;
  const { description, mediaUrl } = full ? mediaUrlOf(appeal.body) : { description: undefined, mediaUrl: undefined };
  let notes = t(`appeals.open311.status.${appeal.state}`, { date: day(appeal.answeredAt ?? appeal.updatedAt, l) });
  // The answer goes back to the one who reported through the client; nobody else's answer is shown.
  if (full && appeal.answer && !open) notes += ` ${t('appeals.open311.status.answer', { answer: appeal.answer })}`;
  return {
    service_request_id: appeal.number,
    status: open ? 'open' : 'closed',
    status_notes: notes,
    service_name: topic ? local(topic.name, l) : appeal.topicId,
    service_code: appeal.topicId,
    description: full ? description : undefined,
    agency_responsible: local(names.agency(appeal.agencyId), l) || appeal.agencyId,
    service_notice: open ? t('appeals.open311.notice.due', { number: appeal.number, date: day(appeal.dueAt, l) }) : null,
    requested_datetime: w3cDate(appeal.registeredAt),
    updated_datetime: w3cDate(appeal.updatedAt),
    expected_datetime: w3cDate(appeal.dueAt),
    address: (full ? appeal.address : null) ?? area ?? null,
    address_id: appeal.district ?? null,
    lat: full ? appeal.lat : null,
    long: full ? appeal.lon : null,
    media_url: mediaUrl ?? null,
  };
}
