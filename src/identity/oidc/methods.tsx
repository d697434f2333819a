import type { FastifyInstance } from 'fastify';
import type Provider from 'oidc-provider';
import { sql } from 'kysely';
import { translator, withMultipart, type Db } from '../../platform/index.js';
import { assetUrl, ErrorSummary, Field } from '../../web/index.js';
import type { FaceMatcher } from '../face/index.js';
import { audit, sha256, toPerson, PERSON_COLUMNS } from '../identity.store.js';
import { createChallenge, SignatureError, verifySignedChallenge, type Ca } from '../pki/index.js';
import { demoFacePhoto } from '../face/index.js';
import { screens } from './screen.js';
import { DEMO_ACCOUNTS } from '../demo.js';

type Params = { uid: string };
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]), JPEG = Buffer.from([0xff, 0xd8, 0xff]);

/**
 * The other ways to sign in: with an electronic-signature key (the browser signs the
 * provider's challenge with the key file, as E-IMZO does; the key never leaves the
 * device) and with a face check against the photo the state holds (MyID-like).
 */
export function methodRoutes(app: FastifyInstance, deps: { provider: Provider; db: Db; ca: Ca; face: FaceMatcher; demo: boolean }): void {
  const { provider, db, ca, face, demo } = deps;
  const { page, details, expired, finish } = screens(provider);

  const personByPinfl = (pinfl: string) =>
    db.selectFrom('identity_person').select(PERSON_COLUMNS).where('pinfl', '=', pinfl).executeTakeFirst().then((row) => row && toPerson(row));

  app.get<{ Params: Params }>('/oidc/interaction/:uid/esign', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const challenge = createChallenge();
    await db.insertInto('identity_otp').values({ id: `esign:${challenge.value}`, person_id: null, purpose: 'esign', code_hash: sha256(interaction.uid), expires_at: challenge.expiresAt, consumed_at: null }).execute();
    return esignForm(request.params.uid, challenge.value, reply.csrfToken(), request, reply);
  });

  function esignForm(uid: string, challenge: string, csrf: string, request: Parameters<typeof page>[0], reply: Parameters<typeof page>[1], error?: string) {
    const t = translator(request.locale);
    return page(request, reply, t('esign.title'), () => (
      <>
        <h1>{t('esign.title')}</h1>
        <p class="lead">{t('esign.lead')}</p>
        <ErrorSummary title={t('signin.problem')} errors={error ? [{ href: '#keyfile', text: error }] : []} />
        <noscript><p class="notice">{t('esign.needs-script')}</p></noscript>
        <form method="post" action={`/oidc/interaction/${uid}/esign`} class="panel" id="esign-form" data-challenge={challenge}>
          <input type="hidden" name="_csrf" value={csrf} />
          <input type="hidden" name="challenge" value={challenge} />
          <input type="hidden" name="signature" value="" />
          <input type="hidden" name="certificate" value="" />
          <div class={error ? 'field field--error' : 'field'}>
            <label for="keyfile">{t('esign.keyfile')}</label>
            <p class="field__hint" id="keyfile-hint">{t('esign.keyfile-hint')}</p>
            <input id="keyfile" type="file" accept=".pem,.key,.txt" aria-describedby="keyfile-hint" />
          </div>
          <button class="button" type="submit">{t('esign.sign')}</button>
        </form>
        <p><a href={`/oidc/interaction/${uid}`}>{t('signin.other-ways')}</a></p>
        <script src={assetUrl('esign.js')} defer />
      </>
    ), error ? 400 : 200);
  }

  app.post<{ Params: Params; Body: { challenge?: string; signature?: string; certificate?: string } }>('/oidc/interaction/:uid/esign', {
    schema: { hide: true }, config: { access: 'public', rateLimit: { max: 20, timeWindow: 60_000 } },
  }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const t = translator(request.locale);
    const challenge = String(request.body?.challenge ?? '').slice(0, 100);
    // The challenge is taken once, and only by the sign-in it was issued for.
    const taken = await db.updateTable('identity_otp').set({ consumed_at: sql`now()` })
      .where('id', '=', `esign:${challenge}`).where('purpose', '=', 'esign').where('code_hash', '=', sha256(interaction.uid))
      .where('consumed_at', 'is', null).where('expires_at', '>', sql<Date>`now()`).returning('id').executeTakeFirst();
    if (!taken) return expired(request, reply);
    try {
      const signed = verifySignedChallenge({ challenge, signature: String(request.body?.signature ?? '').slice(0, 2000), certificatePem: String(request.body?.certificate ?? '').slice(0, 10_000) }, ca);
      const person = await personByPinfl(signed.pinfl);
      if (!person) throw new SignatureError('untrusted', 'no such person');
      await audit(db, { actor: person.id, action: 'signin', subject: person.id, ip: request.ip, detail: { method: 'signature', serial: signed.serial, client: interaction.params.client_id } });
      return finish(request, reply, { login: { accountId: person.id, amr: ['hwk', 'sc'] } });
    } catch (error) {
      const code = error instanceof SignatureError ? error.code : 'malformed';
      await audit(db, { action: 'signin.failed', ip: request.ip, detail: { method: 'signature', reason: code } });
      const next = createChallenge();
      await db.insertInto('identity_otp').values({ id: `esign:${next.value}`, person_id: null, purpose: 'esign', code_hash: sha256(interaction.uid), expires_at: next.expiresAt, consumed_at: null }).execute();
      return esignForm(interaction.uid, next.value, reply.csrfToken(), request, reply, t(`esign.error.${code}`));
    }
  });

  function faceForm(uid: string, request: Parameters<typeof page>[0], reply: Parameters<typeof page>[1], error?: string, pinfl = '') {
    const t = translator(request.locale);
    const csrf = reply.csrfToken();
    return page(request, reply, t('face.title'), () => (
      <>
        <h1>{t('face.title')}</h1>
        <p class="lead">{t('face.lead')}</p>
        <ErrorSummary title={t('signin.problem')} errors={error ? [{ href: '#pinfl', text: error }] : []} />
        <form method="post" action={`/oidc/interaction/${uid}/face?_csrf=${encodeURIComponent(csrf)}`} enctype="multipart/form-data" class="panel">
          <Field name="pinfl" label={t('face.pinfl')} hint={t('face.pinfl-hint')} value={pinfl} required error={error} />
          <div class="field">
            <label for="photo">{t('face.photo')}</label>
            <p class="field__hint" id="photo-hint">{t('face.photo-hint')}</p>
            <input id="photo" name="photo" type="file" accept="image/png,image/jpeg" capture="user" aria-describedby="photo-hint" required />
          </div>
          <button class="button" type="submit">{t('face.check')}</button>
        </form>
        {demo && (
          <div class="notice">
            <p>{t('face.demo')}</p>
            <ul>{DEMO_ACCOUNTS.filter((a) => a.pinfl).map((a) => <li key={a.role}><a href={`/demo/face/${a.role}.png`} download>{a.first} ({a.pinfl})</a></li>)}</ul>
          </div>
        )}
        <p><a href={`/oidc/interaction/${uid}`}>{t('signin.other-ways')}</a></p>
      </>
    ), error ? 400 : 200);
  }

  // Outside production: the demo people's faces, to "take" a photo with on the face screen.
  if (demo) {
    app.get<{ Params: { file: string } }>('/demo/face/:file', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
      const account = DEMO_ACCOUNTS.find((a) => `${a.role}.png` === request.params.file);
      if (!account) return reply.callNotFound();
      return reply.type('image/png').header('cache-control', 'no-store').send(demoFacePhoto(account.id));
    });
  }

  app.get<{ Params: Params }>('/oidc/interaction/:uid/face', { schema: { hide: true }, config: { access: 'public' } }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    return faceForm(interaction.uid, request, reply);
  });

  withMultipart(app, (scoped) => scoped.post<{ Params: Params }>('/oidc/interaction/:uid/face', {
    schema: { hide: true }, config: { access: 'public', rateLimit: { max: 10, timeWindow: 60_000 } },
  }, async (request, reply) => {
    const interaction = await details(request, reply);
    if (!interaction || interaction.uid !== request.params.uid) return expired(request, reply);
    const t = translator(request.locale);
    let pinfl = '', photo: Buffer | undefined;
    try {
      for await (const part of request.parts({ limits: { fileSize: 2 * 1024 * 1024, files: 1, fields: 5 } })) {
        if (part.type === 'file' && part.fieldname === 'photo') photo = await part.toBuffer();
        else if (part.type === 'field' && part.fieldname === 'pinfl') pinfl = String(part.value).replace(/\D/g, '').slice(0, 14);
      }
    } catch {
      return faceForm(interaction.uid, request, reply, t('face.photo-too-large'), pinfl);
    }
    if (!photo || !(photo.subarray(0, 4).equals(PNG) || photo.subarray(0, 3).equals(JPEG))) return faceForm(interaction.uid, request, reply, t('face.photo-missing'), pinfl);
    const person = pinfl.length === 14 ? await personByPinfl(pinfl) : undefined;
    // The photo on file comes from the population registry; the demo registry draws one per person.
    const onFile = person ? demoFacePhoto(person.id) : undefined;
    let matched = false;
    try {
      matched = onFile !== undefined && await face.verify(photo, onFile);
    } catch (error) {
      request.log.warn({ err: (error as Error).message }, 'face check failed');
      return faceForm(interaction.uid, request, reply, t('face.unavailable'), pinfl);
    }
    if (!person || !matched) {
      await audit(db, { action: 'signin.failed', subject: person?.id ?? null, ip: request.ip, detail: { method: 'face' } });
      return faceForm(interaction.uid, request, reply, t('face.no-match'), pinfl);
    }
    await audit(db, { actor: person.id, action: 'signin', subject: person.id, ip: request.ip, detail: { method: 'face', client: interaction.params.client_id } });
    return finish(request, reply, { login: { accountId: person.id, amr: ['face'] } });
  }));
}
