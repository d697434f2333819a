import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LOCALES } from '../platform/index.js';
import { actionOn, actionsFor, DataFileError, DEMO_WORKFLOWS_DIR, readDefinition, readDefinitions } from './index.js';

test('the demo workflows load: standard, with-payment, inspection, registration', () => {
  const defs = Object.fromEntries(readDefinitions(DEMO_WORKFLOWS_DIR).map((d) => [d.id, d]));
  assert.deepEqual(Object.keys(defs).sort(), ['inspection', 'registration', 'standard', 'with-payment']);
  for (const def of Object.values(defs)) {
    for (const [name, item] of [...Object.entries(def.states), ...Object.entries(def.actions)]) {
      for (const locale of LOCALES) assert.ok(item.label[locale]?.trim(), `${def.id}.${name} has a ${locale} label`);
    }
  }

  // standard: submitted → in_review → need_info → in_review → approved | rejected; withdrawn by the applicant.
  const standard = defs.standard!;
  assert.equal(standard.initial, 'submitted');
  const path = (from: string, who: 'applicant' | 'officer' | 'head' | 'system') => actionsFor(standard, from, who).map((a) => `${a.name}>${standard.actions[a.name]!.to}`).sort();
  assert.deepEqual(path('submitted', 'officer'), ['take>in_review']);
  assert.deepEqual(path('in_review', 'officer'), ['approve>approved', 'reject>rejected', 'request_info>need_info']);
  assert.deepEqual(path('need_info', 'applicant'), ['provide_info>in_review', 'withdraw>withdrawn']);
  assert.deepEqual(path('in_review', 'applicant'), ['withdraw>withdrawn']);
  assert.deepEqual(path('submitted', 'applicant'), ['withdraw>withdrawn']);
  assert.deepEqual(path('approved', 'head'), []);
  assert.equal(standard.actions.reject!.reason, 'required');
  assert.equal(standard.actions.request_info!.reason, 'required');
  assert.deepEqual(standard.states.in_review!.term, { days: 5, kind: 'working' });

  // with-payment: the system moves it on when the payment comes.
  assert.equal(defs['with-payment']!.initial, 'awaiting_payment');
  assert.equal(actionOn(defs['with-payment']!, 'awaiting_payment', 'payments.paid'), 'paid');
  assert.deepEqual(defs['with-payment']!.actions.paid!.who, ['system']);
  assert.equal(actionOn(defs['with-payment']!, 'in_review', 'payments.paid'), undefined);
  // inspection: in review → inspection → in review, the findings required.
  assert.equal(defs.inspection!.actions.schedule_inspection!.to, 'inspection');
  assert.equal(defs.inspection!.actions.record_inspection!.reason, 'required');
  // registration: approved by the system when the registries confirm.
  assert.equal(actionOn(defs.registration!, 'checking', 'registries.confirmed'), 'auto_approve');
  assert.equal(defs.registration!.actions.auto_approve!.to, 'approved');
});

test('a definition with mistakes is refused, each mistake named with its file and line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'darcha-workflows-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const standard = readFileSync(join(DEMO_WORKFLOWS_DIR, 'standard.yaml'), 'utf8');
  const write = (name: string, text: string) => { writeFileSync(join(dir, name), text); return join(dir, name); };
  const problems = (path: string) => {
    try { readDefinition(path); } catch (e) { if (e instanceof DataFileError) return e.message; throw e; }
    assert.fail(`${path} was accepted`);
  };

  assert.equal(readDefinition(write('standard.yaml', standard)).version, 1);

  const wrongTarget = problems(write('standard.yaml', standard.replace('    to: need_info\n', '    to: needs_info\n')));
  const line = standard.split('\n').findIndex((l) => l === '    to: need_info') + 1;
  assert.match(wrongTarget, new RegExp(`standard\\.yaml:${line}: action "request_info" goes to "needs_info", which is not under states`));
  // A state no action leads to.
  const archived = '  archived:\n    final: true\n    label: { uz: Arxiv, oz: Архив, kaa: Arxiv, ru: Архив, en: Archived }\n\nactions:\n';
  assert.match(problems(write('standard.yaml', standard.replace('\nactions:\n', archived))), /state "archived" cannot be reached from "submitted"/);

  assert.match(problems(write('standard.yaml', standard.replace('from: [need_info]', 'from: [approved]'))), /action "provide_info" starts from "approved", a final state/);
  assert.match(problems(write('standard.yaml', standard.replace('initial: submitted', 'initial: draft'))), /initial state "draft" is not under states/);
  assert.match(problems(write('standard.yaml', standard.replace('kaa: Biykarlandı, ', ''))), /states\.rejected\.label: missing kaa/);
  assert.match(problems(write('standard.yaml', standard.replace('who: [officer, head]\n    reason: required\n    label: { uz: Rad', 'who: [clerk]\n    reason: required\n    label: { uz: Rad'))), /actions\.reject\.who\.0/);
  assert.match(problems(write('standard.yaml', standard.replace('reason: required', 'reason: maybe'))), /actions\.request_info\.reason/);
  assert.match(problems(write('standard.yaml', standard.replace('term: { days: 5, kind: working }', 'term: { days: 5, kind: weekly }'))), /states\.in_review\.term\.kind/);
  assert.match(problems(write('standard.yaml', standard.replace('    final: true\n    label: { uz: Maʼqullandi', '    final: true\n    term: { days: 1, kind: working }\n    label: { uz: Maʼqullandi'))), /final state "approved" cannot have a term/);
  assert.match(problems(write('standard.yaml', standard.replace('version: 1', 'version: 0'))), /version/);
  assert.match(problems(write('standard.yaml', standard.replace('id: standard', 'id: other'))), /id "other" must be the file's name, "standard"/);
  assert.match(problems(write('standard.yaml', standard.replace('id: standard', 'id: standard\nowner: nobody'))), /additional properties/);
  assert.match(problems(write('standard.yaml', standard.replace('  approve:\n', '  take:\n'))), /YAML: Map keys must be unique/);
  assert.match(problems(write('standard.yaml', `${standard}\n  broken: [\n`)), /YAML:/);
  // A state no action leaves, that is not final: a subject would be stuck in it.
  assert.match(problems(write('standard.yaml', standard.replace('  withdrawn:\n    final: true\n', '  withdrawn:\n'))), /state "withdrawn" is not final but no action leaves it/);

  // A folder is checked as a whole: one bad file refuses them all, and says which.
  write('standard.yaml', standard);
  write('broken.yaml', 'id: broken\nversion: 1\n');
  assert.throws(() => readDefinitions(dir), (e: unknown) => e instanceof DataFileError && /broken\.yaml:\d+: \(top\): missing/.test(e.message));
});
