import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { ValidationFailed } from '#domain/errors.ts';
import { DEFAULT_LANGUAGE, LangQuery, acceptedLanguages, pickLanguage } from '#domain/language.ts';
import { parseWith } from '#functions/http/validate.ts';

describe('pickLanguage', () => {
  it('answers in Chinese when the caller says nothing', () => {
    expect(DEFAULT_LANGUAGE).toBe('zh');
    expect(pickLanguage({})).toBe('zh');
    expect(pickLanguage({ acceptLanguage: '' })).toBe('zh');
    expect(pickLanguage({ acceptLanguage: '   ' })).toBe('zh');
  });

  it('lets ?lang win over Accept-Language', () => {
    expect(pickLanguage({ query: 'en', acceptLanguage: 'zh-CN,zh;q=0.9' })).toBe('en');
    expect(pickLanguage({ query: 'zh', acceptLanguage: 'en-US,en;q=0.9' })).toBe('zh');
  });

  it('ignores a ?lang value it does not support and falls back to the header', () => {
    // The route refuses these with 400 (langQuery); a caller without the schema still gets an answer.
    expect(pickLanguage({ query: 'fr', acceptLanguage: 'en-GB' })).toBe('en');
    expect(pickLanguage({ query: 'EN' })).toBe('zh');
  });

  it.each([
    ['zh-CN', 'zh'],
    ['zh-Hans', 'zh'],
    ['zh', 'zh'],
    ['zh-Hans-CN', 'zh'],
    ['zh-TW', 'zh'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['EN-gb', 'en'],
    ['fr-FR', 'zh'],
  ] as const)('maps a browser asking for %s to %s', (header, lang) => {
    expect(pickLanguage({ acceptLanguage: header })).toBe(lang);
  });

  it.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['en;q=0.5, zh-Hans;q=0.8', 'zh'],
    ['fr-FR, de;q=0.9, en;q=0.3, zh;q=0.2', 'en'],
    ['de-DE, fr;q=0.9', 'zh'],
    [' en-US ; q=0.9 , zh ;Q=0.8', 'en'],
    ['en;q=1.000, zh;q=0.999', 'en'],
  ] as const)('follows the q-values of "%s" to %s', (header, lang) => {
    expect(pickLanguage({ acceptLanguage: header })).toBe(lang);
  });

  it('breaks a tie in q-value by the order of the header', () => {
    expect(pickLanguage({ acceptLanguage: 'en, zh' })).toBe('en');
    expect(pickLanguage({ acceptLanguage: 'zh;q=0.7, en;q=0.7' })).toBe('zh');
  });

  it('drops a range whose q-value is malformed instead of guessing it', () => {
    expect(pickLanguage({ acceptLanguage: 'en;q=abc, zh;q=0.1' })).toBe('zh');
    expect(pickLanguage({ acceptLanguage: 'en;q=1.5, zh;q=0.1' })).toBe('zh');
    expect(pickLanguage({ acceptLanguage: 'en;q=, zh;q=0.1' })).toBe('zh');
    expect(acceptedLanguages('en;q=-1')).toEqual([]);
  });

  it('treats q=0 as "not acceptable"', () => {
    expect(pickLanguage({ acceptLanguage: 'en;q=0, zh;q=0.1' })).toBe('zh');
    expect(acceptedLanguages('en;q=0')).toEqual([]);
    // Refusing Chinese outright is the one case where nothing asked-for still is not the default.
    expect(pickLanguage({ acceptLanguage: 'zh;q=0' })).toBe('en');
    expect(pickLanguage({ acceptLanguage: 'zh;q=0, fr' })).toBe('en');
  });

  it('reads * as every supported language the header does not name', () => {
    expect(pickLanguage({ acceptLanguage: '*' })).toBe('zh');
    expect(pickLanguage({ acceptLanguage: 'de, *;q=0.5' })).toBe('zh');
    expect(pickLanguage({ acceptLanguage: 'zh;q=0, *' })).toBe('en');
    expect(pickLanguage({ acceptLanguage: 'zh;q=0.1, *' })).toBe('en');
    expect(acceptedLanguages('en;q=0.2, *;q=0.5')).toEqual(['zh', 'en']);
  });

  it('lists the supported languages best first, each once', () => {
    expect(acceptedLanguages('en-US, en;q=0.9, zh-CN;q=0.8, zh;q=0.7')).toEqual(['en', 'zh']);
    expect(acceptedLanguages('fr, de')).toEqual([]);
  });
});

describe('langQuery at the edge', () => {
  const Query = z.strictObject({ ...LangQuery });

  it('accepts zh, en, or no lang at all', () => {
    expect(parseWith(Query, { lang: 'zh' }, 'query')).toEqual({ lang: 'zh' });
    expect(parseWith(Query, { lang: 'en' }, 'query')).toEqual({ lang: 'en' });
    expect(parseWith(Query, {}, 'query')).toEqual({});
  });

  it.each(['fr', 'ZH', 'zh-CN', ''])('refuses ?lang=%s with a 400 naming the values allowed', (lang) => {
    let caught: unknown;
    try {
      parseWith(Query, { lang }, 'query');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ValidationFailed);
    const err = caught as ValidationFailed;
    expect(err.statusCode).toBe(400);
    expect(err.details).toEqual([{ path: 'query.lang', message: 'must be one of: "zh", "en"' }]);
  });
});
