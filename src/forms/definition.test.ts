import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readCatalog, DEMO_CATALOG_DIR } from '../catalog/index.js';
import { LOCALES } from '../platform/index.js';
import { FormDefinitionError, parseFormDefinition, readFormDirectory } from './definition.js';
import { DEMO_FORMS_DIR, EXCHANGE_SERVICES } from './index.js';
import { pointerGet, textOf } from './answers.js';

const catalog = await readCatalog(DEMO_CATALOG_DIR);
const context = { exchangeServices: EXCHANGE_SERVICES, services: new Set(catalog.services.map((s) => s.id)) };

/** The services issue #7 names, by their catalog ids. */
const NAMED = [
  'residence-registration', 'housing-certificate', 'salary-certificate', 'birth-certificate-copy', 'kindergarten-queue',
  'driver-licence-replacement', 'building-permit', 'trade-licence', 'foreigner-registration', 'no-criminal-record',
];

test('the demo forms load, one per service the issue names, each for a service of the catalog', async () => {
  const forms = await readFormDirectory(DEMO_FORMS_DIR, context);
  assert.deepEqual(forms.map((f) => f.definition.serviceId).sort(), [...NAMED].sort());
  for (const { definition } of forms) {
    const service = catalog.services.find((s) => s.id === definition.serviceId)!;
    assert.ok(service.channels.includes('portal'), `${definition.serviceId} is offered on the portal`);
    // A form for businesses exactly when the service is for businesses only.
    assert.equal(definition.applicant === 'business', service.audience.length === 1 && service.audience[0] === 'G2B', definition.serviceId);
  }
});

test('every label, help and option of the demo forms is written in the five languages, and Cyrillic in Cyrillic', async () => {
  for (const { definition } of await readFormDirectory(DEMO_FORMS_DIR, context)) {
    const texts = definition.steps.flatMap((s) => [s.title, ...s.fields.flatMap((f) => [f.label, f.help, ...(f.options ?? []).map((o) => o.label)])]).filter(Boolean);
    for (const text of texts) {
      for (const l of LOCALES) assert.ok(text![l]?.trim(), `${definition.serviceId}: ${text!.en} lacks ${l}`);
      assert.doesNotMatch(text!.oz, /[a-z]{3}/, `${definition.serviceId}: "${text!.oz}" is not Cyrillic`);
      assert.match(text!.ru, /[а-яё]/i, `${definition.serviceId}: "${text!.ru}" is not Russian`);
    }
  }
});

test('the demo forms prefill from the registries the issue names, and have files where real', async () => {
  const forms = await readFormDirectory(DEMO_FORMS_DIR, context);
  const fields = forms.flatMap((f) => f.definition.steps.flatMap((s) => s.fields.map((field) => ({ service: f.definition.serviceId, field }))));
  const sources = new Set(fields.map((f) => f.field.prefill?.service).filter(Boolean));
  for (const wanted of ['GOV/migration/aholi/population', 'GOV/pension-fund/pensiya/salary-records', 'GOV/civil-registry/fhdyo/births', 'GOV/public-services/biznes/company']) {
    assert.ok(sources.has(wanted), `no form prefills from ${wanted}`);
  }
  const files = fields.filter((f) => f.field.widget === 'file');
  assert.ok(files.length >= 8);
  assert.ok(files.some((f) => f.service === 'driver-licence-replacement' && f.field.file!.types.includes('image/jpeg')), 'a photo');
  assert.ok(files.some((f) => f.service === 'building-permit' && f.field.name === 'site_plan'), 'a plan');
});

const GOOD = `serviceId: housing-certificate
version: 1
schema:
  type: object
  additionalProperties: false
  required: [purpose]
  properties:
    purpose: { enum: [bank, other] }
    other: { type: string }
steps:
  - id: purpose
    title: { uz: "Maqsad", oz: "Мақсад", kaa: "Maqset", ru: "Цель", en: "Purpose" }
    fields:
      - name: purpose
        widget: radio
        label: { uz: "Maqsad", oz: "Мақсад", kaa: "Maqset", ru: "Цель", en: "Purpose" }
        options:
          - { value: bank, label: { uz: "Bank", oz: "Банк", kaa: "Bank", ru: "Банк", en: "Bank" } }
          - { value: other, label: { uz: "Boshqa", oz: "Бошқа", kaa: "Basqa", ru: "Другое", en: "Other" } }
      - name: other
        widget: text
        label: { uz: "Qayerga", oz: "Қаерга", kaa: "Qayaqqa", ru: "Куда", en: "Where" }
        when: { field: purpose, equals: other }
`;

