import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROVINCE_CODES } from '#domain/regions.ts';
import { isUscc, makeUscc, organisationCheckCharacter, parseUscc, usccCheckCharacter, usccSchema } from '#domain/uscc.ts';

/**
 * Codes printed on public business licences and disclosures. Each one passes
 * both check characters (USCC and the embedded GB 11714 organisation code),
 * which a mistyped code does with probability about 1/341.
 */
const PUBLISHED = [
  ['914403001922038216', '华为技术有限公司', 'CN-GD'],
  ['9144030071526726XG', '腾讯科技（深圳）有限公司', 'CN-GD'],
  ['91110108551385082Q', '小米科技有限责任公司', 'CN-BJ'],
  ['91110000802100433B', '北京百度网讯科技有限公司', 'CN-BJ'],
  ['91330100799655058B', '阿里巴巴（中国）有限公司', 'CN-ZJ'],
  ['91520000214434146R', '贵州茅台酒股份有限公司', 'CN-GZ'],
  ['91110000710926094P', '中国石油化工股份有限公司', 'CN-BJ'],
  ['91440300192317458F', '比亚迪股份有限公司', 'CN-GD'],
  ['91440300100012316L', '中国平安保险（集团）股份有限公司', 'CN-GD'],
  ['91440606722473344C', '美的集团股份有限公司', 'CN-GD'],
  ['91440400192548256N', '珠海格力电器股份有限公司', 'CN-GD'],
  ['91110108558521630L', '北京三快在线科技有限公司 (Meituan)', 'CN-BJ'],
  ['91110000710925462X', '中国移动通信集团有限公司', 'CN-BJ'],
  ['91350900587527783P', '宁德时代新能源科技股份有限公司', 'CN-FJ'],
  // Post-2015 codes whose organisation-code body holds letters (MA…): letters count A=10 … Z=35 there.
  ['91310000MA1FW1BXX2', 'a Shanghai company registered in 2016', 'CN-SH'],
  ['91310000MA1K32MN7F', 'a Shanghai company', 'CN-SH'],
] as const;

const CODE_SET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const TENCENT = '9144030071526726XG';

describe('USCC: published codes', () => {
  it.each(PUBLISHED)('accepts %s (%s) and finds its province', (code, _name, province) => {
    const r = parseUscc(code);
    expect(r).toMatchObject({ ok: true, uscc: code, provinceCode: province, divisionCode: code.slice(2, 8) });
  });

  it('splits a code into its parts', () => {
    expect(parseUscc(TENCENT)).toEqual({
      ok: true,
      uscc: TENCENT,
      registrationAuthority: '9',
      category: '1',
      divisionCode: '440300',
      provinceCode: 'CN-GD',
      organisationCode: '71526726X',
    });
  });

  it('accepts a registration at national level (division 100000) with no province', () => {
    // 中国工商银行股份有限公司, registered with the national market regulator.
    expect(parseUscc('91100000100003962T')).toMatchObject({ ok: true, divisionCode: '100000', provinceCode: null });
  });
});

