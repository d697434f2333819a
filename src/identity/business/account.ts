import { translator, type Locale } from '../../platform/index.js';
import type { PageProps } from '../../web/index.js';
import type { Session } from '../sessions.js';
import { businessName } from './business.store.js';

/** Where a portal user chooses whom they act for. */
export const actForUrl = (l: Locale) => `/${l}/cabinet/act-for`;

/**
 * The account bar of the portal's pages for a signed-in session: the person's name and,
 * while they act for a business, which one, with the link to switch.
 */
export function accountBar(session: Session, locale: Locale): NonNullable<PageProps['account']> {
  const t = translator(locale);
  const { person, actingFor } = session;
  const name = locale === 'oz' && person.nameCyrillic ? person.nameCyrillic : person.nameLatin;
  return {
    name: `${name.first} ${name.last}`,
    actingFor: actingFor ? t('business.bar.acting-for', { name: businessName(actingFor.name, locale), stir: actingFor.stir }) : undefined,
    switchUrl: actForUrl(locale),
    switchLabel: t('business.bar.switch'),
  };
}