/** The problems a changed definition has, as `line: message`. */
function problems(text: string): string[] {
  try {
    parseFormDefinition(text, 'test.yaml', context);
    return [];
  } catch (error) {
    if (!(error instanceof FormDefinitionError)) throw error;
    return error.problems.map((p) => `${p.line}: ${p.message}`);
  }
}

test('a good definition passes', () => {
  assert.deepEqual(problems(GOOD), []);
});

test('a broken definition is refused with the line of each problem', () => {
  assert.match(problems(GOOD.replace('widget: radio', 'widget: slider')).join('\n'), /^15: steps\[0\] \(purpose\)\.fields\[0\] \(purpose\)\.widget/m);
  assert.match(problems(GOOD.replace(', kaa: "Qayaqqa"', '')).join('\n'), /^22: .*\(other\)\.label: missing kaa/m);
  assert.match(problems(GOOD.replace('equals: other', 'equals: elsewhere')).join('\n'), /^23: .*when\.equals: purpose has no option elsewhere/m);
  assert.match(problems(GOOD.replace('    other: { type: string }\n', '')).join('\n'), /^19: .*\(other\): the schema has no property/m);
  assert.match(problems(GOOD.replace('serviceId: housing-certificate', 'serviceId: no-such-service')).join('\n'), /^1: serviceId: the catalog has no service/m);
  assert.match(problems(GOOD.replace('required: [purpose]', 'required: [purpose, other]')).join('\n'), /cannot be always required/);
  assert.match(problems(GOOD.replace('  additionalProperties: false\n', '')).join('\n'), /additionalProperties must be false/);
  assert.match(problems(GOOD.replace('  - id: purpose', '  - id: check')).join('\n'), /reserved word/);
  assert.match(problems(GOOD.replace('purpose: { enum: [bank, other] }', 'purpose: { enum: [bank, other], minLength: "x" }')).join('\n'), /^4: schema: /m);
  assert.match(problems(`${GOOD}        prefill: { service: GOV/nowhere/x/y, pointer: /a, editable: true }\n`).join('\n'), /the exchange has no service GOV\/nowhere\/x\/y/);
  assert.match(problems(`${GOOD}        prefill: { service: GOV/public-services/biznes/company, path: /$stir, pointer: /name, editable: false }\n`).join('\n'), /\$stir is known only on a form for businesses/);
  assert.match(problems(`${GOOD.replace('    other: { type: string }\n', '    other: { type: string }\n    scan: { type: string }\n')}      - name: scan\n        widget: file\n        label: { uz: "a", oz: "а", kaa: "a", ru: "а", en: "a" }\n`).join('\n'), /a file field needs file/);
  assert.match(problems(GOOD.replace('version: 1', 'version: 1\nversion: 2')).join('\n'), /^3: YAML: /m);
  assert.match(problems('a: *b\n').join('\n'), /YAML/);
});

test('the demo forms are the files of the repository, byte for byte (what the seed publishes)', async () => {
  const forms = await readFormDirectory(DEMO_FORMS_DIR, context);
  for (const { definition, source } of forms) assert.equal(source, await readFile(join(DEMO_FORMS_DIR, `${definition.serviceId}.yaml`), 'utf8'));
});

test('JSON pointers reach into registry answers, -1 being the last element; text in languages is taken in the user\'s', () => {
  const data = { records: [{ n: 1 }, { n: 2 }], name: { first: 'Aziz', middle: 'Rustamovich', last: 'Karimov' }, text: { uz: 'Toshkent shahri', ru: 'город Ташкент', en: 'Tashkent City' }, 'a/b': 3 };
  assert.equal(pointerGet(data, '/records/-1/n'), 2);
  assert.equal(pointerGet(data, '/records/0/n'), 1);
  assert.equal(pointerGet(data, '/records/9/n'), undefined);
  assert.equal(pointerGet(data, '/a~1b'), 3);
  assert.equal(pointerGet(data, '/toString'), undefined, 'no prototype');
  assert.equal(textOf(pointerGet(data, '/name'), 'en'), 'Aziz Rustamovich Karimov');
  assert.equal(textOf(pointerGet(data, '/text'), 'ru'), 'город Ташкент');
  assert.equal(textOf(pointerGet(data, '/text'), 'kaa'), 'Toshkent shahri');
  assert.equal(textOf(pointerGet(data, '/text'), 'oz'), 'Тошкент шаҳри');
});