describe('USCC: refusals name the rule and the fix', () => {
  it('refuses a wrong check character and gives the expected one', () => {
    const r = parseUscc('9144030071526726XH');
    expect(r).toEqual({ ok: false, message: 'check character (position 18) should be "G", got "H"' });
  });

  it('refuses a wrong organisation-code check character (position 17) even when position 18 is recomputed', () => {
    const first17 = '9144030071526726' + '3';
    const r = parseUscc(first17 + usccCheckCharacter(first17));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe(
      'positions 9–17 are not a valid GB 11714 organisation code: its check character (position 17) should be "X", got "3"',
    );
  });

  it.each([
    ['91440300192203821', 'must be 18 characters, got 17'],
    ['9144030019220382160', 'must be 18 characters, got 19'],
    ['', 'must be 18 characters, got 0'],
    [' 914403001922038216', 'must be 18 characters, got 19 (remove the surrounding spaces)'],
  ])('refuses %j by its length', (code, message) => {
    expect(parseUscc(code)).toEqual({ ok: false, message });
  });

  it('refuses lower case and suggests the upper-case code', () => {
    expect(parseUscc('9144030071526726xg')).toEqual({
      ok: false,
      message: 'must be written in upper case: did you mean "9144030071526726XG"?',
    });
  });

  it.each([
    ['I', '1'],
    ['O', '0'],
    ['Z', '2'],
    ['S', '5'],
    ['V', 'U'],
  ])('refuses the excluded letter %s and suggests %s', (letter, instead) => {
    const code = `91440300${letter}1922038216`.slice(0, 18);
    const r = parseUscc(code);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe(
      `position 9 holds "${letter}", a letter the code never uses (I, O, Z, S, V are excluded): did you mean "${instead}"?`,
    );
  });

  it('refuses characters outside the code set', () => {
    const r = parseUscc('91440300-192203821');
    expect(!r.ok && r.message).toMatch(/^position 9 holds "-": only digits and upper-case letters/);
    const full = parseUscc('９14403001922038216');
    expect(!full.ok && full.message).toMatch(/^position 1 holds "９"/);
  });

  it('refuses an unknown registration authority (position 1)', () => {
    const r = parseUscc('B14403001922038216');
    expect(!r.ok && r.message).toBe('position 1 (registration authority) must be one of 1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y; got "B"');
  });

  it('refuses an organisation category its authority does not issue (position 2)', () => {
    // 9 (market regulation) issues 1 enterprise, 2 individual business, 3 farmers' co-operative.
    const r = parseUscc('94' + TENCENT.slice(2));
    expect(!r.ok && r.message).toMatch(/^position 2 \(organisation category\) "4" is not defined for registration authority "9" .*allowed: 1, 2, 3$/);
    expect(parseUscc('Y2' + TENCENT.slice(2)).ok).toBe(false);
  });

  it('accepts each authority with each of its categories when the check character fits', () => {
    for (const [authority, categories] of [['1', '1239'], ['3', '123459'], ['5', '1239'], ['N', '1239'], ['Y', '1']] as const) {
      for (const category of categories) {
        const first17 = authority + category + TENCENT.slice(2, 17);
        expect(parseUscc(first17 + usccCheckCharacter(first17)).ok, first17).toBe(true);
      }
    }
  });

  it('refuses a division code that is not six digits or not in a province', () => {
    const letters = '9144A300' + TENCENT.slice(8, 17);
    expect(parseUscc(letters + usccCheckCharacter(letters))).toEqual({
      ok: false,
      message: 'positions 3–8 (administrative division) must be six digits; got "44A300"',
    });
    const hongKong = '9181' + TENCENT.slice(4, 17);
    expect(parseUscc(hongKong + usccCheckCharacter(hongKong))).toEqual({
      ok: false,
      message: 'positions 3–4 ("81") are not the division code of a mainland province',
    });
  });

  it('usccSchema refuses with the same message and accepts a valid code', () => {
    expect(usccSchema.safeParse(TENCENT)).toMatchObject({ success: true, data: TENCENT });
    const r = usccSchema.safeParse('9144030071526726XH');
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual(['check character (position 18) should be "G", got "H"']);
    expect(usccSchema.safeParse(914403001922038216).success).toBe(false);
  });
});

describe('check characters', () => {
  it('computes the GB 11714 organisation-code check, with X for 10 and 0 for 11', () => {
    expect(organisationCheckCharacter('71526726')).toBe('X');
    expect(organisationCheckCharacter('19220382')).toBe('1');
    expect(organisationCheckCharacter('MA1FW1BX')).toBe('X');
    // 3·1 + 7·0 + … : a body whose weighted sum is ≡ 0 (mod 11) gives 11 → "0".
    expect(organisationCheckCharacter('00000000')).toBe('0');
  });
});

describe('makeUscc', () => {
  it('is deterministic and gives a valid code in the requested province for every province', () => {
    for (const [i, province] of PROVINCE_CODES.entries()) {
      const code = makeUscc(province, 1000 + i);
      expect(makeUscc(province, 1000 + i)).toBe(code);
      expect(parseUscc(code)).toMatchObject({ ok: true, provinceCode: province });
    }
    expect(makeUscc('CN-SC', 1)).not.toBe(makeUscc('CN-SC', 2));
  });

  it('refuses a serial that does not fit eight digits', () => {
    expect(() => makeUscc('CN-SC', -1)).toThrow(RangeError);
    expect(() => makeUscc('CN-SC', 100_000_000)).toThrow(RangeError);
    expect(() => makeUscc('CN-SC', 1.5)).toThrow(RangeError);
  });
});

describe('USCC properties', () => {
  const generated = fc
    .tuple(fc.constantFrom(...PROVINCE_CODES), fc.integer({ min: 0, max: 99_999_999 }))
    .map(([province, serial]) => makeUscc(province, serial));

  // Letters and digits of both cases (the likely slips) and any code point at all.
  const anyCharacter = fc.oneof(
    fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz -'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );

  it('every generated code validates', () => {
    fc.assert(fc.property(generated, (code) => isUscc(code)));
  });

  it('any single changed character is caught', () => {
    fc.assert(
      fc.property(generated, fc.nat(17), anyCharacter, (code, position, replacement) => {
        fc.pre(code[position] !== replacement);
        const changed = code.slice(0, position) + replacement + code.slice(position + 1);
        return !isUscc(changed);
      }),
    );
  });

  it('any single changed character within the code set is caught by the check character', () => {
    fc.assert(
      fc.property(generated, fc.nat(17), fc.constantFrom(...CODE_SET), (code, position, replacement) => {
        fc.pre(code[position] !== replacement);
        return !isUscc(code.slice(0, position) + replacement + code.slice(position + 1));
      }),
    );
  });

  it('swapping two different neighbouring characters is caught', () => {
    fc.assert(
      fc.property(generated, fc.nat(16), (code, i) => {
        fc.pre(code[i] !== code[i + 1]);
        return !isUscc(code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2));
      }),
    );
  });
});
