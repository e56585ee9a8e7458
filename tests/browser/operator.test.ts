/**
 * The operator's side of the console in headless Chromium, against the local
 * runtime with its demo data: approve a provider waiting for onboarding
 * (reading its certifications, an expired one marked); import a small tier
 * register and watch it finish with one row refused; read why a need waits;
 * suspend and reinstate an SME; create a voucher programme and issue a
 * voucher from it; open the KPI dashboard and see its charts drawn. Every
 * page: no console errors, no serious or critical axe-core finding, nothing
 * wider than a 390 px phone, screenshots in zh and en at both widths.
 */
import { describe, expect, it } from 'vitest';
import { makeUscc } from '#domain/uscc.ts';
import { zh } from '#web/src/i18n/zh.ts';
import { captureEverywhere, PHONE, type WatchedPage } from './support/browser.ts';
import { useConsoleSuite } from './support/suite.ts';

const suite = useConsoleSuite();
const { expectCleanPages, ownerOf } = suite;

const OPERATOR = 'demo-operator';
const PROVIDER = 'demo-provider-sn-certification';
const SME_NINGBO = 'demo-sme-zj-specialized';
const SME_XIAN = 'demo-sme-sn-small';

const dayInDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Signs in as the demo operator and opens one of the operator's pages from the navigation. */
async function openAsOperator(navLabel: string, path: string): Promise<WatchedPage> {
  const current = await suite.open();
  const { page } = current;
  await page.goto(suite.stack.url + '/');
  await page.waitForURL('**/sign-in');
  await page.getByRole('button', { name: '平台运营人员' }).first().click();
  await page.waitForURL('**/operator/review');
  await page.getByRole('navigation').getByRole('link', { name: navLabel, exact: true }).click();
  await page.waitForURL(`**${path}`);
  return current;
}

