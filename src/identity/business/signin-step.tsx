import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { isLocale, translator, type Db, type Locale } from '../../platform/index.js';
import { audit, findPerson } from '../identity.store.js';
import { screens } from '../oidc/screen.js';
import { actingPower, businessesOf } from '../sessions.js';
import { businessName, personName, rememberGrantBusiness } from './business.store.js';

/** The scope an agency's system asks to learn whom the person acts for (claims `stir`, `business_name`). */
export const BUSINESS_SCOPE = 'business';

const asksBusiness = (interaction: Interaction) => String(interaction.params.scope ?? '').split(' ').includes(BUSINESS_SCOPE);

/** The language the client wants claims in (`claims_locales`, else `ui_locales`), as one of ours; Uzbek otherwise. */
export function claimsLocale(params: Interaction['params']): Locale {
  for (const tag of `${String(params.claims_locales ?? '')} ${String(params.ui_locales ?? '')}`.toLowerCase().split(/\s+/).filter(Boolean)) {
    if (isLocale(tag)) return tag;
    if (tag.startsWith('uz-cyrl')) return 'oz';
    const language = tag.split('-')[0];
    if (isLocale(language)) return language;
  }
  return 'uz';
}

/**
 * The sign-in step "Whom do you act for?": after login, before consent, when a client
 * asks the `business` scope. The choice rides on the consent form (validated again when
 * posted) and is kept with the grant, so the claims carry the business while the power holds.
 */
export function actForStep(deps: { provider: Provider; db: Db }) {
  const { db } = deps;
  const { page } = screens(deps.provider);

  /**
   * On the consent screen: what to show of the choice and send with the form, or 'asked'
   * when the question was put instead (a page with one button per choice).
   */
  async function choice(request: FastifyRequest, reply: FastifyReply, interaction: Interaction): Promise<{ value: string; text: string } | null | 'asked'> {
    const accountId = interaction.session?.accountId;
    if (!asksBusiness(interaction) || !accountId) return null;
    const t = translator(request.locale);
    const businesses = await businessesOf(db, accountId);
    const chosen = (request.query as { for?: unknown } | undefined)?.for;
    const business = businesses.find((b) => b.id === chosen);
    if (business) return { value: business.id, text: t('business.signin.acting-for', { name: businessName(business.name, request.locale), stir: business.stir }) };
    if (chosen === 'self' || businesses.length === 0) return { value: 'self', text: t('business.signin.acting-self') };
    const client = await deps.provider.Client.find(String(interaction.params.client_id));
    const person = await findPerson(db, accountId);
    await page(request, reply, t('business.signin.title'), () => (
      <>
        <h1>{t('business.signin.title')}</h1>
        <p class="lead">{t('business.signin.lead', { client: String(client?.clientName ?? client?.clientId ?? '') })}</p>
        <form method="get" action={`/oidc/interaction/${interaction.uid}`}>
          <ul class="choices">
            <li><button class="button button--secondary" type="submit" name="for" value="self">
              {t('business.act-for.self')}{person && <span class="choices__detail">{personName(person.nameLatin, person.nameCyrillic, request.locale)}</span>}
            </button></li>
            {businesses.map((b) => (
              <li key={b.id}><button class="button button--secondary" type="submit" name="for" value={b.id}>
                {businessName(b.name, request.locale)}<span class="choices__detail">{t('business.stir-value', { stir: b.stir })}</span>
              </button></li>
            ))}
          </ul>
        </form>
        <p><a href={`/oidc/interaction/${interaction.uid}/abort`}>{t('signin.cancel')}</a></p>
      </>
    ));
    return 'asked';
  }

  /**
   * When consent is posted: checks the choice sent with it (a business only while the
   * person may act for it) and returns what keeps it with the grant, or undefined when
   * the choice cannot stand.
   */
  async function accept(request: FastifyRequest, interaction: Interaction, accountId: string): Promise<((grantId: string) => Promise<void>) | undefined> {
    if (!asksBusiness(interaction)) return async () => {};
    const value = (request.body as { acting_for?: unknown } | undefined)?.acting_for;
    if (typeof value !== 'string' || value.length > 64) return undefined;
    const businessId = value === 'self' ? null : value;
    if (businessId && !await actingPower(db, accountId, businessId)) return undefined;
    return async (grantId) => {
      await rememberGrantBusiness(db, grantId, accountId, businessId, claimsLocale(interaction.params));
      await audit(db, { actor: accountId, action: 'acting.chosen', subject: String(interaction.params.client_id), ip: request.ip, detail: { business: businessId, grant: grantId } });
    };
  }

  return { choice, accept };
}
