/**
 * The SME's and the provider's side of the console in headless Chromium,
 * against the local runtime with its demo data: a match accepted by both,
 * delivered by the provider, confirmed and rated by the SME (and another
 * disputed); a new SME's profile (a refused USCC first) and a new provider's
 * (then pending approval, and its first offering: a refused one first); an
 * SME owner's contact edited; an SME's vouchers, paying a need with one; a
 * provider's settlements and their CSV. Every page: no console errors, no
 * serious or critical axe-core finding, nothing wider than a 390 px phone,
 * screenshots in zh and en at desktop and phone width.
 */
import { promises as fs } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeUscc } from '#domain/uscc.ts';
import { captureEverywhere, type WatchedPage } from './support/browser.ts';
import { useConsoleSuite } from './support/suite.ts';

const suite = useConsoleSuite();
const { expectCleanPages, ownerOf } = suite;

const OPERATOR = 'demo-operator';
/** The demo SME whose voucher paid for an energy audit, and the provider it paid (local/demo.ts seedVouchers). */
const VOUCHER_SME = 'demo-sme-sc-micro';
const VOUCHER_PROVIDER = 'demo-provider-sc-green-audit';

interface MatchLite {
  id: string;
  smeId: string;
  providerId: string;
  status: string;
  feedback?: { rating: number; comment?: string };
}

const owners = () => suite.stack.runtime.demo?.owners ?? [];
/** The demo person who owns a profile (its id is the first they created). */
const ownerOfProfile = (id: string) => owners().find((o) => o.ids[0] === id);

async function open(): Promise<WatchedPage> {
  const current = await suite.open();
  await current.page.goto(suite.stack.url + '/');
  await current.page.waitForURL('**/sign-in');
  return current;
}

/** Signs in as a demo person by clicking their name on the sign-in page. */
async function signIn(sub: string): Promise<WatchedPage> {
  const w = await open();
  await w.page.getByRole('button', { name: ownerOf(sub).name }).first().click();
  await w.page.getByRole('navigation').waitFor();
  return w;
}

/** Signs in as a new person of the role (no profile yet), as a newcomer to the local runtime would. */
async function signInAsNew(role: '中小企业' | '服务机构'): Promise<WatchedPage> {
  const w = await open();
  await w.page.getByRole('button', { name: `以新的${role}身份登录` }).click();
  await w.page.getByRole('navigation').waitFor();
  return w;
}

const matchCard = (page: Page, id: string) => page.locator(`main article[aria-labelledby="m-${id}"]`);
const getMatch = (id: string) => suite.stack.api<MatchLite>(OPERATOR, 'GET', `/v1/matches/${id}`);

