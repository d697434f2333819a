import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import type { Locale } from '../platform/index.js';
import { tashkentDate } from './dates.js';
import { renderDocumentPdf, type PdfContent } from './pdf.js';
import { extractPdfText } from './pdf-text.js';

const ID = '0b9d4a3e-6f0c-4e8a-9a43-2f1d5c7b8e10';
const AT = new Date('2026-03-14T20:30:00Z'); // already 15 March in Tashkent

/** A result document in each language, with the letters peculiar to it. */
const SAMPLES: Record<Locale, { agency: string; title: string; rows: [string, string][]; officer: string; expect: string[] }> = {
  uz: {
    agency: 'Davlat xizmatlari agentligi', title: 'Yashash joyi boʻyicha roʻyxatdan oʻtganlik toʻgʻrisida maʼlumotnoma',
    rows: [['Kimga berilgan', 'Aliyev Aziz Anvarovich'], ['Manzil', 'Toshkent shahri, Yunusobod tumani, Amir Temur koʻchasi, 108-uy']], officer: 'Gʻulomova Gulnora',
    expect: ['Oʻzbekiston Respublikasi'.toUpperCase(), 'roʻyxatdan oʻtganlik toʻgʻrisida', 'Amir Temur koʻchasi', 'Qaror: ijobiy hal qilindi', 'Elektron imzo bilan imzolagan: Gʻulomova Gulnora', 'Berilgan sana: 15.03.2026'],
  },
  oz: {
    agency: 'Давлат хизматлари агентлиги', title: 'Яшаш жойи бўйича рўйхатдан ўтганлик тўғрисида маълумотнома',
    rows: [['Кимга берилган', 'Алиев Азиз Анварович'], ['Манзил', 'Тошкент шаҳри, Юнусобод тумани, Амир Темур кўчаси, 108-уй']], officer: 'Ғуломова Гулнора',
    expect: ['ЎЗБЕКИСТОН РЕСПУБЛИКАСИ', 'рўйхатдан ўтганлик тўғрисида', 'Тошкент шаҳри', 'Қарор: ижобий ҳал қилинди', 'Ғуломова Гулнора'],
  },
  kaa: {
    agency: 'Mámleketlik xızmetler agentligi', title: 'Jasaw ornı boyınsha dizimge alınǵanlıǵı haqqında maǵlıwmatnama',
    rows: [['Kimge berilgen', 'Ǵulamov Ańsat'], ['Mánzil', 'Nókis qalası, Ámiwdárya kóshesi, 12-úy']], officer: 'Ǵulamova Gúlnara',
    expect: ['ÓZBEKSTAN RESPUBLIKASI', 'alınǵanlıǵı haqqında maǵlıwmatnama', 'Nókis qalası, Ámiwdárya kóshesi, 12-úy', 'Sheshim: unamlı sheshildi', 'Ǵulamova Gúlnara'],
  },
  ru: {
    agency: 'Агентство государственных услуг', title: 'Справка о регистрации по месту жительства',
    rows: [['Кому выдан', 'Алиев Азиз Анварович'], ['Адрес', 'г. Ташкент, Юнусабадский район, ул. Амира Темура, 108']], officer: 'Гуломова Гульнора',
    expect: ['РЕСПУБЛИКА УЗБЕКИСТАН', 'Справка о регистрации по месту жительства', 'Юнусабадский район', 'Решение: удовлетворено', 'Подписано электронной подписью: Гуломова Гульнора', 'Дата выдачи: 15.03.2026'],
  },
  en: {
    agency: 'Public Services Agency', title: 'Certificate of residence registration',
    rows: [['Issued to', 'Aliyev Aziz Anvarovich'], ['Address', 'Tashkent city, Yunusobod district, Amir Temur street, 108']], officer: 'Gulnora Gʻulomova',
    expect: ['REPUBLIC OF UZBEKISTAN', 'Certificate of residence registration', 'Amir Temur street', 'Decision: approved', 'Signed electronically by Gulnora Gʻulomova, Public Services Agency', 'Date of issue: 15.03.2026'],
  },
};