describe("the operator's console in a browser", () => {
  it('approves a provider from the onboarding queue, its expired certification marked', async () => {
    // Arranged: a provider registers (PENDING), with one certification valid and one expired.
    const name = '陕西秦创检测认证有限公司 Shaanxi Qinchuang Testing';
    const created = await suite.stack.api<{ id: string; status: string }>(PROVIDER, 'POST', '/v1/providers', {
      name,
      kind: 'CERTIFICATION_BODY',
      regions: ['CN-SN', 'CN-GS'],
      languages: ['zh-CN'],
      uscc: makeUscc('CN-SN', 7301),
      certifications: [
        { type: 'ISO_CERTIFICATION_BODY', number: 'CNCA-R-2021-777', issuer: '国家认监委 CNCA', validUntil: dayInDays(400) },
        { type: 'CMA', number: '210012349876', validUntil: '2024-03-31' },
      ],
    });
    expect(created.status).toBe('PENDING');

    const { page, errors } = await openAsOperator('机构入驻审核', '/operator/onboarding');
    await page.getByRole('heading', { name: '服务机构入驻审核', level: 1 }).waitFor();
    const card = page.locator(`main article[aria-labelledby="provider-${created.id}"]`);
    await card.getByRole('heading', { name }).waitFor();
    await card.getByText(makeUscc('CN-SN', 7301), { exact: true }).waitFor();
    await card.getByText('陕西、甘肃').waitFor();
    const certs = card.locator('li');
    await certs.nth(1).waitFor();
    expect(await certs.count()).toBe(2);
    expect(await certs.filter({ hasText: 'CMA' }).locator('.badge').innerText()).toBe('已过期');
    expect(await certs.filter({ hasText: 'CNCA-R-2021-777' }).locator('.badge').innerText()).toBe('有效');
    expectCleanPages(await captureEverywhere(page, 'operator-onboarding', () => card.waitFor()));

    await card.getByRole('button', { name: '批准入驻' }).click();
    await page.getByRole('status').filter({ hasText: `已批准入驻：${name}` }).waitFor();
    await card.waitFor({ state: 'detached' });
    const after = await suite.stack.api<{ status: string }>(OPERATOR, 'GET', `/v1/providers/${created.id}`);
    expect(after.status).toBe('APPROVED');
    expect(errors).toEqual([]);
  });

  it('imports a small tier register with a live progress bar, finishing with one row refused', async () => {
    const { page, errors } = await openAsOperator('名录导入', '/operator/imports');
    await page.getByRole('heading', { name: '名录导入', level: 1 }).waitFor();
    // The hint names the header row of the chosen register.
    await page.getByText('uscc,name,tier,batch,validUntil', { exact: true }).waitFor();
    await page.getByLabel('名录类型').selectOption('providers');
    await page.getByText('uscc,name,kind,regions,languages,contactName,contactEmail,ownerSub', { exact: true }).waitFor();
    await page.getByLabel('名录类型').selectOption('tiers');

    const csv = [
      'uscc,name,tier,batch,validUntil',
      `${makeUscc('CN-SC', 8101)},成都测试精密有限公司,SPECIALIZED,2026 第一批,${dayInDays(700)}`,
      `${makeUscc('CN-CQ', 8102)},重庆测试科技有限公司,INNOVATIVE,2026 第一批,${dayInDays(700)}`,
      `${makeUscc('CN-GZ', 8103)},贵州测试材料有限公司,GIANT,2026 第一批,${dayInDays(700)}`,
    ].join('\n');
    await page.getByLabel('CSV 文件').setInputFiles({ name: 'tiers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv + '\n', 'utf8') });
    const started = page.waitForResponse((r) => r.url().endsWith('/v1/registers/tiers') && r.request().method() === 'POST');
    await page.getByRole('button', { name: '开始导入' }).click();
    const { importId } = (await (await started).json()) as { importId: string };

    const progress = page.locator('main section[aria-labelledby="import-progress-title"]');
    await progress.getByRole('status').filter({ hasText: '导入完成。' }).waitFor();
    await progress.getByText('已处理 3 / 3 行').waitFor();
    expect(await progress.locator('progress').getAttribute('value')).toBe('3');
    expect(await progress.locator('progress').getAttribute('max')).toBe('3');
    const errorsTable = progress.getByRole('table');
    await errorsTable.getByText('有误的行及原因').waitFor();
    const errorRows = errorsTable.locator('tbody tr');
    expect(await errorRows.count()).toBe(1);
    expect(await errorRows.first().locator('th').innerText()).toBe('4');
    expect(await errorRows.first().locator('td').first().innerText()).toBe('tier');
    // The server words the row's error in the console's language, again after a switch.
    const problem = errorRows.first().locator('td').nth(1);
    const PROBLEM = { zh: '不是已知的取值：您是否想输入 "LITTLE_GIANT"？', en: 'is not a known value: did you mean "LITTLE_GIANT"?' };
    const problemWorded = async () => {
      const lang = (await page.locator('html').getAttribute('lang')) === 'en-GB' ? 'en' : 'zh';
      await expect.poll(() => problem.innerText(), { timeout: 10_000 }).toBe(PROBLEM[lang]);
    };
    await problemWorded();
    await page.getByRole('button', { name: 'English', exact: true }).click();
    await page.locator('html[lang="en-GB"]').waitFor({ state: 'attached' });
    await problemWorded();
    await page.getByRole('button', { name: '中文', exact: true }).click();
    await page.locator('html[lang="zh-CN"]').waitFor({ state: 'attached' });
    await problemWorded();
    expectCleanPages(await captureEverywhere(page, 'operator-imports', problemWorded));
    // On a phone the refusal's wording wraps beside its row and field instead of scrolling off to the side.
    await page.setViewportSize(PHONE);
    const tableBox = progress.getByRole('region', { name: '有误的行及原因' });
    expect(await tableBox.evaluate((box) => box.scrollWidth - box.clientWidth)).toBe(0);
    expect(await errorRows.first().locator('td').nth(1).isVisible()).toBe(true);

    const imp = await suite.stack.api<{ status: string; total: number; accepted: number; rejected: number }>(OPERATOR, 'GET', `/v1/imports/${importId}`);
    expect(imp).toMatchObject({ status: 'DONE', total: 3, accepted: 2, rejected: 1 });
    expect(errors).toEqual([]);
  });

  it("shows a waiting need's reasons in words, filtered by market", async () => {
    // Arranged (read): a waiting need of the demo with the reasons its last round found.
    const waiting = await suite.stack.api<{ items: Array<{ id: string; serviceType: string; waiting?: { reasons: Array<{ code: string; count?: number }> } }> }>(
      OPERATOR,
      'GET',
      '/v1/needs?status=WAITING&limit=100',
    );
    const need = waiting.items.find((n) => (n.waiting?.reasons.length ?? 0) > 0);
    expect(need).toBeDefined();
    const reason = need!.waiting!.reasons[0]!;

    const { page, errors } = await openAsOperator('等待中的需求', '/operator/waiting');
    await page.getByRole('heading', { name: '等待中的需求', level: 1 }).waitFor();
    await page.getByLabel('服务类型').selectOption(need!.serviceType);
    const card = page.locator(`main article[aria-labelledby="need-${need!.id}"]`);
    const words = zh[`waiting.reason.${reason.code}` as keyof typeof zh];
    const line = card.locator('li').filter({ hasText: words });
    await line.waitFor();
    if (reason.count !== undefined) await line.getByText(`涉及 ${reason.count} 项服务`).waitFor();
    // Every listed need is of the chosen market.
    const headings = await page.locator('main article h2').allInnerTexts();
    expect(headings.length).toBeGreaterThan(0);
    const typeName = (await card.locator('h2').innerText()).split(' · ')[0]!;
    for (const h of headings) expect(h.startsWith(typeName)).toBe(true);
    await page.getByRole('region', { name: /按原因统计/ }).getByRole('rowheader', { name: words }).waitFor();
    expectCleanPages(await captureEverywhere(page, 'operator-waiting', () => card.waitFor()));
    expect(errors).toEqual([]);
  });

  it('suspends an SME with a reason, lists it as suspended, and reinstates it', async () => {
    const sme = ownerOf(SME_XIAN);
    const smeId = sme.ids[0]!;
    const { page, errors } = await openAsOperator('暂停与恢复', '/operator/suspensions');
    await page.getByRole('heading', { name: '暂停与恢复', level: 1 }).waitFor();
    await page.getByText('当前没有被暂停的企业或机构。').waitFor();
    await page.getByLabel('名称或统一社会信用代码').fill('秦川汽配');
    const found = page.locator(`main article[aria-labelledby="found-${smeId}"]`);
    await found.getByRole('button', { name: '暂停' }).click();
    await found.getByLabel('暂停原因').fill('营业执照状态待核实');
    await found.getByRole('button', { name: '确认暂停' }).click();
    await page.getByRole('status').filter({ hasText: `已暂停：${sme.name}` }).waitFor();

    const held = page.locator(`main article[aria-labelledby="held-${smeId}"]`);
    await held.getByText('营业执照状态待核实').waitFor();
    await page.getByRole('heading', { name: '已暂停（1）' }).waitFor();
    const suspended = await suite.stack.api<{ suspended: boolean; suspension: { reason: string } | null }>(OPERATOR, 'GET', `/v1/smes/${smeId}`);
    expect(suspended).toMatchObject({ suspended: true, suspension: { reason: '营业执照状态待核实' } });
    expectCleanPages(await captureEverywhere(page, 'operator-suspensions', () => held.waitFor()));

    await held.getByRole('button', { name: '恢复' }).click();
    await page.getByRole('status').filter({ hasText: `已恢复：${sme.name}` }).waitFor();
    await held.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: '已暂停（0）' }).waitFor();
    const reinstated = await suite.stack.api<{ suspended: boolean }>(OPERATOR, 'GET', `/v1/smes/${smeId}`);
    expect(reinstated.suspended).toBe(false);
    expect(errors).toEqual([]);
  });

  it('creates a voucher programme and issues a voucher to an eligible SME, the ledger following', async () => {
    const smeId = ownerOf(SME_NINGBO).ids[0]!;
    const { page, errors } = await openAsOperator('服务券', '/operator/vouchers');
    await page.getByRole('heading', { name: '服务券', level: 1 }).waitFor();
    // The demo's programme and its ledger: one voucher of 20 000 redeemed.
    const demo = page.locator('main article').filter({ hasText: '川渝黔中小企业节能服务券' });
    await demo.locator('.ledger-figures div').filter({ hasText: '已兑付' }).getByText('20,000 元').waitFor();

    const name = '2026年浙江省中小企业上云服务券';
    await page.getByLabel('项目名称').fill(name);
    await page.getByLabel('预算（元）').fill('10000');
    await page.getByLabel('每张面值（元）').fill('5000');
    await page.getByLabel('有效期至').fill(dayInDays(365));
    await page.getByLabel('适用服务类型').selectOption(['cloud-migration']);
    await page.getByLabel('适用地区（不选即全国）').selectOption(['CN-ZJ', 'CN-JS']);
    await page.getByLabel('企业类别（不选即不限）').selectOption(['SPECIALIZED', 'LITTLE_GIANT']);
    await page.getByRole('button', { name: '创建项目' }).click();
    await page.getByRole('status').filter({ hasText: `已创建服务券项目：${name}` }).waitFor();

    const card = page.locator('main article').filter({ has: page.getByRole('heading', { name, exact: true }) });
    await card.getByText('江苏、浙江').waitFor();
    // Offered: the SMEs its provinces and verified tiers cover (Ningbo's specialised firm), not the others.
    const choices = await card.getByLabel('发放给').locator('option').allInnerTexts();
    expect(choices.some((c) => c.startsWith('宁波精工机械'))).toBe(true);
    expect(choices.some((c) => c.startsWith('西安秦川汽配'))).toBe(false);
    await card.getByLabel('发放给').selectOption(smeId);
    await card.getByRole('button', { name: '发放服务券' }).click();
    await page.getByRole('status').filter({ hasText: `“${name}”服务券` }).waitFor();
    await card.locator('.ledger-figures div').filter({ hasText: '已发放' }).getByText('5,000 元').waitFor();
    await card.locator('.ledger-figures div').filter({ hasText: '可发放' }).getByText('5,000 元').waitFor();
    expectCleanPages(await captureEverywhere(page, 'operator-vouchers', () => card.waitFor()));

    const programmes = await suite.stack.api<{ items: Array<{ name: string; allocated: number; available: number }> }>(OPERATOR, 'GET', '/v1/voucher-programmes');
    expect(programmes.items.find((p) => p.name === name)).toMatchObject({ allocated: 5000, available: 5000 });
    const vouchers = await suite.stack.api<{ items: Array<{ faceValue: number; status: string }> }>(OPERATOR, 'GET', `/v1/smes/${smeId}/vouchers`);
    expect(vouchers.items).toContainEqual(expect.objectContaining({ faceValue: 5000, status: 'ISSUED' }));
    expect(errors).toEqual([]);
  });

  it('opens the KPI dashboard with its charts drawn and their figures as tables', async () => {
    const kpis = await suite.stack.api<{ smesServed: number; centralWesternShare: number | null }>(OPERATOR, 'GET', '/v1/analytics/kpis');
    // The demo completes one voucher-paid energy audit in Sichuan this month.
    expect(kpis.smesServed).toBeGreaterThan(0);

    const { page, errors } = await openAsOperator('规划指标', '/operator/kpis');
    await page.getByRole('heading', { name: '规划指标', level: 1 }).waitFor();
    const charts = page.locator('main .ct-chart[role="img"]');
    await charts.nth(2).waitFor();
    expect(await charts.count()).toBe(3);
    await page.getByRole('region', { name: '各省服务企业数明细' }).getByRole('rowheader', { name: '四川' }).waitFor();
    await page.getByRole('region', { name: '各服务类型需求与容量明细' }).getByRole('rowheader', { name: '上云' }).waitFor();
    await page.getByRole('region', { name: '占比指标明细' }).getByRole('rowheader', { name: '公益服务占比' }).waitFor();
    await page.getByText(`本月共服务 ${kpis.smesServed} 家企业`).waitFor();
    const sharesLabel = await charts.last().getAttribute('aria-label');
    expect(sharesLabel).toMatch(/^占比指标柱状图：中西部企业占比 /);
    // Drawn (Chartist loads as its own chunk, then draws SVG): a bar for each row of the chart's table and each series —
    // demand and capacity by service type, SMEs served by province, one bar per share.
    const rowsOf = (name: string) => page.getByRole('region', { name }).locator('tbody tr').count();
    const expected = [2 * (await rowsOf('各服务类型需求与容量明细')), await rowsOf('各省服务企业数明细'), await rowsOf('占比指标明细')];
    expect(expected.every((n) => n > 0)).toBe(true);
    await expect.poll(() => Promise.all([0, 1, 2].map((i) => charts.nth(i).locator('svg .ct-bar').count())), { timeout: 15_000 }).toEqual(expected);
    // And to scale: every province listed served at least one SME, so each of its bars has a length.
    const provinceBars = await charts.nth(1).locator('svg .ct-bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('x2')) - Number(b.getAttribute('x1'))));
    expect(provinceBars.every((len) => len > 0)).toBe(true);
    expectCleanPages(await captureEverywhere(page, 'operator-kpis', () => charts.first().locator('svg .ct-bar').first().waitFor({ state: 'attached' })));
    expect(errors).toEqual([]);
  });

  it('captured every operator page in both languages at both widths', () => {
    suite.expectCaptured(['operator-onboarding', 'operator-imports', 'operator-waiting', 'operator-suspensions', 'operator-vouchers', 'operator-kpis']);
  });
});