describe('the SME and provider console in a browser', () => {
  it('takes a match through acceptance by both, delivery, confirmation and feedback, shows contacts once confirmed, and lets an SME dispute a delivery', async () => {
    // Two proposals between demo people, approved by an operator (arranged through the API).
    const queue = await suite.stack.api<{ items: MatchLite[] }>(OPERATOR, 'GET', '/v1/matches?status=PROPOSED&limit=100');
    const pairs = queue.items.filter((m) => ownerOfProfile(m.smeId) && ownerOfProfile(m.providerId));
    expect(pairs.length).toBeGreaterThanOrEqual(2);
    const [a, b] = pairs as [MatchLite, MatchLite];
    for (const m of [a, b]) await suite.stack.api(OPERATOR, 'POST', `/v1/matches/${m.id}/approve`);
    const sme = ownerOfProfile(a.smeId)!;
    const provider = ownerOfProfile(a.providerId)!;
    await suite.stack.api(sme.sub, 'PATCH', `/v1/smes/${a.smeId}`, { contact: { name: '王经理', phone: '13812345678' } });
    await suite.stack.api(provider.sub, 'PATCH', `/v1/providers/${a.providerId}`, { contact: { name: '李工', email: 'li@example.cn' } });
    await suite.stack.runtime.bus.idle();

    // The provider accepts in the console; no contact of the SME yet (not confirmed).
    let { page, errors } = await signIn(provider.sub);
    await page.getByRole('link', { name: '匹配结果' }).click();
    await page.waitForURL('**/provider/matches');
    await matchCard(page, a.id).getByRole('button', { name: '接受' }).click();
    await page.getByRole('status').filter({ hasText: '已接受该匹配。' }).waitFor();
    expect(await matchCard(page, a.id).getByText('王经理').count()).toBe(0);
    expect(errors).toEqual([]);

    // The SME accepts: confirmed, and the provider's contact appears.
    ({ page, errors } = await signIn(sme.sub));
    await page.getByRole('link', { name: '匹配结果' }).click();
    await page.waitForURL('**/sme/matches');
    await matchCard(page, a.id).getByRole('button', { name: '接受' }).click();
    await page.getByRole('status').filter({ hasText: '已接受该匹配。' }).waitFor();
    await matchCard(page, a.id).getByText('双方已确认').waitFor();
    await matchCard(page, a.id).getByRole('link', { name: 'li@example.cn' }).waitFor();
    expect((await getMatch(a.id)).status).toBe('CONFIRMED');
    expect(errors).toEqual([]);

    // The provider sees the SME's contact and marks the match delivered.
    ({ page, errors } = await signIn(provider.sub));
    await page.getByRole('link', { name: '匹配结果' }).click();
    const card = matchCard(page, a.id);
    await card.getByRole('link', { name: '13812345678' }).waitFor();
    expectCleanPages(await captureEverywhere(page, 'provider-deliver', () => card.locator('.actions button').waitFor()));
    await card.getByRole('button', { name: '标记为已交付' }).click();
    await page.getByRole('status').filter({ hasText: '已标记为交付，等待企业确认。' }).waitFor();
    await card.getByText('已交付，待企业确认').waitFor();
    expect((await getMatch(a.id)).status).toBe('DELIVERED');
    expect(errors).toEqual([]);

    // The second match, arranged to DELIVERED through the API, for the dispute.
    const bSme = ownerOfProfile(b.smeId)!;
    const bProvider = ownerOfProfile(b.providerId)!;
    await suite.stack.api(bSme.sub, 'POST', `/v1/matches/${b.id}/accept`);
    await suite.stack.api(bProvider.sub, 'POST', `/v1/matches/${b.id}/accept`);
    await suite.stack.api(bProvider.sub, 'POST', `/v1/matches/${b.id}/deliver`);

    // The SME confirms the delivery, then rates it.
    ({ page, errors } = await signIn(sme.sub));
    await page.getByRole('link', { name: '匹配结果' }).click();
    const smeCard = matchCard(page, a.id);
    await smeCard.getByRole('button', { name: '确认交付' }).waitFor();
    expectCleanPages(await captureEverywhere(page, 'sme-confirm-delivery', () => smeCard.locator('.actions .button-primary').waitFor()));
    await smeCard.getByRole('button', { name: '确认交付' }).click();
    await page.getByRole('status').filter({ hasText: '已确认交付，服务完成。' }).waitFor();
    await smeCard.getByRole('group', { name: '评分' }).waitFor();
    expect((await getMatch(a.id)).status).toBe('COMPLETED');
    expectCleanPages(await captureEverywhere(page, 'sme-feedback', () => smeCard.locator('fieldset').waitFor()));
    await smeCard.getByLabel('4 星').check();
    await smeCard.getByLabel('评价内容（选填）').fill('交付及时，报告清楚。');
    await smeCard.getByRole('button', { name: '提交评价' }).click();
    await page.getByRole('status').filter({ hasText: '感谢您的评价。' }).waitFor();
    await smeCard.getByText('4 星 · 交付及时，报告清楚。').waitFor();
    expect((await getMatch(a.id)).feedback).toMatchObject({ rating: 4, comment: '交付及时，报告清楚。' });
    expect(errors).toEqual([]);

    // Another SME (or the same) disputes the second delivery, with a reason.
    if (bSme.sub !== sme.sub) ({ page, errors } = await signIn(bSme.sub));
    await page.getByRole('link', { name: '匹配结果' }).click();
    const bCard = matchCard(page, b.id);
    await bCard.getByRole('button', { name: '提出异议' }).click();
    await bCard.getByLabel('异议原因').fill('报告缺少节能改造建议');
    await bCard.getByRole('button', { name: '提交异议' }).click();
    await page.getByRole('status').filter({ hasText: '已提交异议，平台将进行处理。' }).waitFor();
    await bCard.getByText('有异议，待平台处理').waitFor();
    await bCard.getByText('报告缺少节能改造建议').waitFor();
    expect((await getMatch(b.id)).status).toBe('DISPUTED');
    expect(errors).toEqual([]);
  });

  it('lets a new person create an SME profile, showing the server’s word on a bad USCC next to the field and the tier as declared', async () => {
    const { page, errors } = await signInAsNew('中小企业');
    await page.waitForURL('**/sme/profile');
    const form = page.locator('form[aria-labelledby="sme-new"]');
    await form.waitFor();
    expectCleanPages(await captureEverywhere(page, 'sme-create', () => form.waitFor()));

    const uscc = makeUscc('CN-SC', 4_321_987);
    const wrongCheck = uscc.slice(0, 17) + (uscc[17] === '0' ? '1' : '0');
    const usccField = page.getByLabel('统一社会信用代码');
    await page.getByLabel('名称').fill('成都新创科技 Chengdu Xinchuang Tech');
    await page.getByLabel('所在省份').selectOption('CN-SC');
    await page.getByLabel('城市（选填）').fill('成都');
    await page.getByLabel('行业').fill('软件开发');
    await page.getByLabel('申报类别').selectOption('SPECIALIZED');
    await page.getByLabel('联系人姓名').fill('张三');

    // Not even the shape: refused here, nothing sent.
    await usccField.fill('91510000-123');
    await page.getByRole('button', { name: '创建企业档案' }).click();
    await page.getByText('格式不正确：应为 18 位数字或大写字母').waitFor();
    expect(await usccField.getAttribute('aria-invalid')).toBe('true');
    // The right shape, a wrong check character: the server says which rule failed, next to the field, in the console's language.
    await usccField.fill(wrongCheck);
    await page.getByRole('button', { name: '创建企业档案' }).click();
    const problem = page.locator('#sme-uscc-error');
    await problem.getByText(`校验码（第 18 位）应为 "${uscc[17]}"，实际为 "${wrongCheck[17]}"`).waitFor();
    expect(await problem.innerText()).toMatch(/^填写的内容有误/);
    expect((await suite.stack.api<{ items: unknown[] }>(OPERATOR, 'GET', '/v1/smes?limit=100')).items.some((s) => (s as { uscc?: string }).uscc === wrongCheck)).toBe(false);
    expect(errors.splice(0).filter((e) => !/status of 400/.test(e))).toEqual([]);

    await usccField.fill(uscc.toLowerCase());
    await page.getByRole('button', { name: '创建企业档案' }).click();
    const card = page.locator('main article').filter({ hasText: '成都新创科技' });
    await card.getByText(uscc, { exact: true }).waitFor();
    await card.getByText('专精特新中小企业 · 企业申报，未经核实').waitFor();
    await card.getByText('尚未核实，匹配时按一般企业计').waitFor();
    expectCleanPages(await captureEverywhere(page, 'sme-profile-new', () => card.waitFor()));
    expect(errors).toEqual([]);
  });

  it('lets a new person create a provider profile with typed certifications, shows it pending approval, and lets it publish a first offering (a bad one refused at its fields first), then lists it with its capacity gauge', async () => {
    const { page, errors } = await signInAsNew('服务机构');
    await page.waitForURL('**/provider/offerings');
    await page.getByRole('link', { name: '创建机构档案' }).click();
    await page.waitForURL('**/provider/profile');
    const form = page.locator('form[aria-labelledby="provider-new"]');
    await form.getByLabel('机构类型').locator('option[value="CERTIFICATION_BODY"]').waitFor({ state: 'attached' });

    await form.getByLabel('名称').fill('甘肃质检服务 Gansu Testing Services');
    await form.getByLabel('统一社会信用代码（选填）').fill(makeUscc('CN-GS', 7_654_321));
    await form.getByLabel('机构类型').selectOption('CERTIFICATION_BODY');
    await form.getByRole('group', { name: '服务地区' }).getByLabel('甘肃').check();
    await form.getByRole('group', { name: '服务地区' }).getByLabel('宁夏').check();
    await form.getByRole('button', { name: '添加资质' }).click();
    const cert = form.getByRole('group', { name: '资质 1' });
    await cert.getByLabel('资质类型').selectOption('CNAS');
    await cert.getByLabel('证书编号').fill('CNAS L12345');
    await cert.getByLabel('发证机关（选填）').fill('CNAS');
    await cert.getByLabel('有效期至').fill('2031-06-30');
    expectCleanPages(await captureEverywhere(page, 'provider-create', () => form.locator('.cert').waitFor()));
    await form.getByRole('button', { name: '提交审核' }).click();

    const card = page.locator('main article').filter({ hasText: '甘肃质检服务' });
    await card.getByText('待平台审核', { exact: true }).waitFor();
    await card.getByText('机构档案已提交，正在等待平台审核。').waitFor();
    await card.getByText('CNAS 认可 · CNAS L12345').waitFor();
    await card.getByText('有效', { exact: true }).waitFor();
    expectCleanPages(await captureEverywhere(page, 'provider-profile-pending', () => card.waitFor()));
    const pending = await suite.stack.api<{ items: Array<{ name: string; status: string; certifications: unknown[] }> }>(OPERATOR, 'GET', '/v1/providers?status=PENDING&limit=100');
    const created = pending.items.find((p) => p.name.startsWith('甘肃质检服务'));
    expect(created).toMatchObject({
      status: 'PENDING',
      certifications: [{ type: 'CNAS', number: 'CNAS L12345', issuer: 'CNAS', validUntil: '2031-06-30' }],
    });
    expect(errors).toEqual([]);

    // Its first offering: the form is open at once on the offerings page (the organisation has none).
    const providerId = (created as unknown as { id: string }).id;
    const listed = () => suite.stack.api<{ items: Array<Record<string, unknown>> }>(OPERATOR, 'GET', `/v1/providers/${providerId}/offerings?limit=100`);
    await page.getByRole('link', { name: '机构与服务' }).click();
    await page.waitForURL('**/provider/offerings');
    const offeringForm = page.locator(`form[aria-labelledby="new-offering-${providerId}"]`);
    await offeringForm.getByLabel('服务类型').locator('option[value="iso9001-certification"]').waitFor({ state: 'attached' });
    await offeringForm.getByLabel('服务类型').selectOption('iso9001-certification');
    await offeringForm.getByLabel('服务名称').fill('出口企业质量管理体系认证 ISO 9001 for exporters');
    const regionsGroup = offeringForm.getByRole('group', { name: '线下服务省份' });
    // The organisation's provinces come ticked; a bad offering: in person nowhere, not remote, and a price range upside down.
    expect(await regionsGroup.getByLabel('甘肃').isChecked()).toBe(true);
    await regionsGroup.getByLabel('甘肃').uncheck();
    await regionsGroup.getByLabel('宁夏').uncheck();
    await offeringForm.getByLabel('每月可服务企业数').fill('12');
    await offeringForm.getByLabel('最低价（元，选填）').fill('5000');
    await offeringForm.getByLabel('最高价（元，选填）').fill('1000');
    await offeringForm.getByRole('button', { name: '发布服务' }).click();
    // The server's word, in the console's language, each next to its field, and nothing written.
    await page.locator(`#new-offering-${providerId}-regions-error`).getByText('非远程服务须至少覆盖一个省份').waitFor();
    await page.locator(`#new-offering-${providerId}-priceMin-error`).getByText('priceMin 不得高于 priceMax').waitFor();
    expect(await offeringForm.getByLabel('最低价（元，选填）').getAttribute('aria-invalid')).toBe('true');
    expect(await regionsGroup.getAttribute('aria-describedby')).toContain(`new-offering-${providerId}-regions-error`);
    expect((await listed()).items).toEqual([]);
    expect(errors.splice(0).filter((e) => !/status of 400/.test(e))).toEqual([]);
    expectCleanPages(await captureEverywhere(page, 'provider-new-offering', () => offeringForm.locator('.field-error').first().waitFor()));

    // Put right: in person in Gansu, also remote, to exporters to Germany, for small firms, a sane price range.
    await regionsGroup.getByLabel('甘肃').check();
    await offeringForm.getByLabel('可远程服务').check();
    await offeringForm.getByRole('group', { name: '跨境服务目标市场（选填）' }).getByLabel('德国').check();
    await offeringForm.getByRole('group', { name: '企业规模' }).getByLabel('小型企业').check();
    await offeringForm.getByLabel('最高价（元，选填）').fill('8000');
    await offeringForm.getByLabel('公益服务（免费或低于成本）').check();
    await offeringForm.getByLabel('准备时间（天）').fill('5');
    await offeringForm.getByRole('button', { name: '发布服务' }).click();
    await page.getByRole('status').filter({ hasText: '服务已发布：出口企业质量管理体系认证 ISO 9001 for exporters' }).waitFor();
    const offering = page.locator('main section.offering').filter({ hasText: '出口企业质量管理体系认证' });
    await offering.locator('meter').waitFor();
    await offering.getByText(/已用 0 \/ 共 12/).waitFor();
    expect(await offering.locator('meter').getAttribute('max')).toBe('12');
    await offering.getByText('公益服务').waitFor();
    expect(await offeringForm.count()).toBe(0);
    expect((await listed()).items).toEqual([
      expect.objectContaining({
        serviceType: 'iso9001-certification',
        title: '出口企业质量管理体系认证 ISO 9001 for exporters',
        regions: ['CN-GS'],
        remote: true,
        markets: ['DE'],
        languages: ['zh-CN'],
        capacityPerMonth: 12,
        priceMin: 5000,
        priceMax: 8000,
        publicWelfare: true,
        eligibility: { sizeClasses: ['SMALL'] },
        leadTimeDays: 5,
        status: 'ACTIVE',
      }),
    ]);
    expectCleanPages(await captureEverywhere(page, 'provider-offering-created', () => offering.locator('meter').waitFor()));
    expect(errors).toEqual([]);
  });

  it('lets an SME owner edit its contact details, the server’s refusal of a bad phone shown at the field', async () => {
    const owner = owners().find((o) => o.role === 'sme' && o.sub !== VOUCHER_SME && o.ids.length > 0)!;
    const smeId = owner.ids[0]!;
    const { page, errors } = await signIn(owner.sub);
    await page.getByRole('link', { name: '企业信息与需求' }).click();
    await page.waitForURL('**/sme/profile');
    const card = page.locator(`main article[aria-labelledby="sme-${smeId}"]`);
    await card.getByRole('button', { name: '编辑资料' }).click();
    const form = card.locator(`form[aria-labelledby="sme-edit-${smeId}"]`);
    await form.getByLabel('联系人姓名').fill('赵会计');
    await form.getByLabel('电话').fill('12345');
    await form.getByLabel('电子邮箱').fill('zhao@example.cn');
    await form.getByRole('button', { name: '保存修改' }).click();
    const phoneError = page.locator(`#sme-edit-${smeId}-contact-phone-error`);
    await phoneError.getByText(/^须为 E\.164 号码/).waitFor();
    expect(await form.getByLabel('电话').getAttribute('aria-invalid')).toBe('true');
    expect((await suite.stack.api<{ contact?: { name: string } }>(OPERATOR, 'GET', `/v1/smes/${smeId}`)).contact?.name).not.toBe('赵会计');
    expect(errors.splice(0).filter((e) => !/status of 400/.test(e))).toEqual([]);
    expectCleanPages(await captureEverywhere(page, 'sme-profile-edit', () => phoneError.waitFor()));

    await form.getByLabel('电话').fill('028-87654321');
    await form.getByRole('button', { name: '保存修改' }).click();
    await page.getByRole('status').filter({ hasText: '已保存：' }).waitFor();
    await card.getByText('赵会计 · 028-87654321 · zhao@example.cn').waitFor();
    expect(await form.count()).toBe(0);
    expect((await suite.stack.api<{ contact?: unknown }>(OPERATOR, 'GET', `/v1/smes/${smeId}`)).contact).toEqual({ name: '赵会计', phone: '028-87654321', email: 'zhao@example.cn' });
    expect(errors).toEqual([]);
  });

  it('shows an SME its vouchers, lets it pay a new need with one, and pages a long list with "load more"', async () => {
    // The demo's voucher of this SME is spent; an operator issues it another one (arranged through the API).
    const smeId = ownerOf(VOUCHER_SME).ids[0]!;
    const programme = await suite.stack.api<{ id: string }>(OPERATOR, 'POST', '/v1/voucher-programmes', {
      name: '成都市中小企业节能诊断券 Chengdu energy diagnosis vouchers',
      serviceTypes: ['energy-audit', 'energy-saving-diagnosis'],
      provinces: ['CN-SC'],
      budget: 50_000,
      faceValue: 8_000,
      validUntil: `${new Date().getUTCFullYear() + 1}-12-31`,
    });
    const voucher = await suite.stack.api<{ id: string; programmeName: string; balance: number; status: string }>(OPERATOR, 'POST', `/v1/voucher-programmes/${programme.id}/vouchers`, { smeId });
    const spent = (await suite.stack.api<{ items: Array<{ id: string; status: string }> }>(VOUCHER_SME, 'GET', `/v1/smes/${smeId}/vouchers`)).items.find((v) => v.id !== voucher.id);
    expect(spent?.status).toBe('REDEEMED');
    const { page, errors } = await signIn(VOUCHER_SME);
    await page.getByRole('link', { name: '服务券' }).click();
    await page.waitForURL('**/sme/vouchers');
    const card = page.locator('main article').filter({ hasText: voucher.programmeName });
    // Amounts in yuan as every page writes them: 8,000 元 (CNY 8,000 in English).
    await card.getByText('8,000 元').first().waitFor();
    await card.getByText('可使用').waitFor();
    await page.locator('main article').filter({ hasText: '已用完' }).waitFor();
    expectCleanPages(await captureEverywhere(page, 'sme-vouchers', () => card.waitFor()));

    await card.getByRole('link', { name: '使用服务券发布需求' }).click();
    await page.waitForURL('**/sme/needs/new');
    await page.getByLabel('服务类型').selectOption('energy-audit');
    const choose = page.getByLabel('使用服务券（选填）');
    await choose.selectOption(voucher.id);
    await page.getByLabel('需求描述').fill('Browser test: a second energy audit, paid by our voucher.');
    await page.getByRole('button', { name: '发布需求' }).click();
    await page.getByRole('status').filter({ hasText: '需求已发布，平台正在为您匹配。' }).waitFor();
    const needs = await suite.stack.api<{ items: Array<{ description: string; voucherId?: string }> }>(VOUCHER_SME, 'GET', `/v1/smes/${smeId}/needs?limit=100`);
    expect(needs.items.find((n) => n.description.startsWith('Browser test: a second energy audit'))?.voucherId).toBe(voucher.id);
    expect(errors).toEqual([]);

    // More vouchers than a page (20): the list pages, and "load more" brings the rest.
    for (let i = 1; i <= 20; i++) {
      const p = await suite.stack.api<{ id: string }>(OPERATOR, 'POST', '/v1/voucher-programmes', {
        name: `成都市小微企业服务券 第${i}批 Chengdu voucher batch ${i}`,
        serviceTypes: ['energy-audit'],
        budget: 1_000,
        faceValue: 100,
        validUntil: `${new Date().getUTCFullYear() + 1}-12-31`,
      });
      await suite.stack.api(OPERATOR, 'POST', `/v1/voucher-programmes/${p.id}/vouchers`, { smeId });
    }
    await page.getByRole('link', { name: '服务券' }).click();
    await page.waitForURL('**/sme/vouchers');
    const shown = page.locator('main ul.cards > li');
    const more = page.getByRole('button', { name: '加载更多服务券' });
    await more.waitFor();
    expect(await shown.count()).toBe(20);
    await more.click();
    await page.locator('main ul.cards > li:nth-child(22)').waitFor();
    expect(await shown.count()).toBe(22);
    expect(await more.count()).toBe(0);
    const ids = await page.locator('main ul.cards article').evaluateAll((els) => els.map((e) => e.getAttribute('aria-labelledby')));
    expect(new Set(ids).size).toBe(22);
    expect(errors).toEqual([]);
  });

  it('shows a provider its profile with dated certifications, lets its owner edit it, and shows the month’s settlements with a CSV download carrying its token', async () => {
    const { page, errors } = await signIn(VOUCHER_PROVIDER);
    const providerId = ownerOf(VOUCHER_PROVIDER).ids[0]!;
    await page.getByRole('link', { name: '机构档案' }).click();
    await page.waitForURL('**/provider/profile');
    const profile = page.locator('main article').first();
    await profile.getByText('已通过审核').waitFor();
    expectCleanPages(await captureEverywhere(page, 'provider-profile', () => profile.waitFor()));

    // The owner edits what is theirs to change: the description and the languages served.
    await profile.getByRole('button', { name: '编辑资料' }).click();
    const edit = profile.locator(`form[aria-labelledby="provider-edit-${providerId}"]`);
    await edit.getByLabel('机构简介').fill('四川省内企业能源审计与节能诊断，出具报告 Energy audits across Sichuan');
    const english = edit.getByRole('group', { name: '服务语言' }).getByLabel('英语');
    const hadEnglish = await english.isChecked();
    await english.setChecked(!hadEnglish);
    await edit.getByRole('button', { name: '保存修改' }).click();
    await page.getByRole('status').filter({ hasText: '已保存：' }).waitFor();
    await profile.getByText('四川省内企业能源审计与节能诊断，出具报告 Energy audits across Sichuan').waitFor();
    const edited = await suite.stack.api<{ description?: string; languages: string[] }>(OPERATOR, 'GET', `/v1/providers/${providerId}`);
    expect(edited.description).toBe('四川省内企业能源审计与节能诊断，出具报告 Energy audits across Sichuan');
    expect(edited.languages.includes('en')).toBe(!hadEnglish);

    const period = new Date().toISOString().slice(0, 7);
    const settlement = await suite.stack.api<{ items: Array<{ voucherId: string; amount: number }>; total: number }>(
      VOUCHER_PROVIDER,
      'GET',
      `/v1/providers/${providerId}/settlements?period=${period}`,
    );
    expect(settlement.items.length).toBeGreaterThan(0);
    await page.getByRole('link', { name: '结算' }).click();
    await page.waitForURL('**/provider/settlements');
    const table = page.locator('main table');
    await table.getByRole('cell', { name: settlement.items[0]!.voucherId }).waitFor();
    await table.getByRole('row', { name: /合计/ }).getByText(`${settlement.total.toLocaleString('zh-CN')} 元`).waitFor();
    // The SME and the service the voucher paid for, by name.
    await table.getByText('成都蜀味食品').first().waitFor();
    expectCleanPages(await captureEverywhere(page, 'provider-settlements', () => table.waitFor()));

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`settlement-${providerId}-${period}.csv`);
    const csv = await fs.readFile((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFFvoucherId,matchId,amount,redeemedAt')).toBe(true);
    expect(csv).toContain(settlement.items[0]!.voucherId);
    expect(csv).toMatch(new RegExp(`TOTAL,,${settlement.total},`));

    // Another month: nothing redeemed then.
    await page.getByLabel('结算月份').fill('2020-01');
    await page.getByText('2020-01 没有兑付记录。').waitFor();
    expect(errors).toEqual([]);
  });

  it('captured every page of this file in both languages at both widths', () => {
    suite.expectCaptured([
        'provider-deliver',
        'sme-confirm-delivery',
        'sme-feedback',
        'sme-create',
        'sme-profile-new',
        'provider-create',
        'provider-profile-pending',
        'provider-new-offering',
        'provider-offering-created',
        'sme-profile-edit',
        'sme-vouchers',
        'provider-profile',
        'provider-settlements',
      ]);
  });
});