const content = (l: Locale, extra: Partial<PdfContent> = {}): PdfContent => ({
  id: ID, locale: l, agencyName: SAMPLES[l].agency, title: SAMPLES[l].title, number: '2026-000123', issuedAt: AT,
  rows: SAMPLES[l].rows, decision: 'approved', signedBy: SAMPLES[l].officer, verifyUrl: `https://darcha.example.uz/verify/${ID}`, ...extra,
});

const flat = (pages: string[]) => pages.join('\n').replace(/\s+/g, ' ');

for (const l of Object.keys(SAMPLES) as Locale[]) {
  test(`the document renders in ${l}: A4, fonts embedded, every letter with its glyph, the text readable back`, async () => {
    const bytes = await renderDocumentPdf(content(l));
    assert.equal(Buffer.from(bytes.subarray(0, 5)).toString('latin1'), '%PDF-');
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    assert.equal(doc.getPageCount(), 1);
    const { width, height } = doc.getPage(0).getSize();
    assert.deepEqual([Math.round(width), Math.round(height)], [595, 842], 'A4 in points');
    assert.equal(doc.getTitle(), SAMPLES[l].title);
    assert.equal(doc.getAuthor(), SAMPLES[l].agency);
    assert.deepEqual(doc.getCreationDate(), AT);

    const text = await extractPdfText(bytes);
    assert.equal(text.missingGlyphs, 0, 'no letter without a glyph');
    assert.ok(text.fonts.length >= 2 && text.fonts.every((f) => f.embedded && /^DejaVuSans/.test(f.name)), JSON.stringify(text.fonts));
    const all = flat(text.pages);
    for (const expected of [...SAMPLES[l].expect, SAMPLES[l].agency, '2026-000123', ID]) assert.ok(all.includes(expected), `${l}: "${expected}" in\n${all}`);
    assert.ok(all.includes(`https://darcha.example.uz/verify/${ID}`), 'the check address is printed');
    assert.ok(bytes.length < 120_000, `subset fonts keep it small (${bytes.length} bytes)`);
  });
}

test('a refusal says so, and a long document flows onto more pages with the signature on the last', async () => {
  const refused = flat((await extractPdfText(await renderDocumentPdf(content('en', { decision: 'rejected' })))).pages);
  assert.ok(refused.includes('Decision: refused'));

  const rows = Array.from({ length: 60 }, (_, i) => [`Line ${i + 1}`, `Value ${i + 1} `.repeat(12).trim()] as [string, string]);
  const bytes = await renderDocumentPdf(content('en', { rows, title: 'A very long title '.repeat(8).trim() }));
  const text = await extractPdfText(bytes);
  assert.ok(text.pages.length >= 3, `${text.pages.length} pages`);
  assert.equal(text.missingGlyphs, 0);
  for (let i = 1; i <= 60; i++) assert.ok(flat(text.pages).includes(`Line ${i} `), `line ${i}`);
  assert.ok(text.pages.at(-1)!.includes('Signed electronically by'), 'the signature block closes the last page');
  assert.ok(!text.pages[0]!.includes('Signed electronically by'));
  text.pages.forEach((page, i) => assert.ok(page.includes(`Page ${i + 1} of ${text.pages.length}`)));
});

test('an unbreakable value is cut to fit, and control characters do not reach the page', async () => {
  const long = 'X'.repeat(400);
  const text = await extractPdfText(await renderDocumentPdf(content('en', { rows: [['Code', long], ['Note', 'one\ttwo\u0007three\nfour']] })));
  const all = text.pages.join('\n');
  assert.equal(all.replace(/[^X]/g, '').length, 400, 'every X is printed');
  assert.ok(all.split('\n').every((line) => line.length < 120), 'no line runs off the page');
  assert.ok(all.includes('one twothree') && all.includes('four'));
  assert.equal(text.missingGlyphs, 0);
});

test('dates are printed as the day in Tashkent', () => {
  assert.equal(tashkentDate(new Date('2026-03-14T18:59:59Z')), '14.03.2026');
  assert.equal(tashkentDate(new Date('2026-03-14T19:00:00Z')), '15.03.2026');
});
